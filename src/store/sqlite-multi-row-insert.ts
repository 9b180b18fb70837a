import type BetterSqlite3 from 'better-sqlite3';

/** A value SQLite binds as a statement parameter. */
export type SqliteValue = number | bigint | string | Buffer | null;

/** Rows per statement: where the per-statement cost is spread thin and the SQL text stays short. */
const ROWS_PER_STATEMENT = 32;

/**
 * Inserts rows into one table with multi-row `INSERT … VALUES (…), (…)` statements, prepared once
 * per row count. On the request path's batches (log rows, ledger rows) this costs SQLite about a
 * third less CPU per row than one single-row statement per row: binding, stepping and resetting a
 * statement are paid once for many rows.
 */
export class SqliteMultiRowInsert {
  readonly #statements = new Map<number, BetterSqlite3.Statement>();
  readonly #prefix: string;
  readonly #tuple: string;

  constructor(
    private readonly database: BetterSqlite3.Database,
    table: string,
    private readonly columns: readonly string[],
  ) {
    this.#prefix = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    this.#tuple = `(${columns.map(() => '?').join(', ')})`;
  }

  /** Inserts `rows` (each with one value per column, in column order), in order. */
  run(rows: readonly (readonly SqliteValue[])[]): void {
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const count = Math.min(ROWS_PER_STATEMENT, rows.length - start);
      const values = new Array<SqliteValue>(count * this.columns.length);
      let at = 0;
      for (let row = start; row < start + count; row++) {
        for (const value of rows[row]!) values[at++] = value;
      }
      this.#statement(count).run(values);
    }
  }

  #statement(rows: number): BetterSqlite3.Statement {
    let statement = this.#statements.get(rows);
    if (statement === undefined) {
      statement = this.database.prepare(this.#prefix + new Array<string>(rows).fill(this.#tuple).join(', '));
      this.#statements.set(rows, statement);
    }
    return statement;
  }
}
