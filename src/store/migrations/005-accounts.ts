import type { Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';
import { notNull } from './column-types.ts';

/**
 * Accounts: profile fields and soft deletion on users; the restrictions a key carries (scopes, IP
 * allowlist, credit and rate limits); operator settings. One ALTER per column: SQLite adds one at a time.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('users').addColumn('display_name', 'varchar(64)').execute();
  await db.schema.alterTable('users').addColumn('email', 'varchar(254)').execute();
  await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();

  await db.schema.alterTable('api_keys').addColumn('credit_limit', 'bigint').execute();
  await db.schema.alterTable('api_keys').addColumn('rpm', 'integer').execute();
  await db.schema.alterTable('api_keys').addColumn('tpm', 'integer').execute();
  // Keys made before scopes existed could do everything; they keep that.
  await db.schema
    .alterTable('api_keys')
    .addColumn('scopes', 'varchar(255)', (column) => column.notNull().defaultTo('["llm-all"]'))
    .execute();
  await db.schema.alterTable('api_keys').addColumn('allow_ips', 'text').execute();

  await db.schema
    .createTable('settings')
    .addColumn('name', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('value', 'text', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();
}
