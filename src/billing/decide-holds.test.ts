import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HoldInput } from './credit-ledger.ts';
import { decideHolds, type KeySpending } from './decide-holds.ts';

const input = (userId: number, keyId: number, amount: number, keyLimit: number | null = null): HoldInput => ({
  userId,
  keyId,
  amount,
  keyLimit,
  requestId: `r${userId}-${keyId}-${amount}`,
});

describe('decideHolds', () => {
  it('refuses a hold the balance left cannot cover, and still places a smaller one after it', () => {
    const decisions = decideHolds(
      [input(1, 10, 600), input(1, 10, 500), input(1, 10, 400), input(1, 10, 0)],
      new Map([[1, 1_000]]),
      new Map(),
    );
    expect(decisions.outcomes).toEqual([
      { ok: true, balance: 400 },
      { ok: false, reason: 'balance', balance: 400 },
      { ok: true, balance: 0 },
      { ok: true, balance: 0 },
    ]);
    expect(decisions.taken).toEqual(new Map([[1, 1_000]]));
    expect(decisions.counted).toEqual(new Map([[10, 1_000]]));
    expect(decisions.placed.map((hold) => hold.amount)).toEqual([600, 400, 0]);
  });

  it("checks a key's limit only for holds that carry one, counting every placed hold against the key", () => {
    const keys = new Map<number, KeySpending>([[10, { used: 100, limit: 1_000 }]]);
    const decisions = decideHolds(
      [input(1, 10, 800, null), input(1, 10, 200, 1_000), input(1, 10, 100, 1_000), input(1, 10, 50, null)],
      new Map([[1, 5_000]]),
      keys,
    );
    expect(decisions.outcomes).toEqual([
      { ok: true, balance: 4_200 },
      { ok: false, reason: 'key_limit', balance: 4_200 },
      { ok: true, balance: 4_100 },
      { ok: true, balance: 4_050 },
    ]);
    expect(decisions.counted).toEqual(new Map([[10, 950]]));
    // The caller's maps are what it read: they stay as they were.
    expect(keys.get(10)).toEqual({ used: 100, limit: 1_000 });
  });

  it('decides the balance before the key, as the single hold does', () => {
    const decisions = decideHolds(
      [input(1, 10, 900, 500)],
      new Map([[1, 800]]),
      new Map([[10, { used: 0, limit: 500 }]]),
    );
    expect(decisions.outcomes).toEqual([{ ok: false, reason: 'balance', balance: 800 }]);
  });

  it('refuses a user without a row, and a capped hold on a key without a row or a limit', () => {
    const decisions = decideHolds(
      [input(2, 10, 0), input(1, 11, 1, 100), input(1, 12, 1, 100), input(1, 13, 1)],
      new Map([[1, 10]]),
      new Map([[12, { used: 0, limit: null }]]),
    );
    expect(decisions.outcomes).toEqual([
      { ok: false, reason: 'balance', balance: 0 },
      { ok: false, reason: 'key_limit', balance: 10 },
      { ok: false, reason: 'key_limit', balance: 10 },
      { ok: true, balance: 9 },
    ]);
  });

  it('decides a batch as its holds decided one at a time, each against what the one before left', () => {
    const hold = fc.record({
      userId: fc.integer({ min: 1, max: 3 }),
      keyId: fc.integer({ min: 10, max: 13 }),
      amount: fc.integer({ min: 0, max: 400 }),
      keyLimit: fc.option(fc.constant(1), { nil: null }),
      requestId: fc.string({ maxLength: 4 }),
    });
    const state = fc.record({
      balances: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2_000 }))),
      keys: fc.array(
        fc.tuple(
          fc.integer({ min: 10, max: 13 }),
          fc.record({
            used: fc.integer({ min: 0, max: 500 }),
            limit: fc.option(fc.integer({ min: 0, max: 1_500 }), { nil: null }),
          }),
        ),
      ),
    });
    fc.assert(
      fc.property(fc.array(hold, { maxLength: 30 }), state, (inputs, start) => {
        const balances = new Map(start.balances);
        const keys = new Map(start.keys);
        const together = decideHolds(inputs, balances, keys);
        const alone = inputs.map((one) => {
          const [outcome] = decideHolds([one], balances, keys).outcomes;
          if (outcome?.ok) {
            balances.set(one.userId, outcome.balance);
            const key = keys.get(one.keyId);
            if (key) keys.set(one.keyId, { ...key, used: key.used + one.amount });
          }
          return outcome;
        });
        expect(together.outcomes).toEqual(alone);
        expect(together.placed).toEqual(inputs.filter((_, index) => alone[index]?.ok));
        for (const [userId, taken] of together.taken) {
          expect(new Map(start.balances).get(userId)! - taken).toBe(balances.get(userId));
        }
      }),
    );
  });
});
