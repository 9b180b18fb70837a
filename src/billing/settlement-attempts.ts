import type { Settlement } from './credit-ledger.ts';

/** A settle or refund row as the check for an earlier attempt reads it. */
export interface WrittenSettlementRow {
  request_id: string | null;
  api_key_id: number | string | null;
  created_at: number | string;
}

/**
 * A settlement batch is written again after an attempt that failed, and an attempt can fail after
 * its commit (a connection lost during COMMIT): written twice, its refunds would come back twice. So
 * each settlement keeps the time of its first attempt, which its rows carry as `created_at`: a later
 * attempt first looks for rows of that request, key and time, and leaves out what it finds.
 *
 * Returns the settlements an earlier attempt had (`retried`, whose rows are to be looked for), after
 * stamping every settlement of the batch with `now` if it had no attempt yet.
 */
export function stampAttempt(settlements: readonly Settlement[], now: number): Settlement[] {
  const retried = settlements.filter((settlement) => settlement.settledAt !== undefined);
  for (const settlement of settlements) settlement.settledAt ??= now;
  return retried;
}

/**
 * The settlements still to write: those of this attempt's own, and the `retried` whose rows the
 * earlier attempt did not commit. (Request ids can repeat, as a client may send its own: a new
 * settlement is never taken for one already written.)
 */
export function unwritten(
  settlements: readonly Settlement[],
  retried: readonly Settlement[],
  rows: readonly WrittenSettlementRow[],
): readonly Settlement[] {
  if (rows.length === 0) return settlements;
  const written = new Set(
    rows.map((row) => `${row.request_id} ${Number(row.api_key_id)} ${Number(row.created_at)}`),
  );
  const done = new Set(
    retried.filter((settlement) =>
      written.has(`${settlement.requestId} ${settlement.keyId} ${settlement.settledAt}`),
    ),
  );
  return done.size === 0 ? settlements : settlements.filter((settlement) => !done.has(settlement));
}
