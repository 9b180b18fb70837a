import type { Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';

/** Translation warnings (JSON array) on each log row: what the target format could not express. */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('request_logs').addColumn('warnings', 'text').execute();
}
