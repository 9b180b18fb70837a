import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { createPool as createMysqlPool } from 'mysql2';
import pg from 'pg';
import { configureSqliteConnection } from './configure-sqlite-connection.ts';
import type { Database } from './schema.ts';
import { InlineSqliteWriter, type SqliteWriter } from './sqlite-writer.ts';
import { ThreadedSqliteWriter } from './threaded-sqlite-writer.ts';

export type DialectName = 'sqlite' | 'postgres' | 'mysql';

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The raw SQLite handle, for the few hot writes where a cached prepared statement beats Kysely. */
  sqlite?: BetterSqlite3.Database;
  /** SQLite: where the request path's batched writes commit (a thread of its own for a file). */
  sqliteWriter?: SqliteWriter;
  /** The PostgreSQL pool under `db`, for hot statements run as named prepared statements. */
  pgPool?: pg.Pool;
}

// int8 (COUNT, bigint columns) arrives as a string by default; our values (ids, epoch ms,
// token counts, micro-credits) stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

export function dialectOf(url: string): DialectName {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  if (/^(mysql|mariadb):\/\//i.test(url)) return 'mysql';
  return 'sqlite';
}

/** `sqlite:path`, `sqlite://path`, `file:path` or a bare path; `:memory:` for a throwaway database. */
export function sqlitePath(url: string): string {
  return url.replace(/^(sqlite|file):(\/\/)?/i, '') || ':memory:';
}

export function openDatabase(url: string, options: { poolSize?: number } = {}): OpenedDatabase {
  const dialect = dialectOf(url);
  const poolSize = options.poolSize ?? 10;
  switch (dialect) {
    case 'sqlite': {
      const path = sqlitePath(url);
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const database = new BetterSqlite3(path);
      configureSqliteConnection(database);
      return {
        dialect,
        sqlite: database,
        sqliteWriter: database.memory ? new InlineSqliteWriter(database) : new ThreadedSqliteWriter(path),
        db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
      };
    }
    case 'postgres': {
      const pool = new pg.Pool({ connectionString: url, max: poolSize });
      // An idle connection the server ends (a restart, a terminated backend) is an 'error' event on
      // the pool; unheard, it would crash the process. The pool drops that client and the next
      // query opens a fresh one, so there is nothing else to do.
      pool.on('error', () => {});
      return { dialect, pgPool: pool, db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }) };
    }
    case 'mysql': {
      const pool = createMysqlPool({ uri: url.replace(/^mariadb:/i, 'mysql:'), connectionLimit: poolSize });
      return { dialect, db: new Kysely<Database>({ dialect: new MysqlDialect({ pool }) }) };
    }
    default: {
      const unreachable: never = dialect;
      throw new Error(`unknown dialect ${String(unreachable)}`);
    }
  }
}
