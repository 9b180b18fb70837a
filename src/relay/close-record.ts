import type { RelayDeps } from './relay-deps.ts';
import type { RequestLogEntry } from '../store/request-log-entry.ts';
import { skippedUnsupported, toLogRow, type RelayRecord } from './relay-record.ts';
import { requestCharge } from './request-charge.ts';

/**
 * The end of every relayed request, whatever happened: settle its credits (the real cost, or a
 * refund when no upstream answered), add the tokens it used to its per-minute token buckets, and
 * queue its log row with the charge on it. Called exactly once per request.
 */
export function closeRecord(
  deps: RelayDeps,
  record: RelayRecord,
  status: number,
  errorCode: string | null,
): void {
  const row = toLogRow(record, status, errorCode);
  const admission = record.admission;
  if (admission) {
    const { billing, limiter } = deps.admission;
    const charged = requestCharge(billing, record);
    billing.settle(admission.hold, charged);
    row.credits = charged;
    const used = row.prompt_tokens + row.completion_tokens;
    for (const bucket of admission.tokenBuckets) {
      limiter.record(bucket, used).catch((error: unknown) => {
        deps.logger.warn({ err: error, bucket }, 'could not add tokens to a rate-limit bucket');
      });
    }
  }
  observe(deps, record, row);
  deps.logWriter.enqueue(row);
}

/** The request in the Prometheus figures: one map lookup per series, no work at scrape time here. */
function observe(deps: RelayDeps, record: RelayRecord, row: RequestLogEntry): void {
  const { metrics } = deps;
  const model = row.model || 'unknown';
  const durationMs = row.latency_ms ?? 0;
  metrics.observeRequest({
    surface: record.surface,
    model,
    status: row.status,
    durationSeconds: durationMs / 1000,
    overheadSeconds: Math.max(0, durationMs - record.upstreamMs) / 1000,
  });
  if (row.prompt_tokens || row.completion_tokens) {
    metrics.countTokens(model, {
      input: row.prompt_tokens,
      output: row.completion_tokens,
      cached: row.cached_tokens,
    });
  }
  if (row.credits) metrics.countCredits(model, row.credits);
  for (const attempt of record.attempts) {
    // A skipped channel was never called: no upstream failed.
    if (attempt.outcome === 'ok' || attempt.outcome === skippedUnsupported) continue;
    metrics.countUpstreamError(
      deps.registry.channel(attempt.channel)?.name ?? String(attempt.channel),
      attempt.outcome,
    );
  }
}
