import type { Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';
import { notNull, withIdColumn } from './column-types.ts';

/**
 * Channel health: why the gateway disabled a channel (null when it did not: only those it may
 * re-enable), when it was last tested and what failed; which channels each request tried
 * (`attempts`, a JSON array); and the system log, for events no request owns.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds only one at a time.
  await db.schema.alterTable('channels').addColumn('disabled_reason', 'varchar(255)').execute();
  await db.schema.alterTable('channels').addColumn('last_checked_at', 'bigint').execute();
  await db.schema.alterTable('channels').addColumn('last_check_error', 'text').execute();
  await db.schema.alterTable('request_logs').addColumn('attempts', 'text').execute();

  await withIdColumn(db.schema.createTable('system_logs'), dialect)
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('level', 'varchar(16)', notNull)
    .addColumn('event', 'varchar(64)', notNull)
    .addColumn('channel_id', 'bigint')
    .addColumn('message', 'text', notNull)
    .execute();
  await db.schema
    .createIndex('system_logs_channel_id')
    .on('system_logs')
    .columns(['channel_id', 'id'])
    .execute();
}
