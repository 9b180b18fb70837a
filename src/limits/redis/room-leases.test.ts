import { describe, expect, it } from 'vitest';
import type { BucketCheck } from '../rate-limiter.ts';
import { MAX_LEASE_MS, RoomLeases } from './room-leases.ts';

const rpm: BucketCheck = { id: 'key:1:rpm', kind: 'requests', limit: 6400 };
const tpm: BucketCheck = { id: 'key:1:tpm', kind: 'tokens', limit: 1_000_000, estimate: 50 };

/** Redis's clock when the script granted a lease, in these tests. */
const REDIS_CLOCK_AT_GRANT = 1_800_000_000_000;

function clocked(leaseMs = 1000) {
  let now = 0;
  const leases = new RoomLeases({ leaseMs, now: () => now });
  return {
    leases,
    advance: (ms: number) => {
      now += ms;
    },
    /** What a script call that admitted and granted everything asked would answer. */
    grantAll: (buckets: BucketCheck[], needs: number[], held: number[]) => {
      const wants = leases.wants(buckets, needs);
      leases.answered(wants, buckets, now, `lease-${buckets[0]!.id}`, {
        grants: buckets.map((bucket, index) => ({
          bucketId: bucket.id,
          kind: bucket.kind,
          limit: bucket.limit,
          size: wants[index]!,
          held: held[index]! + wants[index]!,
          resetMs: 60_000,
          startsAt: REDIS_CLOCK_AT_GRANT,
        })),
        declined: [],
      });
      return wants;
    },
  };
}

describe('RoomLeases', () => {
  it('asks for 1/64 of the limit at most, about 32 requests worth, and nothing for small buckets', () => {
    const { leases } = clocked();
    const wants = leases.wants([rpm, tpm], [1, 50]);
    expect(wants).toEqual([32, 1600]);
    const call = Promise.resolve();
    leases.asking(wants, [rpm, tpm], call);
    // Asked already, by a call still in flight: requests wait for it rather than ask again.
    expect(leases.wants([rpm, tpm], [1, 50])).toEqual([0, 0]);
    expect(leases.askedFor([tpm], [50])).toBe(call);
    expect(leases.askedFor([{ ...rpm, id: 'key:9:rpm' }], [1])).toBeUndefined();
    const small: BucketCheck = { id: 'key:2:rpm', kind: 'requests', limit: 100 };
    const medium: BucketCheck = { id: 'key:3:rpm', kind: 'requests', limit: 640 };
    expect(leases.wants([medium], [1])).toEqual([10]);
    // A request never admitted from leases (one bucket too small) leases nothing, and waits for none.
    expect(leases.wants([small, medium], [1, 1])).toEqual([0, 0]);
    expect(leases.askedFor([small, rpm], [1, 1])).toBeUndefined();
    expect(new RoomLeases({ leaseMs: 0 }).wants([rpm], [1])).toEqual([0]);
  });

  it('admits from live leases only while every bucket has room, and reports the room as seen here', () => {
    const { leases, grantAll } = clocked();
    expect(leases.admit([rpm, tpm], [1, 50])).toBeUndefined();
    grantAll([rpm, tpm], [1, 50], [10, 3000]);
    // 1600 tokens of room at 50 each: 32 requests, as many as the requests lease holds.
    for (let index = 1; index <= 32; index++) {
      const admission = leases.admit([rpm, tpm], [1, 50]);
      expect(admission?.allowed).toBe(true);
      expect(admission?.buckets[0]!.remaining).toBe(6400 - 10 - index);
      expect(admission?.buckets[1]!.remaining).toBe(1_000_000 - 3000 - 50 * (index - 1));
    }
    expect(leases.admit([rpm, tpm], [1, 50])).toBeUndefined();
    // A bucket without a lease (or with another limit) sends the request to Redis.
    const other: BucketCheck = { id: 'user:1:rpm', kind: 'requests', limit: 6400 };
    expect(leases.admit([other], [1])).toBeUndefined();
  });

  it('settles a lease when it expires, is replaced, or the limiter closes, with what it used', () => {
    const { leases, advance, grantAll } = clocked(1000);
    grantAll([rpm], [1], [0]);
    leases.admit([rpm], [1]);
    leases.admit([rpm], [1]);
    // Live: no second lease is asked for while it has room.
    expect(leases.wants([rpm], [1])).toEqual([0]);
    advance(999);
    expect(leases.expire()).toBe(1000);
    expect(leases.pendingSettlements).toBe(0);
    advance(1);
    expect(leases.admit([rpm], [1])).toBeUndefined();
    expect(leases.expire()).toBeUndefined();
    expect(leases.takeSettlements(10)).toMatchObject([
      { bucketId: rpm.id, kind: 'requests', id: `lease-${rpm.id}`, size: 32, used: 2 },
    ]);

    grantAll([rpm], [1], [2]);
    for (let index = 0; index < 32; index++) leases.admit([rpm], [1]);
    // Spent: the next request goes to Redis, and asks for a new lease, which replaces it.
    expect(leases.admit([rpm], [1])).toBeUndefined();
    grantAll([rpm], [1], [40]);
    expect(leases.takeSettlements(10)).toMatchObject([
      { bucketId: rpm.id, kind: 'requests', id: `lease-${rpm.id}`, size: 32, used: 32 },
    ]);
    leases.settleAll();
    const settled = leases.takeSettlements(10);
    expect(settled).toHaveLength(1);
    expect(settled[0]!.used).toBe(0);
    // Given back after a failed call: sent again first.
    leases.giveBack(settled);
    expect(leases.takeSettlements(10)).toEqual(settled);
  });

  it('settles a requests lease with when, on the Redis clock, each of its requests came', () => {
    const { leases, advance, grantAll } = clocked(1000);
    grantAll([rpm, tpm], [1, 50], [10, 3000]);
    advance(100);
    expect(leases.admit([rpm, tpm], [1, 50])).toBeDefined();
    advance(250.4);
    expect(leases.admit([rpm, tpm], [1, 50])).toBeDefined();
    leases.settleAll();
    const [requests, tokens] = leases.takeSettlements(10);
    // No earlier than they came: the script ran at most that long before they did.
    expect(requests).toMatchObject({ kind: 'requests', used: 2 });
    expect(requests!.usedAt).toEqual([REDIS_CLOCK_AT_GRANT + 100, REDIS_CLOCK_AT_GRANT + 351]);
    expect(tokens).toMatchObject({ kind: 'tokens', used: 100 });
    expect(tokens!.usedAt).toBeUndefined();
  });

  it('does not ask again for a while a bucket Redis declined to lease from', () => {
    const { leases, advance } = clocked(1000);
    const wants = leases.wants([rpm, tpm], [1, 50]);
    leases.asking(wants, [rpm, tpm], Promise.resolve());
    // Admitted, and the tokens lease granted, but the requests bucket is over half full.
    leases.answered(wants, [rpm, tpm], 0, 'near', {
      grants: [
        {
          bucketId: tpm.id,
          kind: 'tokens',
          limit: tpm.limit,
          size: 1600,
          held: 5000,
          resetMs: 1,
          startsAt: REDIS_CLOCK_AT_GRANT,
        },
      ],
      declined: [rpm.id],
    });
    expect(leases.askedFor([rpm, tpm], [1, 50])).toBeUndefined();
    expect(leases.wants([rpm], [1])).toEqual([0]);
    // Not declined (it got no lease only because another bucket refused): asked again at once.
    const other: BucketCheck = { id: 'user:1:rpm', kind: 'requests', limit: 6400 };
    const otherWants = leases.wants([other], [1]);
    leases.asking(otherWants, [other], Promise.resolve());
    leases.answered(otherWants, [other], 0, 'refused', { grants: [], declined: [] });
    expect(leases.wants([other], [1])).toEqual([32]);
    advance(1000);
    expect(leases.wants([rpm], [1])).toEqual([32]);
  });

  it('asks nothing for a while after a call that never reached Redis, and settles nothing for it', () => {
    const { leases, advance } = clocked(1000);
    const wants = leases.wants([rpm], [1]);
    leases.asking(wants, [rpm], Promise.resolve());
    leases.answered(wants, [rpm], 0, 'unsent', 'unsent');
    expect(leases.pendingSettlements).toBe(0);
    expect(leases.wants([rpm], [1])).toEqual([0]);
    advance(1000);
    expect(leases.wants([rpm], [1])).toEqual([32]);
  });

  it('settles unused what a lost call may have granted, and asks again a lease later', () => {
    const { leases, advance } = clocked(1000);
    const wants = leases.wants([rpm, tpm], [1, 50]);
    leases.asking(wants, [rpm, tpm], Promise.resolve());
    leases.answered(wants, [rpm, tpm], 0, 'lost', 'lost');
    expect(leases.takeSettlements(10)).toMatchObject([
      { bucketId: rpm.id, kind: 'requests', id: 'lost', size: 32, used: 0 },
      { bucketId: tpm.id, kind: 'tokens', id: 'lost', size: 1600, used: 0 },
    ]);
    expect(leases.wants([rpm], [1])).toEqual([0]);
    advance(1000);
    expect(leases.wants([rpm], [1])).toEqual([32]);
  });

  it("stops admitting from a tokens lease once this node's own recorded tokens fill the bucket", () => {
    const { leases, grantAll } = clocked();
    const small: BucketCheck = { id: 'key:4:tpm', kind: 'tokens', limit: 64_000, estimate: 100 };
    grantAll([small], [100], [0]);
    expect(leases.admit([small], [100])).toBeDefined();
    // Another bucket's tokens change nothing; this one's, past the limit, end the lease's use.
    leases.record('key:9:tpm', 70_000);
    expect(leases.admit([small], [100])).toBeDefined();
    leases.record(small.id, 70_000);
    expect(leases.admit([small], [100])).toBeUndefined();
  });

  it('waits only for a lease call asking room enough for this request', () => {
    const { leases } = clocked();
    const wants = leases.wants([tpm], [10]);
    expect(wants).toEqual([320]);
    const call = Promise.resolve();
    leases.asking(wants, [tpm], call);
    expect(leases.askedFor([tpm], [300])).toBe(call);
    expect(leases.askedFor([tpm], [400])).toBeUndefined();
  });

  it('drops settlements too old to matter, and refuses a lease time over the longest', () => {
    let now = 0;
    const leases = new RoomLeases({ leaseMs: 1000, maxSettlementAgeMs: 5000, now: () => now });
    const wants = leases.wants([rpm], [1]);
    leases.asking(wants, [rpm], Promise.resolve());
    leases.answered(wants, [rpm], 0, 'lost', 'lost');
    now = 5001;
    expect(leases.takeSettlements(10)).toEqual([]);
    expect(() => new RoomLeases({ leaseMs: MAX_LEASE_MS + 1 })).toThrow(RangeError);
  });
});
