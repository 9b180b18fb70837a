import { CompiledQuery, type Kysely } from 'kysely';
import { fitByteCount, fitLogRow } from './fit-log-row.ts';
import { columnsOfType, insertColumns, requestLogColumns } from './request-log-columns.ts';
import { refusedByDatabase } from './refused-by-database.ts';
import { insertReturningId } from './insert-returning-id.ts';
import { mayHoldUnstorable, postgresText } from './postgres-text.ts';
import type { DialectName } from './open-database.ts';
import type { LogBodies, RequestLogEntry } from './request-log-entry.ts';
import { rollupDeltas, rollupKeyColumns, rollupSumColumns } from './rollup-deltas.ts';
import type {
  Database,
  NewRequestLog,
  RequestLogBodiesRow,
  RequestLogBodiesTable,
  RequestLogRow,
} from './schema.ts';
import { sqliteRollupUpsert, upsertRollups } from './upsert-rollups.ts';
import { SqliteWriteBatchBuilder, type SqliteValue, type SqliteWriteBatch } from './sqlite-write-batch.ts';
import type { SqliteWriter } from './sqlite-writer.ts';

export interface RequestLogQuery {
  /** Only this user's rows; undefined for all rows (admins). */
  userId?: number;
  model?: string;
  apiKeyId?: number;
  status?: number;
  requestId?: string;
  from?: number;
  to?: number;
  /** Keyset paging: rows with an id below this one. */
  beforeId?: number;
  limit: number;
}

const textColumns = new Set(columnsOfType('text'));

/**
 * PostgreSQL: any number of log rows in one statement with one parameter, the rows as a JSON array
 * of objects, which the server turns into records in one pass each. Its text is constant, so no
 * query is built per batch; and `JSON.stringify` makes the parameter natively, where an array
 * parameter per column had the driver quote and escape every value in JavaScript (about 3 % of the
 * gateway's CPU per request).
 */
const POSTGRES_INSERT_ROWS = `INSERT INTO request_logs (${insertColumns.join(', ')})
  SELECT ${insertColumns.map((column) => (column === 'credits' ? 'COALESCE(credits, 0)' : column)).join(', ')}
  FROM ROWS FROM (json_to_recordset($1::json) AS (${insertColumns
    .map((column) => `${column} ${requestLogColumns[column].type === 'text' ? 'text' : 'bigint'}`)
    .join(', ')})) WITH ORDINALITY AS r(${insertColumns.join(', ')}, ord)
  ORDER BY ord`;

/** A row with its text as PostgreSQL can store it (see `postgresText`). */
function storableRow<T extends NewRequestLog>(row: T): T {
  const copy = { ...row };
  for (const column of textColumns) {
    const value = copy[column];
    if (typeof value === 'string') (copy as Record<string, unknown>)[column] = postgresText(value);
  }
  return copy;
}

/**
 * The rows as POSTGRES_INSERT_ROWS takes them, and the rows that text came from: the same ones,
 * unless a text could not be stored as it was (then the copies that were, for the rollups too).
 */
function postgresRows<T extends NewRequestLog>(rows: readonly T[]): { json: string; rows: readonly T[] } {
  // Keys the statement does not name are ignored by the server; a missing one is NULL (credits: 0,
  // as `rowValues` makes it).
  const json = JSON.stringify(rows);
  if (!mayHoldUnstorable(json)) return { json, rows };
  const storable = rows.map(storableRow);
  return { json: JSON.stringify(storable), rows: storable };
}

const bodyColumns = [
  'log_id',
  'request_body',
  'request_bytes',
  'request_truncated',
  'response_body',
  'response_bytes',
  'response_truncated',
] as const satisfies readonly (keyof RequestLogBodiesTable)[];

function bodyRow(logId: number, bodies: LogBodies): RequestLogBodiesTable {
  return {
    log_id: logId,
    request_body: bodies.request?.text ?? null,
    request_bytes: fitByteCount(bodies.request?.bytes ?? 0),
    request_truncated: bodies.request?.truncated ? 1 : 0,
    response_body: bodies.response?.text ?? null,
    response_bytes: fitByteCount(bodies.response?.bytes ?? 0),
    response_truncated: bodies.response?.truncated ? 1 : 0,
  };
}

/** A row's values in `insertColumns` order (read field by field: one object shape, no lookups by name). */
function rowValues(row: NewRequestLog): SqliteValue[] {
  return [
    row.created_at,
    row.request_id,
    row.user_id ?? null,
    row.api_key_id ?? null,
    row.endpoint,
    row.model,
    row.upstream_model ?? null,
    row.channel_id ?? null,
    row.status,
    row.stream,
    row.prompt_tokens,
    row.completion_tokens,
    row.cached_tokens ?? null,
    row.usage_estimated ?? null,
    row.latency_ms,
    row.first_byte_ms ?? null,
    row.error_code ?? null,
    row.user_metadata ?? null,
    row.warnings ?? null,
    row.attempts ?? null,
    row.credits ?? 0,
  ];
}

const SQLITE_INSERT_ROW = `INSERT INTO request_logs (${insertColumns.join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')})`;
/** A row's bodies, under the id SQLite just gave the row (the step before in the same batch). */
const SQLITE_INSERT_BODIES = `INSERT INTO request_log_bodies (${bodyColumns.join(', ')}) VALUES (last_insert_rowid(), ${bodyColumns
  .slice(1)
  .map(() => '?')
  .join(', ')})`;
const SQLITE_UPSERT_ROLLUP = sqliteRollupUpsert();
const rollupColumns = [...rollupKeyColumns, ...rollupSumColumns];

/** SQLite: the rows, their bodies and the rollup increments, as one batch for the writer. */
function sqliteLogBatch(rows: readonly RequestLogEntry[]): SqliteWriteBatch {
  const batch = new SqliteWriteBatchBuilder();
  // Rows without bodies go many to a statement; a row with bodies alone, its bodies next under the
  // id it was given.
  let run: SqliteValue[][] = [];
  for (const row of rows) {
    if (!row.bodies) {
      run.push(rowValues(row));
      continue;
    }
    batch.addRows('request_logs', insertColumns, run);
    run = [];
    batch.add(SQLITE_INSERT_ROW, rowValues(row));
    const body = bodyRow(0, row.bodies);
    batch.add(
      SQLITE_INSERT_BODIES,
      bodyColumns.slice(1).map((column) => body[column]),
    );
  }
  batch.addRows('request_logs', insertColumns, run);
  for (const delta of rollupDeltas(rows)) {
    batch.add(
      SQLITE_UPSERT_ROLLUP,
      rollupColumns.map((column) => delta[column]),
    );
  }
  return batch.build();
}

/**
 * Request-log rows, their bodies, and the hourly rollups made from them. A batch is written in one
 * transaction — rows, bodies and rollup increments together — so a retried batch never counts twice.
 */
export class RequestLogsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    /** SQLite: batches go to the writer (its own thread when the database is a file). */
    private readonly sqliteWriter?: SqliteWriter,
  ) {}

  /** A batch the database refused for what a row holds is written around that row (`BatchSink`). */
  refusesRows(error: unknown): boolean {
    return refusedByDatabase(error);
  }

  async insertMany(entries: readonly RequestLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map(fitLogRow);
    if (this.sqliteWriter) {
      await this.sqliteWriter.write(sqliteLogBatch(rows));
      return;
    }
    const postgres = this.dialect === 'postgres';
    await this.db.transaction().execute(async (transaction) => {
      // Rows without bodies go in multi-row INSERTs; a row with bodies alone, to learn its id.
      let run: NewRequestLog[] = [];
      // On PostgreSQL, what the rollups are made from: the rows as they could be stored.
      const written: NewRequestLog[] = [];
      const insertRun = async () => {
        if (run.length === 0) return;
        if (postgres) {
          const { json, rows: storable } = postgresRows(run);
          await transaction.executeQuery(CompiledQuery.raw(POSTGRES_INSERT_ROWS, [json]));
          written.push(...storable);
        } else {
          await transaction.insertInto('request_logs').values(run).execute();
        }
        run = [];
      };
      for (const entry of rows) {
        if (!('bodies' in entry)) {
          run.push(entry);
          continue;
        }
        const { bodies, ...row } = entry;
        if (!bodies) {
          run.push(row);
          continue;
        }
        await insertRun();
        const stored = postgres ? storableRow(row) : row;
        if (postgres) written.push(stored);
        const id = await insertReturningId(
          this.dialect,
          transaction.insertInto('request_logs').values(stored),
        );
        const body = bodyRow(id, bodies);
        if (postgres) {
          if (body.request_body !== null) body.request_body = postgresText(body.request_body);
          if (body.response_body !== null) body.response_body = postgresText(body.response_body);
        }
        await transaction.insertInto('request_log_bodies').values(body).execute();
      }
      await insertRun();
      await upsertRollups(transaction, this.dialect, rollupDeltas(postgres ? written : rows));
    });
  }

  /** Newest first. Keyset paging on id stays fast however deep the page. */
  list(query: RequestLogQuery): Promise<RequestLogRow[]> {
    let select = this.db.selectFrom('request_logs').selectAll();
    if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
    if (query.model !== undefined) select = select.where('model', '=', query.model);
    if (query.apiKeyId !== undefined) select = select.where('api_key_id', '=', query.apiKeyId);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    if (query.requestId !== undefined) select = select.where('request_id', '=', query.requestId);
    if (query.from !== undefined) select = select.where('created_at', '>=', query.from);
    if (query.to !== undefined) select = select.where('created_at', '<', query.to);
    if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
    return select.orderBy('id', 'desc').limit(query.limit).execute();
  }

  /** One row by id; with `userId`, only if it is that user's. */
  findById(id: number, userId?: number): Promise<RequestLogRow | undefined> {
    let select = this.db.selectFrom('request_logs').selectAll().where('id', '=', id);
    if (userId !== undefined) select = select.where('user_id', '=', userId);
    return select.executeTakeFirst();
  }

  findBodies(logId: number): Promise<RequestLogBodiesRow | undefined> {
    return this.db
      .selectFrom('request_log_bodies')
      .selectAll()
      .where('log_id', '=', logId)
      .executeTakeFirst();
  }

  /**
   * Deletes up to `limit` of the oldest rows created before `cutoff`, with their bodies, and says how
   * many went. Ids are chosen first (by the created_at index), then deleted by primary key: the one
   * form that works alike on SQLite, PostgreSQL (no DELETE … LIMIT) and MySQL/MariaDB (no LIMIT in
   * a subquery on the table being deleted from).
   */
  async deleteOlderThan(cutoff: number, limit: number): Promise<number> {
    const rows = await this.db
      .selectFrom('request_logs')
      .select('id')
      .where('created_at', '<', cutoff)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => row.id);
    // InnoDB's default (repeatable read) would also lock the gaps around these rows in every index,
    // and deadlock with the log writer inserting new rows; read committed locks just the rows.
    const begin = this.db.transaction();
    await (this.dialect === 'mysql' ? begin.setIsolationLevel('read committed') : begin).execute(
      async (transaction) => {
        await transaction.deleteFrom('request_log_bodies').where('log_id', 'in', ids).execute();
        await transaction.deleteFrom('request_logs').where('id', 'in', ids).execute();
      },
    );
    return ids.length;
  }
}
