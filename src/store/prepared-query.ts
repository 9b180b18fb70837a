import { CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.ts';

/** A statement of the request path, written in PostgreSQL's `$1, $2, …` parameter style. */
export interface PreparedStatement {
  /** Unique per statement text: PostgreSQL keeps the parsed statement under it, per connection. */
  name: string;
  text: string;
}

/** Runs a statement and returns its rows. */
export type RunPrepared = <Row>(statement: PreparedStatement, values: readonly unknown[]) => Promise<Row[]>;

/**
 * Runs request-path statements on PostgreSQL as named prepared statements when the pool is at hand:
 * each pooled connection parses and plans the statement once, instead of at every run (for the
 * credit hold, a three-part statement, that is about a third of its round trip). Without the pool
 * (a test's own database handle) the same text runs through Kysely, unnamed.
 */
export function preparedRunner(db: Kysely<Database>, pgPool: pg.Pool | undefined): RunPrepared {
  if (pgPool === undefined) {
    return async <Row>(statement: PreparedStatement, values: readonly unknown[]) =>
      (await db.executeQuery<Row>(CompiledQuery.raw(statement.text, [...values]))).rows;
  }
  return async <Row>(statement: PreparedStatement, values: readonly unknown[]) => {
    const result = await pgPool.query<Row & pg.QueryResultRow>({
      name: statement.name,
      text: statement.text,
      values: [...values],
    });
    return result.rows;
  };
}
