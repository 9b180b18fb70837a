import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.ts';

const key = 'a-secret-key-of-enough-length';

describe('SecretBox', () => {
  it('opens what it sealed, for any text', () => {
    const box = new SecretBox(key);
    for (const plaintext of ['sk-upstream-credential', '', 'ключ 🔑 clé', 'x'.repeat(10_000)]) {
      expect(box.open(box.seal(plaintext))).toBe(plaintext);
    }
  });

  it('does not store the plaintext, and seals the same text differently each time', () => {
    const box = new SecretBox(key);
    const first = box.seal('sk-upstream-credential');
    const second = box.seal('sk-upstream-credential');
    expect(first).toMatch(/^v1:/);
    expect(first).not.toContain('sk-upstream');
    expect(first).not.toContain(Buffer.from('sk-upstream-credential').toString('base64'));
    expect(second).not.toBe(first);
    expect(box.open(second)).toBe('sk-upstream-credential');
  });

  it('opens with another instance built from the same SECRET_KEY (a restart)', () => {
    const sealed = new SecretBox(key).seal('survives restarts');
    expect(new SecretBox(key).open(sealed)).toBe('survives restarts');
  });

  it('cannot be opened with a different SECRET_KEY', () => {
    const sealed = new SecretBox(key).seal('sk-upstream-credential');
    expect(() => new SecretBox(`${key}!`).open(sealed)).toThrow();
    expect(() => new SecretBox('another-secret-key-entirely').open(sealed)).toThrow();
  });

  it('throws on a tampered ciphertext, tag or iv instead of returning garbage', () => {
    const box = new SecretBox(key);
    const [version, iv, tag, body] = box.seal('sk-upstream-credential').split(':') as [
      string,
      string,
      string,
      string,
    ];
    const flipFirstByte = (base64: string) => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64');
    };
    expect(() => box.open([version, iv, tag, flipFirstByte(body)].join(':'))).toThrow();
    expect(() => box.open([version, iv, flipFirstByte(tag), body].join(':'))).toThrow();
    expect(() => box.open([version, flipFirstByte(iv), tag, body].join(':'))).toThrow();
    expect(() => box.open([version, iv, tag, body.slice(0, -4)].join(':'))).toThrow();
  });

  it('throws on strings that are not sealed secrets', () => {
    const box = new SecretBox(key);
    for (const sealed of ['', 'sk-plaintext', 'v1:abc', 'v2:a:b:c', 'v1:::']) {
      expect(() => box.open(sealed), sealed).toThrow();
    }
  });
});
