import { describe, expect, it } from 'vitest';
import { apiKeyPattern, generateApiKey, hashSecret, maskApiKey } from './api-key.ts';

describe('API keys', () => {
  it('are sk- followed by 48 base62 characters, and never repeat', () => {
    const keys = Array.from({ length: 200 }, generateApiKey);
    for (const key of keys) {
      expect(key).toMatch(/^sk-[0-9A-Za-z]{48}$/);
      expect(apiKeyPattern.test(key)).toBe(true);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the pattern refuses anything else', () => {
    const key = generateApiKey();
    for (const bad of [
      key.slice(0, -1),
      `${key}a`,
      key.replace('sk-', 'pk-'),
      key.replace('sk-', 'SK-'),
      `${key.slice(0, -1)}-`,
      `${key.slice(0, -1)}_`,
      ` ${key}`,
      `${key}\n`,
      '',
    ]) {
      expect(apiKeyPattern.test(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('are stored as a SHA-256 hex digest that is stable and tells keys apart', () => {
    const key = generateApiKey();
    expect(hashSecret(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(key)).toBe(hashSecret(key));
    expect(hashSecret(key)).not.toBe(hashSecret(generateApiKey()));
    expect(hashSecret(key)).not.toContain(key.slice(3));
    // The published SHA-256 of "abc".
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('are listed masked as sk-abcd…wxyz, revealing only 8 of the 48 random characters', () => {
    const key = 'sk-abcd0123456789012345678901234567890123456789wxyz';
    expect(maskApiKey(key)).toBe('sk-abcd…wxyz');
    const random = generateApiKey();
    const masked = maskApiKey(random);
    expect(masked).toBe(`${random.slice(0, 7)}…${random.slice(-4)}`);
    expect(masked).not.toContain(random.slice(7, -4));
  });
});
