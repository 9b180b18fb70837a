import type { Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';
import { longText } from './column-types.ts';

/** What a channel costs per model (JSON: model or `*` → micro-credits per million tokens), for `cheapest`. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema.alterTable('channels').addColumn('costs', longText(dialect)).execute();
}
