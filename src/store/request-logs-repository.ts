import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database, NewRequestLog, RequestLogRow } from './schema.ts';

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
] as const satisfies readonly (keyof NewRequestLog)[];

export class RequestLogsRepository {
  readonly #insertBatch: ((rows: readonly NewRequestLog[]) => void) | undefined;
  readonly #sqlite: BetterSqlite3.Database | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite?: BetterSqlite3.Database,
  ) {
    this.#sqlite = sqlite;
    if (sqlite) {
      // SQLite writes block the event loop: one cached statement in one transaction costs a few
      // microseconds a row, where a fresh multi-row INSERT is compiled and prepared every batch.
      // Inside a Kysely transaction better-sqlite3 would nest this as a savepoint of it.
      const insert = sqlite.prepare(
        `INSERT INTO request_logs (${insertColumns.join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')})`,
      );
      this.#insertBatch = sqlite.transaction((rows: readonly NewRequestLog[]) => {
        for (const row of rows) insert.run(insertColumns.map((column) => row[column] ?? null));
      });
    }
  }

  async insertMany(rows: readonly NewRequestLog[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.#insertBatch) {
      // Never inside another writer's open transaction (Kysely's, on the same connection): its
      // rollback would take these rows with it.
      while (this.#sqlite?.inTransaction) await new Promise((resolve) => setImmediate(resolve));
      this.#insertBatch(rows);
      return;
    }
    await this.db.insertInto('request_logs').values(rows).execute();
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
}
