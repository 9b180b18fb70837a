import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBase62 } from './random-token.ts';

/**
 * SECRET_KEY encrypts channel credentials. When the operator gives none, one is generated on the
 * first start and kept in the data directory (mode 0600), so restarts can still read stored keys.
 */
export function resolveSecretKey(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'secret.key');
  const stored = readStoredKey(file);
  if (stored !== undefined) return stored;
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBase62(64);
  // 'wx' fails if another process created it first; then use theirs.
  try {
    writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = readStoredKey(file);
    if (theirs === undefined) {
      throw new Error(`${file} vanished while it was being created; start again`, { cause: error });
    }
    return theirs;
  }
}

/**
 * The stored key, or undefined when there is no file. A damaged file stops the start: generating a
 * new key would make every stored channel key unreadable without anyone noticing why.
 */
function readStoredKey(file: string): string | undefined {
  let stored: string;
  try {
    stored = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (stored.length < 16) {
    throw new Error(
      `${file} is damaged (shorter than 16 characters). Restore it from a backup, or set SECRET_KEY; ` +
        'delete it only if no channel keys were stored under it.',
    );
  }
  return stored;
}
