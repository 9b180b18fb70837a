import { latencyBucketColumns } from '../../store/latency-buckets.ts';
import type { RollupSums } from '../../store/request-rollups-repository.ts';
import { rollupSumColumns } from '../../store/rollup-deltas.ts';
import { latencyPercentile } from './latency-percentile.ts';

/** What the dashboard shows for any slice of traffic: a period, a model, a key, or all of it. */
export interface DashboardFigures {
  requests: number;
  errors: number;
  /** errors / requests, 0 when there were none. */
  error_rate: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  total_tokens: number;
  /** Micro-credits charged. */
  credits: number;
  latency_ms: { avg: number | null; p50: number | null; p95: number | null };
}

export const emptySums = (): RollupSums =>
  Object.fromEntries(rollupSumColumns.map((column) => [column, 0])) as RollupSums;

/** Adds `from` into `into` (both sums of rollup rows). */
export function addSums(into: RollupSums, from: RollupSums): void {
  for (const column of rollupSumColumns) into[column] += from[column];
}

export function toFigures(sums: RollupSums): DashboardFigures {
  const buckets = latencyBucketColumns.map((column) => sums[column]);
  return {
    requests: sums.requests,
    errors: sums.errors,
    error_rate: sums.requests === 0 ? 0 : Math.round((sums.errors / sums.requests) * 10_000) / 10_000,
    prompt_tokens: sums.prompt_tokens,
    completion_tokens: sums.completion_tokens,
    cached_tokens: sums.cached_tokens,
    total_tokens: sums.prompt_tokens + sums.completion_tokens,
    credits: sums.credits,
    latency_ms: {
      avg: sums.requests === 0 ? null : Math.round(sums.latency_ms_sum / sums.requests),
      p50: latencyPercentile(buckets, 0.5),
      p95: latencyPercentile(buckets, 0.95),
    },
  };
}
