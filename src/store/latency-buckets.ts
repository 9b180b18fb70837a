/**
 * The latency histogram kept in every rollup row: a count per fixed bucket, roughly log-spaced, so
 * that percentiles of any period can be computed by adding buckets, never by reading log rows.
 * Bucket i counts latencies up to `latencyBucketBounds[i]` ms (above the previous bound); the last
 * column counts everything above the largest bound.
 *
 * Migration 008 spells these columns out; changing the bounds needs a new migration.
 */
export const latencyBucketBounds = [
  10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10_000, 15_000,
  20_000, 30_000, 60_000, 120_000, 300_000,
] as const;

export const latencyBucketColumns = [
  'latency_b00',
  'latency_b01',
  'latency_b02',
  'latency_b03',
  'latency_b04',
  'latency_b05',
  'latency_b06',
  'latency_b07',
  'latency_b08',
  'latency_b09',
  'latency_b10',
  'latency_b11',
  'latency_b12',
  'latency_b13',
  'latency_b14',
  'latency_b15',
  'latency_b16',
  'latency_b17',
  'latency_b18',
  'latency_b19',
  'latency_b20',
  'latency_b21',
  'latency_b22',
  'latency_b23',
  'latency_b24',
  'latency_b25',
] as const;

export type LatencyBucketColumn = (typeof latencyBucketColumns)[number];

/** The bucket a latency falls in: the first whose bound it does not exceed, else the overflow bucket. */
export function latencyBucketIndex(latencyMs: number): number {
  let low = 0;
  let high: number = latencyBucketBounds.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (latencyMs <= latencyBucketBounds[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}
