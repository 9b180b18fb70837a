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

export class RequestLogsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(rows: readonly NewRequestLog[]): Promise<void> {
    if (rows.length === 0) return;
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
