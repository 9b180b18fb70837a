import { latencyBucketBounds } from '../../store/latency-buckets.ts';

/**
 * A latency percentile from histogram counts (one per bucket of `latencyBucketBounds`, plus the
 * overflow bucket), interpolated linearly inside the bucket it falls in, as Prometheus'
 * histogram_quantile does. The overflow bucket has no upper bound: it answers its lower one.
 * Null when nothing was counted.
 */
export function latencyPercentile(counts: readonly number[], quantile: number): number | null {
  let total = 0;
  for (const count of counts) total += count;
  if (total === 0) return null;
  const rank = quantile * total;
  let below = 0;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index]!;
    if (count > 0 && below + count >= rank) {
      const lower = index === 0 ? 0 : latencyBucketBounds[index - 1]!;
      const upper = latencyBucketBounds[index];
      if (upper === undefined) return lower;
      return Math.round(lower + ((upper - lower) * (rank - below)) / count);
    }
    below += count;
  }
  return latencyBucketBounds.at(-1)!;
}
