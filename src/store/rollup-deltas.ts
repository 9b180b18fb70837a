import { latencyBucketColumns, latencyBucketIndex, type LatencyBucketColumn } from './latency-buckets.ts';
import type { NewRequestLog, RequestRollupRow } from './schema.ts';

export const hourMs = 3_600_000;

/** What the dashboard counts as an error: a status of 400 or more, but not a client's own disconnect. */
export const isErrorStatus = (status: number): boolean => status >= 400 && status !== 499;

/** The numeric columns a rollup row adds up (every column but its key). */
export const rollupSumColumns = [
  'requests',
  'errors',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'credits',
  'latency_ms_sum',
  ...latencyBucketColumns,
] as const satisfies readonly (keyof RequestRollupRow)[];

export const rollupKeyColumns = ['hour_start', 'user_id', 'api_key_id', 'model'] as const;

export type RollupSumColumn = (typeof rollupSumColumns)[number];

const emptyBuckets = (): Record<LatencyBucketColumn, number> =>
  Object.fromEntries(latencyBucketColumns.map((column) => [column, 0])) as Record<
    LatencyBucketColumn,
    number
  >;

/**
 * A batch of log rows summed per hour, user, key and model: the increments to add to the rollup
 * table. Sorted by key, so that concurrent writers lock rollup rows in the same order.
 */
export function rollupDeltas(rows: readonly NewRequestLog[]): RequestRollupRow[] {
  const groups = new Map<string, RequestRollupRow>();
  for (const row of rows) {
    const hourStart = row.created_at - (row.created_at % hourMs);
    const userId = row.user_id ?? 0;
    const apiKeyId = row.api_key_id ?? 0;
    const key = `${hourStart}\u0000${userId}\u0000${apiKeyId}\u0000${row.model}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        hour_start: hourStart,
        user_id: userId,
        api_key_id: apiKeyId,
        model: row.model,
        requests: 0,
        errors: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        cached_tokens: 0,
        credits: 0,
        latency_ms_sum: 0,
        ...emptyBuckets(),
      };
      groups.set(key, group);
    }
    group.requests += 1;
    if (isErrorStatus(row.status)) group.errors += 1;
    group.prompt_tokens += row.prompt_tokens;
    group.completion_tokens += row.completion_tokens;
    group.cached_tokens += row.cached_tokens ?? 0;
    group.credits += row.credits ?? 0;
    group.latency_ms_sum += row.latency_ms;
    group[latencyBucketColumns[latencyBucketIndex(row.latency_ms)]!] += 1;
  }
  return [...groups.values()].sort(compareRollupKeys);
}

function compareRollupKeys(a: RequestRollupRow, b: RequestRollupRow): number {
  return (
    a.hour_start - b.hour_start ||
    a.user_id - b.user_id ||
    a.api_key_id - b.api_key_id ||
    (a.model < b.model ? -1 : a.model > b.model ? 1 : 0)
  );
}
