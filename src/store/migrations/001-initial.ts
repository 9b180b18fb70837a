import type { Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';
import { exactText, longText, notNull, shortText, withIdColumn } from './column-types.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await withIdColumn(db.schema.createTable('users'), dialect)
    .addColumn('username', exactText(dialect, 64), (column) => column.notNull().unique())
    .addColumn('password_hash', shortText, notNull)
    .addColumn('role', 'varchar(16)', notNull)
    .addColumn('group_name', 'varchar(64)', (column) => column.notNull().defaultTo('default'))
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await withIdColumn(db.schema.createTable('sessions'), dialect)
    .addColumn('token_hash', 'varchar(64)', (column) => column.notNull().unique())
    .addColumn('user_id', 'bigint', notNull)
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('expires_at', 'bigint', notNull)
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

  await withIdColumn(db.schema.createTable('api_keys'), dialect)
    .addColumn('user_id', 'bigint', notNull)
    .addColumn('name', 'varchar(128)', notNull)
    .addColumn('key_hash', 'varchar(64)', (column) => column.notNull().unique())
    .addColumn('masked', 'varchar(32)', notNull)
    .addColumn('models', longText(dialect))
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();
  await db.schema.createIndex('api_keys_user_id').on('api_keys').columns(['user_id', 'id']).execute();

  await withIdColumn(db.schema.createTable('channels'), dialect)
    .addColumn('name', 'varchar(128)', notNull)
    .addColumn('provider', 'varchar(64)', notNull)
    .addColumn('base_url', 'varchar(1024)', notNull)
    .addColumn('api_key_sealed', 'text', notNull)
    .addColumn('models', longText(dialect), notNull)
    .addColumn('groups', 'text', notNull)
    .addColumn('model_map', longText(dialect), notNull)
    .addColumn('priority', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('weight', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await withIdColumn(db.schema.createTable('request_logs'), dialect)
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('request_id', exactText(dialect, 128), notNull)
    .addColumn('user_id', 'bigint')
    .addColumn('api_key_id', 'bigint')
    .addColumn('endpoint', 'varchar(128)', notNull)
    .addColumn('model', exactText(dialect, 255), notNull)
    .addColumn('upstream_model', shortText)
    .addColumn('channel_id', 'bigint')
    .addColumn('status', 'integer', notNull)
    .addColumn('stream', 'integer', notNull)
    .addColumn('prompt_tokens', 'integer', notNull)
    .addColumn('completion_tokens', 'integer', notNull)
    .addColumn('cached_tokens', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('usage_estimated', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('latency_ms', 'integer', notNull)
    .addColumn('first_byte_ms', 'integer')
    .addColumn('error_code', 'varchar(64)')
    .addColumn('user_metadata', 'text')
    .execute();
  // Keyset paging walks (filter, id DESC); these cover "my rows", "all rows" and lookups by request id.
  await db.schema.createIndex('request_logs_user_id').on('request_logs').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('request_logs_created_at').on('request_logs').column('created_at').execute();
  await db.schema.createIndex('request_logs_request_id').on('request_logs').column('request_id').execute();
}
