import { randomBytes } from 'node:crypto';
import type { Settlement } from './credit-ledger.ts';

/**
 * A settlement batch is written again after an attempt that failed, and an attempt can fail after
 * its commit (a connection lost during COMMIT): written twice, its refunds would come back twice. So
 * each settlement is named at its first attempt — a random tag of that attempt and its place in it,
 * unique across nodes and batches, where request ids (a client may send its own) can repeat — and
 * its settle or refund row carries the name (`attempt`). A later attempt first looks for the names
 * of those it carries again, and leaves out what it finds.
 *
 * Names the settlements of the batch that have none yet, and returns those that had one (`retried`:
 * their rows are to be looked for).
 */
export function nameAttempt(settlements: readonly Settlement[]): Settlement[] {
  const retried: Settlement[] = [];
  let tag: string | undefined;
  settlements.forEach((settlement, index) => {
    if (settlement.attempt !== undefined) {
      retried.push(settlement);
      return;
    }
    tag ??= randomBytes(9).toString('base64url');
    settlement.attempt = `${tag}.${index}`;
  });
  return retried;
}

/** The settlements still to write: all but the `retried` whose rows are among `written` (their names). */
export function unwritten(
  settlements: readonly Settlement[],
  retried: readonly Settlement[],
  written: ReadonlySet<string>,
): readonly Settlement[] {
  if (written.size === 0) return settlements;
  const done = new Set(retried.filter((settlement) => written.has(settlement.attempt!)));
  return done.size === 0 ? settlements : settlements.filter((settlement) => !done.has(settlement));
}
