import type BetterSqlite3 from 'better-sqlite3';
import {
  applySqliteWriteBatch,
  type SqliteWriteBatch,
  type SqliteWriteResult,
} from './sqlite-write-batch.ts';

/**
 * Where the request path's batched SQLite writes (log rows, settlements) are committed: on a thread
 * of their own when the database is a file, so that the event loop every request shares never runs
 * them; on the store's own connection when it is in memory (no other connection can see it).
 */
export interface SqliteWriter {
  /** Commits the batch, or rejects having written none of it. */
  write(batch: SqliteWriteBatch): Promise<SqliteWriteResult>;
  /** Waits for the writes in flight, then stops. */
  close(): Promise<void>;
}

/** Writes on the store's connection, on the event loop. */
export class InlineSqliteWriter implements SqliteWriter {
  readonly #prepared = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly database: BetterSqlite3.Database) {}

  async write(batch: SqliteWriteBatch): Promise<SqliteWriteResult> {
    // Kysely's transactions on this connection span awaits: a batch begun inside one would join it
    // (as a savepoint) and vanish with its rollback. Checked in the same synchronous step as the write.
    while (this.database.inTransaction) await new Promise((resolve) => setImmediate(resolve));
    return applySqliteWriteBatch(this.database, this.#prepared, batch);
  }

  async close(): Promise<void> {}
}
