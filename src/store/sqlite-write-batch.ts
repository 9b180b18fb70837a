import type BetterSqlite3 from 'better-sqlite3';

/** A value SQLite binds as a statement parameter. */
export type SqliteValue = number | bigint | string | Buffer | null;

/**
 * Writes that commit together in one SQLite transaction: statement texts, and the steps that run
 * them in order. Plain arrays of plain values, so a batch crosses to the writer thread as a cheap
 * structured clone (about 0.4 µs a log row, where writing the row costs over 5 µs).
 */
export interface SqliteWriteBatch {
  statements: string[];
  /** Per step, the index of its statement in `statements`. */
  steps: number[];
  /** Per step, its parameters. */
  params: SqliteValue[][];
}

/** Rows per multi-row INSERT: where the per-statement cost is spread thin and the SQL stays short. */
const ROWS_PER_INSERT = 32;

/** `INSERT INTO table (columns) VALUES (…), (…)` texts, by table, columns and row count. */
const insertTexts = new Map<string, string>();

function insertText(table: string, columns: readonly string[], rows: number): string {
  const key = `${table} ${columns.join(',')} ${rows}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${new Array<string>(rows).fill(tuple).join(', ')}`;
    insertTexts.set(key, text);
  }
  return text;
}

/** The rows of the batch's reading steps (those with `RETURNING`), one array per such step, in order. */
export type SqliteWriteResult = unknown[][];

/** Builds a batch step by step; each statement text is listed once however many steps run it. */
export class SqliteWriteBatchBuilder {
  readonly #batch: SqliteWriteBatch = { statements: [], steps: [], params: [] };
  readonly #indexes = new Map<string, number>();

  get isEmpty(): boolean {
    return this.#batch.steps.length === 0;
  }

  add(statement: string, params: SqliteValue[]): void {
    let index = this.#indexes.get(statement);
    if (index === undefined) {
      index = this.#batch.statements.push(statement) - 1;
      this.#indexes.set(statement, index);
    }
    this.#batch.steps.push(index);
    this.#batch.params.push(params);
  }

  /**
   * Inserts `rows` (each with one value per column, in column order) in order, up to 32 to a
   * statement: binding, stepping and resetting a statement are paid once for many rows, which costs
   * SQLite about a third less CPU per row than a statement per row.
   */
  addRows(table: string, columns: readonly string[], rows: readonly (readonly SqliteValue[])[]): void {
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const count = Math.min(ROWS_PER_INSERT, rows.length - start);
      const values = new Array<SqliteValue>(count * columns.length);
      let at = 0;
      for (let row = start; row < start + count; row++) {
        for (const value of rows[row]!) values[at++] = value;
      }
      this.add(insertText(table, columns, count), values);
    }
  }

  build(): SqliteWriteBatch {
    return this.#batch;
  }
}

/**
 * Runs a batch in one transaction on `database`, preparing each statement text once per connection
 * (`prepared` is that connection's cache). All or nothing: a step that fails rolls the batch back.
 */
export function applySqliteWriteBatch(
  database: BetterSqlite3.Database,
  prepared: Map<string, BetterSqlite3.Statement>,
  batch: SqliteWriteBatch,
): SqliteWriteResult {
  const statements = batch.statements.map((text) => {
    let statement = prepared.get(text);
    if (statement === undefined) {
      statement = database.prepare(text);
      prepared.set(text, statement);
    }
    return statement;
  });
  return database.transaction(() => {
    const results: SqliteWriteResult = [];
    for (let step = 0; step < batch.steps.length; step++) {
      const statement = statements[batch.steps[step]!]!;
      const params = batch.params[step]!;
      if (statement.reader) results.push(statement.all(params));
      else statement.run(params);
    }
    return results;
  })();
}
