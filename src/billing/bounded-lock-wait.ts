import { sql, type Kysely, type Transaction } from 'kysely';
import type { DialectName } from '../store/open-database.ts';
import type { Database } from '../store/schema.ts';

/**
 * How long a hold waits for a row lock before it fails. A healthy wait on a balance row is one
 * batch's commit, a few milliseconds; a wait of seconds means the row is held by a session that is
 * stuck (a connection lost mid-transaction, a long manual transaction). Unbounded, such a wait holds
 * a connection and the hold's whole queue for as long as that session lives (PostgreSQL has no bound
 * by default, MariaDB 50 s). 5 s is far above any healthy wait and well within a client's patience,
 * so the hold fails with an error the client can retry, and the queue goes on.
 */
export const LOCK_WAIT_MS = 5_000;

/**
 * Runs `work` in a transaction whose row-lock waits end, after `lockWaitMs`, with an error (and the
 * transaction rolled back). PostgreSQL: `SET LOCAL lock_timeout`, gone at the transaction's end.
 * MySQL/MariaDB: the session's `innodb_lock_wait_timeout` (whole seconds, at least 1), set before the
 * transaction and given back to the server's default after it, so the pooled connection's other
 * users keep theirs. SQLite waits on its busy timeout.
 */
export async function inTransactionWithLockWait<T>(
  db: Kysely<Database>,
  dialect: DialectName,
  lockWaitMs: number,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  switch (dialect) {
    case 'postgres':
      return db.transaction().execute(async (trx) => {
        await sql`SET LOCAL lock_timeout = ${sql.lit(lockWaitMs)}`.execute(trx);
        return work(trx);
      });
    case 'mysql':
      return db.connection().execute(async (connection) => {
        await sql`SET SESSION innodb_lock_wait_timeout = ${sql.lit(lockWaitSeconds(lockWaitMs))}`.execute(
          connection,
        );
        try {
          return await connection.transaction().execute(work);
        } finally {
          // Never an error of the caller's: the transaction's outcome (committed or not) stands. A
          // connection that cannot take this statement is broken, and the pool drops it.
          await sql`SET SESSION innodb_lock_wait_timeout = DEFAULT`.execute(connection).catch(() => {});
        }
      });
    case 'sqlite':
      return db.transaction().execute(work);
    default: {
      const unreachable: never = dialect;
      throw new Error(`unknown dialect ${String(unreachable)}`);
    }
  }
}

/** The database gave up waiting for a row lock; the statement (on PostgreSQL the transaction) failed. */
export function isLockWaitTimeout(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  // PostgreSQL: lock_not_available. MySQL/MariaDB: error 1205's name.
  return error.code === '55P03' || error.code === 'ER_LOCK_WAIT_TIMEOUT';
}

function lockWaitSeconds(lockWaitMs: number): number {
  return Math.max(1, Math.ceil(lockWaitMs / 1_000));
}
