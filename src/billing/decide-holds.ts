import type { HoldInput, HoldOutcome } from './credit-ledger.ts';

/** A key's spending as read under lock: what it has used (holds included), and its cap. */
export interface KeySpending {
  used: number;
  /** Null: no limit is set on the key. */
  limit: number | null;
}

export interface HoldDecisions {
  /** One per hold, in arrival order. */
  outcomes: HoldOutcome[];
  /** Per user, what the placed holds take from the balance. */
  taken: Map<number, number>;
  /** Per key, what the placed holds add to its use. */
  counted: Map<number, number>;
  /** The holds that were placed, in arrival order: one ledger row each. */
  placed: HoldInput[];
}

/**
 * Decides a batch of holds, in arrival order, exactly as the same holds placed one after another by
 * the single-hold statements would be: a hold is placed iff the balance left covers it and, when it
 * is checked against its key's limit, the key's use stays within that limit. A refused hold changes
 * nothing, so a later, smaller one may still fit. `balances` and `keys` must have been read under
 * the rows' locks, which the caller holds until it has written the decisions.
 *
 * Like the conditional updates: a user without a row has nothing to hold, and a hold checked against
 * its key's limit is refused when the key has no row or no limit (`credit_used + x <= NULL` is not
 * true). The balance given with a refusal is the one at that point of the batch.
 */
export function decideHolds(
  inputs: readonly HoldInput[],
  balances: ReadonlyMap<number, number>,
  keys: ReadonlyMap<number, KeySpending>,
): HoldDecisions {
  const left = new Map(balances);
  const used = new Map([...keys].map(([keyId, key]) => [keyId, key.used]));
  const decisions: HoldDecisions = { outcomes: [], taken: new Map(), counted: new Map(), placed: [] };
  for (const input of inputs) {
    const balance = left.get(input.userId);
    if (balance === undefined || balance < input.amount) {
      decisions.outcomes.push({ ok: false, reason: 'balance', balance: balance ?? 0 });
      continue;
    }
    if (input.keyLimit !== null) {
      const limit = keys.get(input.keyId)?.limit ?? null;
      const keyUsed = used.get(input.keyId);
      if (limit === null || keyUsed === undefined || keyUsed + input.amount > limit) {
        decisions.outcomes.push({ ok: false, reason: 'key_limit', balance });
        continue;
      }
    }
    left.set(input.userId, balance - input.amount);
    const keyUsed = used.get(input.keyId);
    if (keyUsed !== undefined) used.set(input.keyId, keyUsed + input.amount);
    add(decisions.taken, input.userId, input.amount);
    add(decisions.counted, input.keyId, input.amount);
    decisions.placed.push(input);
    decisions.outcomes.push({ ok: true, balance: balance - input.amount });
  }
  return decisions;
}

function add(map: Map<number, number>, id: number, amount: number): void {
  map.set(id, (map.get(id) ?? 0) + amount);
}
