import type { Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';

/**
 * A ledger row's request id as wide as the request log's (128): a client's `X-Request-Id` may be
 * that long, and a hold carrying one must not fail. SQLite does not enforce a varchar's width.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') {
    await db.schema
      .alterTable('credit_ledger')
      .alterColumn('request_id', (column) => column.setDataType('varchar(128)'))
      .execute();
  } else if (dialect === 'mysql') {
    await db.schema.alterTable('credit_ledger').modifyColumn('request_id', 'varchar(128)').execute();
  }
}
