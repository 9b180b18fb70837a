import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';

/**
 * Columns as wide as what the API accepts for them (SQLite does not enforce widths):
 * - a model's price under any model id the catalog takes (255 characters, not 191);
 * - on MySQL, whose TEXT stops at 64 KiB, a plan's models (up to 5000 names) and a model's aliases
 *   (up to 100 names of 255 characters) as MEDIUMTEXT.
 * Each answered 500 for input the API had accepted.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') {
    await db.schema
      .alterTable('model_prices')
      .alterColumn('model', (column) => column.setDataType('varchar(255)'))
      .execute();
  } else if (dialect === 'mysql') {
    await db.schema
      .alterTable('model_prices')
      .modifyColumn('model', sql`varchar(255) character set utf8mb4 collate utf8mb4_bin`, (column) =>
        column.notNull(),
      )
      .execute();
    await db.schema
      .alterTable('plans')
      .modifyColumn('models', sql`mediumtext`)
      .execute();
    await db.schema
      .alterTable('models')
      .modifyColumn('aliases', sql`mediumtext`, (column) => column.notNull())
      .execute();
  }
}
