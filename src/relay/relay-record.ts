import type { Usage } from '../core/usage.ts';
import type { TranslationWarning } from '../core/warning.ts';
import type { LogBodyCapture } from '../observability/log-body-capture.ts';
import type { RequestLogEntry } from '../store/request-log-entry.ts';
import type { Surface } from '../http/surface.ts';
import type { AdmittedRequest } from './admit-request.ts';
import type { KeyContext } from './key-context.ts';
import { OutputMeter } from './output-meter.ts';
import { shownWarnings } from './warnings-header.ts';

/**
 * One channel tried for a request, and what came of it (`ok`, an upstream status, `timeout`, …), or
 * skipped without a call (`skipped_unsupported`).
 */
export interface ChannelAttempt {
  channel: number;
  outcome: string;
}

/** The outcome of a channel skipped, uncalled: it cannot take the request (unsupportedByChannel). */
export const skippedUnsupported = 'skipped_unsupported';

/**
 * What kind of call a request was: what it is priced by. Chat and embeddings by tokens (`usage`),
 * images by the images made and speech by the characters spoken (`units`).
 */
export type RelayKind = 'chat' | 'embeddings' | 'images' | 'speech';

/** What the relay learns about one request as it goes; becomes its log row at the end. */
export interface RelayRecord {
  requestId: string;
  endpoint: string;
  kind: RelayKind;
  /** The client surface the request came in on (metrics). */
  surface: Surface;
  /** Images generated (`images`) or input characters (`speech`); null for token-priced calls. */
  units: number | null;
  startedAt: number;
  key: KeyContext | undefined;
  model: string;
  upstreamModel: string | null;
  channelId: number | null;
  /** Every channel tried or skipped, in order. */
  attempts: ChannelAttempt[];
  stream: boolean;
  usage: Usage | undefined;
  firstByteMs: number | null;
  /** Time spent waiting on upstreams (excluded from the gateway's overhead figure). */
  upstreamMs: number;
  userMetadata: string | null;
  warnings: TranslationWarning[];
  /** What was generated, for estimating usage the upstream did not report. */
  output: OutputMeter;
  /** The prompt's estimated size, computed only when needed. */
  estimateInput: (() => number) | undefined;
  /** Request and response bodies for the log, only when the operator keeps them. */
  bodies: LogBodyCapture | undefined;
  /** The request's credit hold and rate-limit buckets, once admitted. */
  admission: AdmittedRequest | undefined;
  /** Usage as settled (the upstream's, or estimated), worked out once when the request ends. */
  settled: { usage: Usage | undefined; estimated: boolean } | undefined;
}

export function newRelayRecord(requestId: string, endpoint: string): RelayRecord {
  return {
    requestId,
    endpoint,
    kind: 'chat',
    surface: 'openai',
    units: null,
    startedAt: Date.now(),
    key: undefined,
    model: '',
    upstreamModel: null,
    channelId: null,
    attempts: [],
    stream: false,
    usage: undefined,
    firstByteMs: null,
    upstreamMs: 0,
    userMetadata: null,
    warnings: [],
    output: new OutputMeter(),
    estimateInput: undefined,
    bodies: undefined,
    admission: undefined,
    settled: undefined,
  };
}

/**
 * Usage for the log: the upstream's own figures, or — when it reported none but did answer — an
 * estimate from our tokenizer, marked as such. A request no upstream answered used nothing.
 */
export function settledUsage(record: RelayRecord): { usage: Usage | undefined; estimated: boolean } {
  record.settled ??= settle(record);
  return record.settled;
}

function settle(record: RelayRecord): { usage: Usage | undefined; estimated: boolean } {
  if (record.usage || record.firstByteMs === null || !record.estimateInput) {
    return { usage: record.usage, estimated: false };
  }
  return {
    usage: {
      inputTokens: record.estimateInput(),
      outputTokens: record.output.tokens(),
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
    estimated: true,
  };
}

/** The common case, one channel answering first time, as text made once per channel. */
const answeredFirstTime = new Map<number, string>();

/** The attempts as the log's JSON column (null when no channel was tried). */
function attemptsJson(attempts: readonly ChannelAttempt[]): string | null {
  if (attempts.length === 0) return null;
  const only = attempts[0]!;
  if (attempts.length > 1 || only.outcome !== 'ok') return JSON.stringify(attempts);
  let text = answeredFirstTime.get(only.channel);
  if (text === undefined) {
    text = JSON.stringify(attempts);
    if (answeredFirstTime.size < 10_000) answeredFirstTime.set(only.channel, text);
  }
  return text;
}

export function toLogRow(record: RelayRecord, status: number, errorCode: string | null): RequestLogEntry {
  const now = Date.now();
  const { usage, estimated } = settledUsage(record);
  const row: RequestLogEntry = {
    created_at: record.startedAt,
    request_id: record.requestId,
    user_id: record.key?.userId ?? null,
    api_key_id: record.key?.keyId ?? null,
    endpoint: record.endpoint,
    model: record.model,
    upstream_model: record.upstreamModel,
    channel_id: record.channelId,
    status,
    stream: record.stream ? 1 : 0,
    prompt_tokens: usage?.inputTokens ?? 0,
    completion_tokens: usage?.outputTokens ?? 0,
    cached_tokens: usage?.cachedInputTokens ?? 0,
    usage_estimated: estimated ? 1 : 0,
    latency_ms: now - record.startedAt,
    first_byte_ms: record.firstByteMs,
    error_code: errorCode,
    user_metadata: record.userMetadata,
    warnings: record.warnings.length > 0 ? JSON.stringify(shownWarnings(record.warnings)) : null,
    attempts: attemptsJson(record.attempts),
  };
  if (record.bodies) row.bodies = record.bodies.bodies();
  return row;
}
