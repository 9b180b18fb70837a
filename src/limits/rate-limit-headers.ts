import { formatResetDuration } from './format-reset-duration.ts';
import type { Admission, BucketState } from './rate-limiter.ts';

/** Each kind's header names, made once. */
const kinds = (['requests', 'tokens'] as const).map((kind) => ({
  kind,
  limit: `x-ratelimit-limit-${kind}`,
  remaining: `x-ratelimit-remaining-${kind}`,
  reset: `x-ratelimit-reset-${kind}`,
}));

/**
 * The `x-ratelimit-*` headers (OpenAI's names) for an admission, from the tightest bucket of each
 * kind (least remaining, then smallest limit), and `retry-after` in whole seconds when refused
 * (API.md 1.3). A kind with no bucket gets no headers; an admission let through because the
 * limiter's store failed (fail open) gets only the limits.
 */
export function rateLimitHeaders(admission: Admission): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const names of kinds) {
    const bucket = tightest(admission.buckets, names.kind);
    if (!bucket) continue;
    headers[names.limit] = String(bucket.limit);
    // Let through while the limiter's store failed: what is left, and when, is not known.
    if (admission.failedOpen) continue;
    headers[names.remaining] = String(bucket.remaining);
    const resetMs = bucket.allowed ? bucket.resetMs : Math.max(bucket.resetMs, bucket.retryAfterMs);
    headers[names.reset] = formatResetDuration(resetMs);
  }
  if (!admission.allowed)
    headers['retry-after'] = String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000)));
  return headers;
}

function tightest(buckets: BucketState[], kind: BucketState['kind']): BucketState | undefined {
  let best: BucketState | undefined;
  for (const bucket of buckets) {
    if (bucket.kind !== kind) continue;
    if (
      !best ||
      bucket.remaining < best.remaining ||
      (bucket.remaining === best.remaining && bucket.limit < best.limit)
    ) {
      best = bucket;
    }
  }
  return best;
}
