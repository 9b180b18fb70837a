import type { Kysely } from 'kysely';
import type { Database, NewSystemLog, SystemLogRow } from './schema.ts';
import { storableText } from './storable-text.ts';

export interface SystemLogQuery {
  channelId?: number;
  event?: string;
  /** Keyset paging: rows with an id below this one. */
  beforeId?: number;
  limit: number;
}

/** Events of the gateway itself (a channel disabled or re-enabled), newest first. */
export class SystemLogsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: Omit<NewSystemLog, 'created_at'> & { created_at?: number }): Promise<void> {
    await this.db
      .insertInto('system_logs')
      // The message may quote an upstream.
      .values({
        ...row,
        message: storableText(row.message, 10_000),
        created_at: row.created_at ?? Date.now(),
      })
      .execute();
  }

  list(query: SystemLogQuery): Promise<SystemLogRow[]> {
    let select = this.db.selectFrom('system_logs').selectAll();
    if (query.channelId !== undefined) select = select.where('channel_id', '=', query.channelId);
    if (query.event !== undefined) select = select.where('event', '=', query.event);
    if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
    return select.orderBy('id', 'desc').limit(query.limit).execute();
  }
}
