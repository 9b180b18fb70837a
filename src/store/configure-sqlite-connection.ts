import type BetterSqlite3 from 'better-sqlite3';

/** The settings of every connection to the database (the store's and the writer thread's). */
export function configureSqliteConnection(database: BetterSqlite3.Database): void {
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // Two connections write (the store's, for the management API, and the writer thread's): one waits
  // while the other commits.
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
}
