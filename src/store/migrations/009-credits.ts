import type { Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';
import { exactText, notNull, shortText, withIdColumn } from './column-types.ts';

/**
 * Credits: a balance per user and a spent counter per key (both changed only by conditional
 * updates, so they never pass their bounds), the append-only ledger that sums to each balance,
 * model prices, redemption codes, and the plan a user is on.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('balance', 'bigint', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('plan_name', 'varchar(64)').execute();
  await db.schema.alterTable('users').addColumn('plan_expires_at', 'bigint').execute();
  await db.schema
    .alterTable('api_keys')
    .addColumn('credit_used', 'bigint', (column) => column.notNull().defaultTo(0))
    .execute();

  await withIdColumn(db.schema.createTable('credit_ledger'), dialect)
    .addColumn('user_id', 'bigint', notNull)
    .addColumn('api_key_id', 'bigint')
    .addColumn('kind', 'varchar(16)', notNull)
    .addColumn('amount', 'bigint', notNull)
    .addColumn('request_id', 'varchar(64)')
    .addColumn('note', 'varchar(255)')
    .addColumn('created_by', 'bigint')
    .addColumn('created_at', 'bigint', notNull)
    .execute();
  await db.schema
    .createIndex('credit_ledger_user_id')
    .on('credit_ledger')
    .columns(['user_id', 'id'])
    .execute();
  await db.schema.createIndex('credit_ledger_request_id').on('credit_ledger').column('request_id').execute();

  await db.schema
    .createTable('model_prices')
    .addColumn('model', exactText(dialect, 191), (column) => column.primaryKey())
    .addColumn('per_request', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('input', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('cached_input', 'bigint')
    .addColumn('output', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await withIdColumn(db.schema.createTable('redemption_codes'), dialect)
    .addColumn('code_hash', 'varchar(64)', (column) => column.notNull().unique())
    .addColumn('masked', shortText, notNull)
    .addColumn('name', shortText, notNull)
    .addColumn('amount', 'bigint', notNull)
    .addColumn('created_by', 'bigint', notNull)
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('expires_at', 'bigint')
    .addColumn('redeemed_by', 'bigint')
    .addColumn('redeemed_at', 'bigint')
    .execute();
}
