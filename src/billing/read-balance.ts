import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** A user's balance as the database (or the transaction `db`) has it; 0 for an unknown user. */
export async function readBalance(db: Kysely<Database>, userId: number): Promise<number> {
  const row = await db.selectFrom('users').select('balance').where('id', '=', userId).executeTakeFirst();
  return Number(row?.balance ?? 0);
}
