import { describe, expect, it } from 'vitest';
import { RateLimiterUnavailableError } from '../rate-limiter-unavailable-error.ts';
import { PendingRecords } from './pending-records.ts';

function pendingRecords(maxAgeMs = 1000) {
  let now = 0;
  let sequence = 0;
  const pending = new PendingRecords({ nextId: () => `id${++sequence}`, maxAgeMs, now: () => now });
  return {
    pending,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const view = (entries: { bucketId: string; id: string; amount: number }[]) =>
  entries.map(({ bucketId, id, amount }) => ({ bucketId, id, amount }));

describe('PendingRecords', () => {
  it('sums records per bucket into one entry whose promise is every caller’s', async () => {
    const { pending } = pendingRecords();
    const first = pending.add('key:1:tpm', 10);
    const second = pending.add('key:1:tpm', 5);
    pending.add('user:1:tpm', 7);
    expect(second).toBe(first);
    expect(pending.size).toBe(2);
    const taken = pending.take(10);
    expect(view(taken)).toEqual([
      { bucketId: 'key:1:tpm', id: 'id1', amount: 15 },
      { bucketId: 'user:1:tpm', id: 'id2', amount: 7 },
    ]);
    expect(pending.size).toBe(0);
    taken[0]!.resolve();
    await expect(first).resolves.toBeUndefined();
  });

  it('seals what it hands out: later records open a new entry, and a given-back entry keeps its id and amount', () => {
    const { pending } = pendingRecords();
    pending.add('key:1:tpm', 10);
    const taken = pending.take(10);
    pending.add('key:1:tpm', 3);
    expect(view(taken)).toEqual([{ bucketId: 'key:1:tpm', id: 'id1', amount: 10 }]);
    pending.giveBack(taken);
    expect(view(pending.take(10))).toEqual([
      { bucketId: 'key:1:tpm', id: 'id1', amount: 10 },
      { bucketId: 'key:1:tpm', id: 'id2', amount: 3 },
    ]);
  });

  it('hands out at most the number asked for, oldest first', () => {
    const { pending } = pendingRecords();
    for (const bucket of ['a', 'b', 'c']) pending.add(bucket, 1);
    const first = pending.take(2);
    expect(first.map((entry) => entry.bucketId)).toEqual(['a', 'b']);
    pending.add('d', 1);
    pending.giveBack(first);
    expect(pending.take(3).map((entry) => entry.bucketId)).toEqual(['a', 'b', 'c']);
    expect(pending.take(3).map((entry) => entry.bucketId)).toEqual(['d']);
  });

  it('gives up, rejecting them, records not written within the maximum age', async () => {
    const { pending, advance } = pendingRecords(1000);
    const returned = pending.add('b', 2);
    pending.giveBack(pending.take(10));
    const old = pending.add('a', 1);
    advance(600);
    pending.add('c', 3);
    advance(500);
    pending.expire();
    await expect(old).rejects.toThrow(RateLimiterUnavailableError);
    await expect(returned).rejects.toThrow(/2 tokens for b could not be written/);
    expect(pending.take(10).map((entry) => entry.bucketId)).toEqual(['c']);
  });

  // While Redis cannot be reached a bucket's records pile up: sealed a span apart, each entry tells
  // when its tokens were used, and is given up only once its last tokens have left the window.
  it('seals an entry after its span, and ages each by its last record', async () => {
    const { pending, advance } = pendingRecords(1000);
    const early = pending.add('a', 1);
    advance(300);
    pending.add('a', 2);
    advance(800);
    const late = pending.add('a', 4);
    expect(late).not.toBe(early);
    advance(100);
    pending.expire();
    const taken = pending.take(10);
    expect(view(taken)).toEqual([
      { bucketId: 'a', id: 'id1', amount: 3 },
      { bucketId: 'a', id: 'id2', amount: 4 },
    ]);
    expect(taken.map((entry) => pending.ageOf(entry))).toEqual([900, 100]);
    pending.giveBack(taken);
    advance(150);
    pending.expire();
    await expect(early).rejects.toThrow(RateLimiterUnavailableError);
    expect(view(pending.take(10))).toEqual([{ bucketId: 'a', id: 'id2', amount: 4 }]);
  });

  it('rejects everything at once when told to', async () => {
    const { pending } = pendingRecords();
    const one = pending.add('a', 1);
    const two = pending.add('b', 1);
    pending.rejectAll(new RateLimiterUnavailableError('closed'));
    await expect(one).rejects.toThrow('closed');
    await expect(two).rejects.toThrow('closed');
    expect(pending.size).toBe(0);
  });
});
