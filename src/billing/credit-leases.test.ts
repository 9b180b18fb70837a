import { afterEach, describe, expect, it } from 'vitest';
import type { HoldInput, HoldOutcome, Settlement } from './credit-ledger.ts';
import { CreditLeases, type CreditLeasesOptions } from './credit-leases.ts';

/** A ledger in memory that holds exactly (a conditional take), and records what it was asked. */
function fakeLedger(balance: number) {
  const state = { balance, holds: [] as HoldInput[], settled: [] as Settlement[] };
  const placeHold = async (input: HoldInput): Promise<HoldOutcome> => {
    state.holds.push(input);
    await Promise.resolve();
    if (state.balance < input.amount) return { ok: false, reason: 'balance', balance: state.balance };
    state.balance -= input.amount;
    return { ok: true, balance: state.balance };
  };
  const settle = (settlement: Settlement) => {
    state.settled.push(settlement);
    state.balance += settlement.held - settlement.charged;
  };
  return { state, placeHold, settle };
}

const open: CreditLeases[] = [];
afterEach(() => {
  for (const leases of open.splice(0)) leases.closeAll();
});

function setUp(balance: number, options: CreditLeasesOptions = {}) {
  const ledger = fakeLedger(balance);
  let now = 1_000_000;
  const leases = new CreditLeases(ledger.placeHold, ledger.settle, {
    holdsPerLease: 10,
    balanceInLeases: 5,
    clock: () => now,
    ...options,
  });
  open.push(leases);
  return { ledger, leases, advance: (ms: number) => (now += ms) };
}

const hold = (amount: number, keyLimit: number | null = null): HoldInput => ({
  userId: 1,
  keyId: 7,
  amount,
  keyLimit,
  requestId: `req-${amount}-${Math.random()}`,
});

describe('CreditLeases', () => {
  it('holds directly until a balance far above a lease is seen, then under one lease', async () => {
    const { ledger, leases } = setUp(1_000_000);
    const first = await leases.hold(hold(100));
    expect(first.lease).toBeUndefined();
    expect(ledger.state.holds).toHaveLength(1);
    const held = await Promise.all(Array.from({ length: 8 }, () => leases.hold(hold(100))));
    // One lease of 10 holds' worth, taken once for all eight.
    expect(ledger.state.holds.map((input) => input.amount)).toEqual([100, 1000]);
    expect(ledger.state.holds[1]!.requestId).toMatch(/^lease-[0-9a-f]{8}-1$/);
    expect(held.every((leased) => leased.lease === held[0]!.lease && leased.outcome.ok)).toBe(true);
    expect(ledger.state.balance).toBe(1_000_000 - 100 - 1000);
  });

  it('settles a lease once, for what its requests cost, when given back', async () => {
    const { ledger, leases } = setUp(1_000_000);
    await leases.hold(hold(100));
    const held = await Promise.all([leases.hold(hold(100)), leases.hold(hold(100)), leases.hold(hold(50))]);
    const lease = held[0]!.lease!;
    leases.release(lease, 100, 30);
    leases.release(lease, 100, 0);
    leases.closeAll();
    expect(ledger.state.settled).toEqual([]);
    leases.release(lease, 50, 45);
    expect(ledger.state.settled).toEqual([
      { userId: 1, keyId: 7, held: 1000, charged: 75, requestId: lease.requestId, heldAt: lease.takenAt },
    ]);
    // The direct hold of 100 is still out (settled elsewhere); the lease cost what its requests did.
    expect(ledger.state.balance).toBe(1_000_000 - 100 - 75);
    expect(leases.count).toBe(0);
  });

  it('takes a new lease when one runs out, and settles the old one when its requests are done', async () => {
    const { ledger, leases } = setUp(1_000_000);
    await leases.hold(hold(100));
    const held = [];
    for (let index = 0; index < 12; index++) held.push(await leases.hold(hold(100)));
    const [first, second] = [held[0]!.lease!, held[11]!.lease!];
    expect(second).not.toBe(first);
    expect(held.slice(0, 10).every((leased) => leased.lease === first)).toBe(true);
    expect(ledger.state.settled).toEqual([]);
    for (const leased of held.slice(0, 10)) leases.release(leased.lease!, 100, 10);
    expect(ledger.state.settled.map((settlement) => [settlement.requestId, settlement.charged])).toEqual([
      [first.requestId, 100],
    ]);
  });

  it('never leases for a key with a credit limit, nor while the balance is not far above a lease', async () => {
    const capped = setUp(1_000_000);
    await capped.leases.hold(hold(100, 5_000));
    await capped.leases.hold(hold(100, 5_000));
    expect(capped.ledger.state.holds.map((input) => input.amount)).toEqual([100, 100]);

    const small = setUp(4_999);
    for (let index = 0; index < 5; index++) await small.leases.hold(hold(100));
    expect(small.ledger.state.holds.map((input) => input.amount)).toEqual([100, 100, 100, 100, 100]);
    expect(small.leases.count).toBe(0);
  });

  it('refuses exactly as the ledger does when neither a lease nor the balance covers a hold', async () => {
    const { leases } = setUp(50);
    const outcome = await leases.hold(hold(100));
    expect(outcome).toEqual({ outcome: { ok: false, reason: 'balance', balance: 50 } });
  });

  it('gives back a lease gone idle or old', async () => {
    const { ledger, leases, advance } = setUp(1_000_000, { idleMs: 1_000, maxAgeMs: 5_000 });
    await leases.hold(hold(100));
    const leased = await leases.hold(hold(100));
    leases.release(leased.lease!, 100, 10);
    advance(1_500);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(ledger.state.settled.map((settlement) => settlement.charged)).toEqual([10]);

    const busy = await leases.hold(hold(100));
    advance(5_000);
    // Past its age, a lease takes no more requests: the next one opens another.
    const next = await leases.hold(hold(100));
    expect(next.lease).not.toBe(busy.lease);
    leases.release(busy.lease!, 100, 20);
    expect(ledger.state.settled.map((settlement) => settlement.charged)).toEqual([10, 20]);
  });
});
