import { CompiledQuery, type Kysely } from 'kysely';
import { insertReturningId } from './insert-returning-id.ts';
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

const insertColumns = [
  'created_at',
  'request_id',
  'user_id',
  'api_key_id',
  'endpoint',
  'model',
  'upstream_model',
  'channel_id',
  'status',
  'stream',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'usage_estimated',
  'latency_ms',
  'first_byte_ms',
  'error_code',
  'user_metadata',
  'warnings',
  'attempts',
  'credits',
] as const satisfies readonly (keyof NewRequestLog)[];

const textColumns = new Set<(typeof insertColumns)[number]>([
  'request_id',
  'endpoint',
  'model',
  'upstream_model',
  'error_code',
  'user_metadata',
  'warnings',
  'attempts',
]);

/**
 * PostgreSQL: any number of log rows in one statement of one array parameter per column, in order.
 * Its text is constant, so no query is built per batch (a multi-row VALUES list is compiled value by
 * value).
 */
const POSTGRES_INSERT_ROWS = `INSERT INTO request_logs (${insertColumns.join(', ')})
  SELECT ${insertColumns.join(', ')} FROM unnest(${insertColumns
    .map((column, index) => `$${index + 1}::${textColumns.has(column) ? 'text' : 'bigint'}[]`)
    .join(', ')}) WITH ORDINALITY AS r(${insertColumns.join(', ')}, ord)
  ORDER BY ord`;

/** The rows' values column by column, for POSTGRES_INSERT_ROWS. */
function postgresColumns(rows: readonly NewRequestLog[]): unknown[][] {
  const columns = insertColumns.map(() => new Array<unknown>(rows.length));
  for (const [at, row] of rows.entries()) {
    const values = rowValues(row);
    for (let index = 0; index < values.length; index++) columns[index]![at] = values[index];
  }
  return columns;
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
    request_bytes: bodies.request?.bytes ?? 0,
    request_truncated: bodies.request?.truncated ? 1 : 0,
    response_body: bodies.response?.text ?? null,
    response_bytes: bodies.response?.bytes ?? 0,
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

  async insertMany(rows: readonly RequestLogEntry[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.sqliteWriter) {
      await this.sqliteWriter.write(sqliteLogBatch(rows));
      return;
    }
    await this.db.transaction().execute(async (transaction) => {
      // Rows without bodies go in multi-row INSERTs; a row with bodies alone, to learn its id.
      let run: NewRequestLog[] = [];
      const insertRun = async () => {
        if (run.length === 0) return;
        if (this.dialect === 'postgres') {
          await transaction.executeQuery(CompiledQuery.raw(POSTGRES_INSERT_ROWS, postgresColumns(run)));
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
        const id = await insertReturningId(this.dialect, transaction.insertInto('request_logs').values(row));
        await transaction.insertInto('request_log_bodies').values(bodyRow(id, bodies)).execute();
      }
      await insertRun();
      await upsertRollups(transaction, this.dialect, rollupDeltas(rows));
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
