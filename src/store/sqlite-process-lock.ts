import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * SQLite serves one gateway process: credit holds are reservations in that process's memory, so a
 * second process on the same file would not see them and could spend the same credits twice. The
 * first process takes `<database>.gateway-lock` (holding its pid); another process refuses to start
 * while that pid is alive. A lock left by a process that died is taken over. Returns the release.
 */
export function lockSqliteForThisProcess(databasePath: string): () => void {
  const lockPath = `${databasePath}.gateway-lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => releaseIfOurs(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readLock(lockPath), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `another Switchboard process (pid ${holder}) is using the SQLite database ${databasePath}: ` +
          'SQLite serves one gateway process (credit holds are kept in its memory); run several nodes ' +
          `on PostgreSQL or MySQL, or remove ${lockPath} if that process is not a gateway`,
      );
    }
    // Left by a process that is gone (or by this one): take it over.
    unlinkSync(lockPath);
  }
  throw new Error(`could not take ${lockPath}: another process keeps taking it`);
}

function readLock(lockPath: string): string {
  try {
    return readFileSync(lockPath, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfOurs(lockPath: string): void {
  if (readLock(lockPath) !== String(process.pid)) return;
  try {
    unlinkSync(lockPath);
  } catch {
    // Already gone.
  }
}
