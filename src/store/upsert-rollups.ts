import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DialectName } from './open-database.ts';
import { rollupKeyColumns, rollupSumColumns, type RollupSumColumn } from './rollup-deltas.ts';
import type { Database, RequestRollupRow } from './schema.ts';

/** `INSERT … ON CONFLICT DO UPDATE` for SQLite (a prepared statement: the log writer's hot path). */
export function sqliteRollupUpsert(): string {
  const columns = [...rollupKeyColumns, ...rollupSumColumns];
  const updates = rollupSumColumns.map((column) => `${column} = ${column} + excluded.${column}`);
  return (
    `INSERT INTO request_rollups (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ` +
    `ON CONFLICT (${rollupKeyColumns.join(', ')}) DO UPDATE SET ${updates.join(', ')}`
  );
}

/**
 * Adds the increments to the rollup rows, creating those that do not exist, in one statement. The
 * database adds (ON CONFLICT / ON DUPLICATE KEY), so writers on several nodes never lose a count.
 */
export async function upsertRollups(
  db: Kysely<Database>,
  dialect: DialectName,
  deltas: readonly RequestRollupRow[],
): Promise<void> {
  if (deltas.length === 0) return;
  const insert = db.insertInto('request_rollups').values([...deltas]);
  if (dialect === 'mysql') {
    // MariaDB has no `AS new` row alias; VALUES(column) works on MariaDB and MySQL alike.
    const updates = Object.fromEntries(
      rollupSumColumns.map((column) => [column, sql`${sql.ref(column)} + VALUES(${sql.ref(column)})`]),
    ) as Record<RollupSumColumn, RawBuilder<number>>;
    await insert.onDuplicateKeyUpdate(updates).execute();
    return;
  }
  const updates = Object.fromEntries(
    rollupSumColumns.map((column) => [
      column,
      sql`${sql.ref(`request_rollups.${column}`)} + ${sql.ref(`excluded.${column}`)}`,
    ]),
  ) as Record<RollupSumColumn, RawBuilder<number>>;
  await insert
    .onConflict((conflict) => conflict.columns([...rollupKeyColumns]).doUpdateSet(updates))
    .execute();
}
