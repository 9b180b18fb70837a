import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('stores scrypt parameters, a random salt and the hash, never the password', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    expect(first).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(first).not.toContain('correct horse');
    // A fresh salt each time: equal passwords do not give equal hashes.
    expect(second).not.toBe(first);
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('s3cret-pässwörd');
    expect(await verifyPassword('s3cret-pässwörd', stored)).toBe(true);
    expect(await verifyPassword('s3cret-passwort', stored)).toBe(false);
    expect(await verifyPassword('S3cret-pässwörd', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('refuses every password against a tampered salt or hash', async () => {
    const stored = await hashPassword('pw');
    const parts = stored.split('$');
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    const withPart = (index: number, value: string) =>
      parts.map((part, at) => (at === index ? value : part)).join('$');
    expect(await verifyPassword('pw', withPart(4, flip(parts[4]!)))).toBe(false);
    expect(await verifyPassword('pw', withPart(5, flip(parts[5]!)))).toBe(false);
    expect(await verifyPassword('pw', withPart(5, parts[5]!.slice(4)))).toBe(false);
    expect(await verifyPassword('pw', withPart(5, ''))).toBe(false);
  });

  it('returns false for stored strings that are not a hash at all', async () => {
    for (const stored of [
      '',
      'pw',
      'scrypt',
      'scrypt$$$$$',
      'bcrypt$16384$8$1$c2FsdA==$aGFzaA==',
      '$2b$10$abc',
    ]) {
      expect(await verifyPassword('pw', stored)).toBe(false);
    }
  });

  // A damaged stored hash must never make scrypt throw (a 500 at login) or burn CPU and memory.
  it('returns false, without throwing, when the stored cost parameters were tampered with', async () => {
    const parts = (await hashPassword('pw')).split('$');
    const withPart = (index: number, value: string) =>
      parts.map((part, at) => (at === index ? value : part)).join('$');
    for (const stored of [
      withPart(1, 'abc'),
      withPart(1, '3'),
      withPart(1, '1073741824'),
      withPart(2, 'x'),
    ]) {
      await expect(verifyPassword('pw', stored)).resolves.toBe(false);
    }
  });
});
