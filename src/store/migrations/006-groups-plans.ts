import type { Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';
import { exactText, notNull } from './column-types.ts';

/**
 * User groups (price multipliers, in parts per million so money stays integer) and plans (rate
 * limits and model access for a duration). Declared in the config file or written by admins.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('user_groups')
    .addColumn('name', exactText(dialect, 64), (column) => column.primaryKey())
    .addColumn('multiplier_ppm', 'bigint', (column) => column.notNull().defaultTo(1_000_000))
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();
  await db.schema
    .createTable('plans')
    .addColumn('name', exactText(dialect, 64), (column) => column.primaryKey())
    .addColumn('rpm', 'integer')
    .addColumn('tpm', 'integer')
    .addColumn('models', 'text')
    .addColumn('groups', 'text')
    .addColumn('duration_days', 'integer')
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();
}
