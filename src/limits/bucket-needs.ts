import type { BucketCheck } from './rate-limiter.ts';

/**
 * Checks an admission's buckets (a programming error throws: limits are positive integers, ids
 * unique) and returns, per bucket, the room it must have: 1 for a request; for tokens the estimate,
 * at least 1 (a window already at its limit refuses) and at most the limit (so it fits an empty one).
 */
export function bucketNeeds(buckets: readonly BucketCheck[]): number[] {
  const seen = new Set<string>();
  return buckets.map((bucket) => {
    if (seen.has(bucket.id)) throw new TypeError(`rate limit bucket ${bucket.id} is listed twice`);
    seen.add(bucket.id);
    if (!Number.isSafeInteger(bucket.limit) || bucket.limit <= 0) {
      throw new RangeError(`rate limit bucket ${bucket.id}: limit must be a positive integer`);
    }
    if (bucket.kind === 'requests') return 1;
    const estimate = bucket.estimate ?? 0;
    if (!Number.isFinite(estimate) || estimate < 0) {
      throw new RangeError(`rate limit bucket ${bucket.id}: estimate must be a non-negative number`);
    }
    return Math.min(bucket.limit, Math.max(1, Math.ceil(estimate)));
  });
}

/** A token amount as recorded: a whole number, 0 for anything not positive. */
export function recordedAmount(amount: number): number {
  return Number.isFinite(amount) && amount > 0 ? Math.ceil(amount) : 0;
}
