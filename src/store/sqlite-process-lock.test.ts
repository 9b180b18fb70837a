import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockSqliteForThisProcess } from './sqlite-process-lock.ts';

describe('the SQLite gateway lock', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  const database = () => join(mkdtempSync(join(tmpdir(), 'sb-lock-')), 'data', 'switchboard.db');

  it('is taken with this process id and released', () => {
    const path = database();
    const release = lockSqliteForThisProcess(path);
    expect(readFileSync(`${path}.gateway-lock`, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(`${path}.gateway-lock`)).toBe(false);
  });

  it('refuses while another live process holds it, naming that process', () => {
    const path = database();
    const other = spawn('sleep', ['30']);
    cleanups.push(() => other.kill('SIGKILL'));
    lockSqliteForThisProcess(path)();
    writeFileSync(`${path}.gateway-lock`, String(other.pid));
    expect(() => lockSqliteForThisProcess(path)).toThrow(
      new RegExp(`another Switchboard process \\(pid ${other.pid}\\) is using the SQLite database`),
    );
    expect(readFileSync(`${path}.gateway-lock`, 'utf8')).toBe(String(other.pid));
  });

  it('takes over a lock left by a process that is gone', () => {
    const path = database();
    const gone = spawnSync('true');
    lockSqliteForThisProcess(path)();
    writeFileSync(`${path}.gateway-lock`, String(gone.pid));
    const release = lockSqliteForThisProcess(path);
    expect(readFileSync(`${path}.gateway-lock`, 'utf8')).toBe(String(process.pid));
    release();
  });

  it('leaves a lock that is not its own when releasing', () => {
    const path = database();
    const release = lockSqliteForThisProcess(path);
    writeFileSync(`${path}.gateway-lock`, '999999');
    release();
    expect(readFileSync(`${path}.gateway-lock`, 'utf8')).toBe('999999');
  });
});
