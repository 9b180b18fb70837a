import { sql, type InsertQueryBuilder, type InsertResult } from 'kysely';
import type { DialectName } from './open-database.ts';

/** The new row's id: RETURNING where the backend has it, the driver's insertId on MySQL. */
export async function insertReturningId<DB, TB extends keyof DB>(
  dialect: DialectName,
  query: InsertQueryBuilder<DB, TB, InsertResult>,
): Promise<number> {
  if (dialect === 'mysql') {
    const result = await query.executeTakeFirstOrThrow();
    return Number(result.insertId);
  }
  // Kysely cannot infer the RETURNING row for a generic table; every table here has an `id`.
  const row = (await query.returning(sql<number>`id`.as('id')).executeTakeFirstOrThrow()) as { id: number };
  return Number(row.id);
}
