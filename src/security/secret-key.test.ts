import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSecretKey } from './secret-key.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-secret-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveSecretKey', () => {
  it('uses a configured SECRET_KEY as is and writes nothing', () => {
    expect(resolveSecretKey('operator-given-secret-key', dir)).toBe('operator-given-secret-key');
    expect(() => statSync(join(dir, 'secret.key'))).toThrow();
  });

  it('generates a key on the first start, keeps it private, and reuses it on every later start', () => {
    const first = resolveSecretKey(undefined, dir);
    expect(first).toMatch(/^[0-9A-Za-z]{32,}$/);
    const file = join(dir, 'secret.key');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey(undefined, dir)).toBe(first);
    expect(resolveSecretKey('', dir)).toBe(first);
  });

  it('generates a different key for a different data directory', () => {
    const other = mkdtempSync(join(tmpdir(), 'switchboard-secret-'));
    try {
      expect(resolveSecretKey(undefined, other)).not.toBe(resolveSecretKey(undefined, dir));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('creates a data directory that does not exist yet', () => {
    const nested = join(dir, 'a', 'b');
    const generated = resolveSecretKey(undefined, nested);
    expect(readFileSync(join(nested, 'secret.key'), 'utf8').trim()).toBe(generated);
  });

  it('reads a key the operator placed in the file, ignoring surrounding whitespace', () => {
    writeFileSync(join(dir, 'secret.key'), '  placed-by-the-operator-0123456789\n\n');
    expect(resolveSecretKey(undefined, dir)).toBe('placed-by-the-operator-0123456789');
  });

  // A truncated secret.key must never become the key channel credentials are sealed with.
  it('never returns a key shorter than 16 characters from a damaged secret.key', () => {
    for (const content of ['', '\n', 'short\n']) {
      writeFileSync(join(dir, 'secret.key'), content);
      let resolved: string | undefined;
      try {
        resolved = resolveSecretKey(undefined, dir);
      } catch {
        // Refusing to start is an acceptable answer too.
        continue;
      }
      expect(resolved.length).toBeGreaterThanOrEqual(16);
    }
  });
});
