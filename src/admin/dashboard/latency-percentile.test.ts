import { describe, expect, it } from 'vitest';
import {
  latencyBucketBounds,
  latencyBucketColumns,
  latencyBucketIndex,
} from '../../store/latency-buckets.ts';
import { latencyPercentile } from './latency-percentile.ts';

const histogram = (latencies: number[]): number[] => {
  const counts = latencyBucketColumns.map(() => 0);
  for (const latency of latencies) counts[latencyBucketIndex(latency)]! += 1;
  return counts;
};

describe('latency buckets', () => {
  it('has one column per bound plus an overflow column', () => {
    expect(latencyBucketColumns).toHaveLength(latencyBucketBounds.length + 1);
  });

  it('puts a latency in the first bucket whose bound it does not exceed', () => {
    expect(latencyBucketIndex(0)).toBe(0);
    expect(latencyBucketIndex(10)).toBe(0);
    expect(latencyBucketIndex(11)).toBe(1);
    expect(latencyBucketIndex(100)).toBe(latencyBucketBounds.indexOf(100));
    expect(latencyBucketIndex(101)).toBe(latencyBucketBounds.indexOf(150));
    expect(latencyBucketIndex(300_000)).toBe(latencyBucketBounds.length - 1);
    expect(latencyBucketIndex(300_001)).toBe(latencyBucketBounds.length);
  });
});

describe('latencyPercentile', () => {
  it('is null for an empty histogram', () => {
    expect(latencyPercentile(histogram([]), 0.5)).toBeNull();
  });

  it('interpolates inside the bucket the rank falls in', () => {
    // 100 requests in (100, 150]: the median is halfway through the bucket, p95 near its top.
    const counts = histogram(Array.from({ length: 100 }, () => 120));
    expect(latencyPercentile(counts, 0.5)).toBe(125);
    expect(latencyPercentile(counts, 0.95)).toBe(148);
  });

  it('finds the bucket by cumulative count', () => {
    // 90 fast (<= 10 ms) and 10 slow (in (750, 1000]): p50 is fast, p95 is in the slow bucket.
    const counts = histogram([
      ...Array.from({ length: 90 }, () => 5),
      ...Array.from({ length: 10 }, () => 900),
    ]);
    expect(latencyPercentile(counts, 0.5)).toBe(6); // 50/90 of the way to 10 ms
    expect(latencyPercentile(counts, 0.95)).toBe(875); // 5/10 of the way from 750 to 1000
  });

  it('answers the largest bound for ranks in the overflow bucket', () => {
    expect(latencyPercentile(histogram([400_000, 500_000]), 0.95)).toBe(300_000);
  });

  it('stays within the true bucket for every percentile of a spread of latencies', () => {
    const latencies = Array.from({ length: 1000 }, (_, index) => (index * 37) % 5000);
    const sorted = [...latencies].sort((a, b) => a - b);
    const counts = histogram(latencies);
    for (const quantile of [0.1, 0.5, 0.9, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(quantile * sorted.length) - 1]!;
      const bucket = latencyBucketIndex(exact);
      const estimate = latencyPercentile(counts, quantile)!;
      expect(estimate).toBeGreaterThanOrEqual(bucket === 0 ? 0 : latencyBucketBounds[bucket - 1]!);
      expect(estimate).toBeLessThanOrEqual(latencyBucketBounds[bucket]!);
    }
  });
});
