import type { Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';
import { exactText, notNull } from './column-types.ts';

/**
 * The operator's model catalog: one row per model id, replacing the built-in entry of that id.
 * The id is the key itself (compared byte for byte, as model names are); lists and capabilities
 * are JSON text.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('models')
    .addColumn('id', exactText(dialect, 255), (column) => column.primaryKey())
    .addColumn('aliases', 'text', notNull)
    .addColumn('capabilities', 'text', notNull)
    .addColumn('groups', 'text')
    .addColumn('strategy', 'varchar(32)', notNull)
    .addColumn('owned_by', 'varchar(64)', notNull)
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();
}
