import { afterEach, describe, expect, it } from 'vitest';
import type { HoldInput, HoldOutcome, Settlement } from './credit-ledger.ts';
import { CreditLeases, type CreditLeasesOptions } from './credit-leases.ts';

/**
 * A ledger in memory that holds exactly (a conditional take) and settles as the real one does (the
 * unused part back, a cost above the hold taken as far as the balance goes), and records both.
 */
function fakeLedger(balance: number) {
  const state = { balance, holds: [] as HoldInput[], settled: [] as Settlement[], failNext: false };
  const placeHold = async (input: HoldInput): Promise<HoldOutcome> => {
    state.holds.push(input);
    await Promise.resolve();
    if (state.failNext) {
      state.failNext = false;
      throw new Error('connection lost');
    }
    if (state.balance < input.amount) return { ok: false, reason: 'balance', balance: state.balance };
    state.balance -= input.amount;
    return { ok: true, balance: state.balance };
  };
  const settle = (settlement: Settlement) => {
    state.settled.push(settlement);
    const back = settlement.held - settlement.charged;
    state.balance += back >= 0 ? back : -Math.min(-back, state.balance);
  };
  return { state, placeHold, settle };
}

const created: CreditLeases[] = [];
afterEach(async () => {
  for (const leases of created.splice(0)) await leases.closeAll();
});

function setUp(balance: number, options: CreditLeasesOptions = {}) {
  const ledger = fakeLedger(balance);
  let now = 1_000_000;
  const errors: unknown[] = [];
  const leases = new CreditLeases(
    ledger.placeHold,
    ledger.settle,
    { holdsPerLease: 10, balanceInLeases: 5, clock: () => now, ...options },
    (error) => errors.push(error),
  );
  created.push(leases);
  /** One request held alone, so the leases know the balance. */
  const warm = async () => {
    const first = await leases.hold(hold(100));
    expect(first.lease).toBeUndefined();
    ledger.settle({ userId: 1, keyId: 7, held: 100, charged: 0, requestId: 'warm' });
    ledger.state.settled.length = 0;
    ledger.state.holds.length = 0;
  };
  return { ledger, leases, errors, warm, advance: (ms: number) => (now += ms) };
}

let serial = 0;
const hold = (amount: number, keyLimit: number | null = null): HoldInput => ({
  userId: 1,
  keyId: 7,
  amount,
  keyLimit,
  requestId: `req-${++serial}`,
});
const request = (held: number) => ({ requestId: `r-${++serial}`, held, heldAt: 5 });

describe('CreditLeases', () => {
  it('holds directly until a balance far above a lease is seen, then many holds under one lease', async () => {
    const { ledger, leases, warm } = setUp(1_000_000);
    await warm();
    const held = await Promise.all(Array.from({ length: 8 }, () => leases.hold(hold(100))));
    // One lease of 10 holds' worth, taken once for all eight.
    expect(ledger.state.holds.map((input) => input.amount)).toEqual([1000]);
    expect(ledger.state.holds[0]!.requestId).toMatch(/^lease-[0-9a-f]{8}-1$/);
    expect(held.every((leased) => leased.lease === held[0]!.lease && leased.outcome.ok)).toBe(true);
    // What a request under it sees remaining: the balance after the lease, plus what is left in it.
    expect(held.map((leased) => leased.outcome.balance)).toEqual(
      Array.from({ length: 8 }, (_, index) => 1_000_000 - 1000 + 1000 - 100 * (index + 1)),
    );
  });

  it('sizes a lease for the holds waiting when it is taken', async () => {
    const { ledger, leases, warm } = setUp(10_000_000);
    await warm();
    const held = await Promise.all(Array.from({ length: 30 }, () => leases.hold(hold(100))));
    expect(ledger.state.holds.map((input) => input.amount)).toEqual([3000]);
    expect(new Set(held.map((leased) => leased.lease)).size).toBe(1);
  });

  it('settles a lease once, for what its requests cost, when given back', async () => {
    const { ledger, leases, warm } = setUp(1_000_000);
    await warm();
    const held = await Promise.all([leases.hold(hold(100)), leases.hold(hold(100)), leases.hold(hold(50))]);
    const lease = held[0]!.lease!;
    leases.release(lease, request(100), 30);
    leases.release(lease, request(100), 0);
    leases.release(lease, request(50), 45);
    await leases.closeAll();
    expect(ledger.state.settled).toEqual([
      { userId: 1, keyId: 7, held: 1000, charged: 75, requestId: lease.requestId, heldAt: lease.takenAt },
    ]);
    expect(ledger.state.balance).toBe(1_000_000 - 75);
    expect(leases.count).toBe(0);
  });

  it('settles a lease given back with requests in flight at once, and those requests alone as they end', async () => {
    const { ledger, leases, warm } = setUp(1_000_000);
    await warm();
    const [done, running] = await Promise.all([leases.hold(hold(100)), leases.hold(hold(100))]);
    const lease = done!.lease!;
    leases.release(lease, request(100), 40);
    await leases.closeAll();
    // Its finished request's cost and the running one's worst case.
    expect(ledger.state.settled.map((settlement) => [settlement.requestId, settlement.charged])).toEqual([
      [lease.requestId, 140],
    ]);
    const late = request(100);
    leases.release(running!.lease!, late, 25);
    expect(ledger.state.settled[1]).toEqual({
      userId: 1,
      keyId: 7,
      held: 100,
      charged: 25,
      requestId: late.requestId,
      heldAt: 5,
    });
    expect(ledger.state.balance).toBe(1_000_000 - 40 - 25);
  });

  it('takes a new lease when one is spent, and settles the old one', async () => {
    const { ledger, leases, warm } = setUp(1_000_000);
    await warm();
    const held = [];
    for (let index = 0; index < 12; index++) held.push(await leases.hold(hold(100)));
    const [first, second] = [held[0]!.lease!, held[11]!.lease!];
    expect(second).not.toBe(first);
    expect(held.slice(0, 10).every((leased) => leased.lease === first)).toBe(true);
    for (const leased of held.slice(0, 10)) leases.release(leased.lease!, request(100), 10);
    expect(ledger.state.settled.map((settlement) => settlement.requestId)).toEqual([first.requestId]);
    expect(ledger.state.balance).toBe(1_000_000 - 1000 - 1000 + 1000 - 100 + 0);
  });

  it('sends a request far larger than its lease has left to the ledger, without ending the lease', async () => {
    const { ledger, leases, warm } = setUp(1_000_000);
    await warm();
    const small = await leases.hold(hold(100));
    const big = await leases.hold(hold(5_000));
    expect(big.lease).toBeUndefined();
    expect(big.outcome.ok).toBe(true);
    const next = await leases.hold(hold(100));
    expect(next.lease).toBe(small.lease);
    expect(ledger.state.holds.map((input) => input.amount)).toEqual([1000, 5000]);
  });

  it('takes a cost above the whole lease only as far as the balance goes', async () => {
    const { ledger, leases, warm } = setUp(6_000);
    await warm();
    const leased = await leases.hold(hold(100));
    leases.release(leased.lease!, request(100), 50_000);
    await leases.closeAll();
    expect(ledger.state.settled[0]).toMatchObject({ held: 1000, charged: 50_000 });
    expect(ledger.state.balance).toBe(0);
  });

  it('never leases for a key with a credit limit, nor while the balance is not far above a lease', async () => {
    const capped = setUp(1_000_000);
    await capped.warm();
    await capped.leases.hold(hold(100, 5_000));
    await capped.leases.hold(hold(100, 5_000));
    expect(capped.ledger.state.holds.map((input) => input.amount)).toEqual([100, 100]);

    const small = setUp(5_000);
    await small.warm();
    for (let index = 0; index < 5; index++) await small.leases.hold(hold(100));
    expect(small.ledger.state.holds.map((input) => input.amount)).toEqual([100, 100, 100, 100, 100]);
    expect(small.leases.count).toBe(0);
  });

  it('refuses exactly as the ledger does when neither a lease nor the balance covers a hold', async () => {
    const { leases } = setUp(50);
    expect(await leases.hold(hold(100))).toEqual({ outcome: { ok: false, reason: 'balance', balance: 50 } });
  });

  it('holds on their own the requests that waited for a lease the database failed to take', async () => {
    const { ledger, leases, errors, warm } = setUp(1_000_000);
    await warm();
    ledger.state.failNext = true;
    const held = await Promise.all(Array.from({ length: 5 }, () => leases.hold(hold(100))));
    expect(errors).toHaveLength(1);
    expect(held.every((leased) => leased.outcome.ok && leased.lease === undefined)).toBe(true);
    expect(ledger.state.holds.map((input) => input.amount)).toEqual([1000, 100, 100, 100, 100, 100]);
  });

  it('once stopping, gives back a lease still being taken and holds later requests directly', async () => {
    const { ledger, leases, warm } = setUp(1_000_000);
    await warm();
    const taking = leases.hold(hold(100));
    await leases.closeAll();
    const held = await taking;
    expect(held.lease).toBeUndefined();
    expect(ledger.state.settled.map((settlement) => settlement.charged)).toEqual([0]);
    const later = await leases.hold(hold(100));
    expect(later.lease).toBeUndefined();
    expect(ledger.state.holds.map((input) => input.amount)).toEqual([1000, 100, 100]);
    expect(ledger.state.balance).toBe(1_000_000 - 200);
  });

  it('gives back a lease gone idle or old', async () => {
    const { ledger, leases, warm, advance } = setUp(1_000_000, { idleMs: 1_000, maxAgeMs: 5_000 });
    await warm();
    const leased = await leases.hold(hold(100));
    leases.release(leased.lease!, request(100), 10);
    advance(1_500);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(ledger.state.settled.map((settlement) => settlement.charged)).toEqual([10]);

    const busy = await leases.hold(hold(100));
    advance(5_000);
    // Past its age, a lease takes no more requests: the next one opens another, and the old one is
    // settled when its request ends.
    const next = await leases.hold(hold(100));
    expect(next.lease).not.toBe(busy.lease);
    expect(ledger.state.settled.map((settlement) => settlement.charged)).toEqual([10]);
    leases.release(busy.lease!, request(100), 20);
    expect(ledger.state.settled.map((settlement) => settlement.charged)).toEqual([10, 20]);
  });

  it('settles a given-back lease without a request slow to end, which is then settled alone', async () => {
    const { ledger, leases, warm, advance } = setUp(1_000_000, { idleMs: 1_000, maxAgeMs: 5_000 });
    await warm();
    const slow = await leases.hold(hold(100));
    advance(5_000);
    const next = await leases.hold(hold(100));
    expect(next.lease).not.toBe(slow.lease);
    advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The old lease waited its second for the slow request, then was settled with its worst case.
    const settledLease = ledger.state.settled.find(
      (settlement) => settlement.requestId === slow.lease!.requestId,
    );
    expect(settledLease).toMatchObject({ held: 1000, charged: 100 });
    const late = request(100);
    leases.release(slow.lease!, late, 35);
    expect(ledger.state.settled.at(-1)).toMatchObject({ requestId: late.requestId, held: 100, charged: 35 });
  });
});
