import type { Kysely } from 'kysely';

/**
 * A settle or refund row names the attempt that wrote it: a settlement batch written again after an
 * attempt that seemed to fail (a connection lost during COMMIT) finds what that attempt committed by
 * it, where request ids (a client may send its own) can repeat. Null on every other row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('credit_ledger').addColumn('attempt', 'varchar(32)').execute();
}
