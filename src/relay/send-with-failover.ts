import { GatewayError } from '../core/gateway-error.ts';
import { upstreamRetryDelay, upstreamStatusError } from '../protocols/upstream-status-error.ts';
import { isAuthFailure, upstreamErrorMessage } from '../routing/auth-failure.ts';
import { backoffDelay } from '../routing/backoff.ts';
import type { ChannelAdmission, ChannelHealth } from '../routing/channel-health.ts';
import type { ChannelDisabler, FailoverPolicy } from '../routing/failover-policy.ts';
import type { ChannelRoute } from '../routing/pick-channels.ts';
import { parseRetryAfter, retryAfterMs } from '../routing/retry-after.ts';
import type { ClientLink } from './client-link.ts';
import { OutputMeter } from './output-meter.ts';
import { skippedUnsupported, type RelayRecord } from './relay-record.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import type { UpstreamCall } from './upstream-call.ts';
import type { UpstreamClient, UpstreamRequest } from './upstream-client.ts';
import { classifyUpstreamError, isRetryableStatus } from './upstream-failure.ts';
import { isUnsupportedByChannel } from './unsupported-by-channel.ts';

export interface UpstreamAnswer {
  channel: RuntimeChannel;
  /** A call whose response started with a 2xx; its body is being read. */
  call: UpstreamCall;
  /** performance.now() when the answering request was sent. */
  sentAt: number;
}

/** Why one attempt failed, and what that means for the request and the channel. */
export interface AttemptFailure {
  /** What the client gets if no later attempt succeeds. */
  error: GatewayError;
  /** For the log's `attempts` list: the upstream status, or `timeout`, `reset`, `stream_error`, … */
  outcome: string;
  /** Whether another channel may do better. */
  retryable: boolean;
  /** The upstream's own words, for admins (the channel's last error); never sent to clients. */
  detail: string;
  /** How long the upstream asked to be left alone. */
  retryAfterMs?: number;
  /** The upstream refused the channel's credentials: the channel is disabled. */
  authFailure?: boolean;
  /** The upstream refused the request itself (400, 404, 422, …): the channel is fine. */
  clientError?: boolean;
}

/** What the caller made of a 2xx answer before anything reached the client. */
export type Taken<T> = { ok: true; value: T } | { ok: false; failure: AttemptFailure };

export interface FailoverDeps {
  upstream: UpstreamClient;
  health: ChannelHealth;
  disabler: ChannelDisabler;
  failover: FailoverPolicy;
}

type AttemptResult<T> =
  { ok: true; answer: UpstreamAnswer; value: T; latencyMs: number } | { ok: false; failure: AttemptFailure };

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** A non-2xx answer as an attempt failure. */
function statusFailure(call: UpstreamCall, body: string): AttemptFailure {
  const { status, headers } = call;
  const detail = `${status}: ${upstreamErrorMessage(body)}`;
  if (isAuthFailure(status, body)) {
    return {
      // Whatever the upstream said about its key stays here (API.md 1.1: it leaks nothing).
      error: new GatewayError(
        502,
        'upstream_error',
        `The upstream refused the channel's credentials (${status})`,
      ),
      outcome: String(status),
      retryable: false,
      detail,
      authFailure: true,
    };
  }
  const retryable = isRetryableStatus(status);
  const bodyDelay = upstreamRetryDelay(body);
  return {
    error: upstreamStatusError(status, body, headerValue(headers['retry-after'])),
    outcome: String(status),
    retryable,
    detail,
    retryAfterMs: retryAfterMs(headers) ?? (bodyDelay === undefined ? undefined : parseRetryAfter(bodyDelay)),
    clientError: !retryable && status >= 400,
  };
}

/** One call to one channel, up to what `take` makes of its answer. */
async function attempt<T>(
  upstream: UpstreamClient,
  channel: RuntimeChannel,
  request: UpstreamRequest,
  take: (answer: UpstreamAnswer) => Promise<Taken<T>>,
  record: RelayRecord,
  link: ClientLink,
): Promise<AttemptResult<T>> {
  const sentAt = performance.now();
  const call = upstream.start(request);
  link.attach(call);
  try {
    await call.responded;
  } catch (error) {
    record.upstreamMs += performance.now() - sentAt;
    const failure = classifyUpstreamError(error);
    return {
      ok: false,
      failure: {
        error: failure.error,
        outcome: link.gone ? link.goneOutcome : failure.kind,
        retryable: failure.retryable,
        detail: failure.error.message,
      },
    };
  }
  const latencyMs = performance.now() - sentAt;
  if (call.status >= 300) {
    const body = await call.buffer().then(
      (bytes) => bytes.toString('utf8'),
      () => '',
    );
    record.upstreamMs += performance.now() - sentAt;
    return { ok: false, failure: statusFailure(call, body) };
  }
  const answer: UpstreamAnswer = { channel, call, sentAt };
  const taken = await take(answer);
  record.upstreamMs += performance.now() - sentAt;
  return taken.ok ? { ok: true, answer, value: taken.value, latencyMs } : taken;
}

/**
 * Sends the request to the route's channels in order until one answers and `take` accepts the
 * answer — for a stream, until its first content, so that a failure before any byte reached the
 * client still fails over. A retryable failure (connect error, reset, timeout, 429, 5xx, an error
 * inside a 200 stream) moves on to the next channel after a jittered exponential backoff (the
 * failed channel rests for its Retry-After, see channel health); anything else, or the last
 * failure, is thrown as the client's error. Each channel is tried at most once; the attempt count
 * and the time budget bound the rest. Every outcome is reported to the channel's health and listed
 * in `record.attempts`.
 *
 * A channel `build` says cannot take the request (an `unsupported_by_channel` error, see
 * unsupportedByChannel) is skipped: no call, no attempt spent, no verdict on its health, listed in
 * `record.attempts` as `skipped_unsupported`. The client gets that error only when no channel could
 * take the request; when one could and failed, it gets that failure. `build` may record what it
 * made for the channel (its plan, warnings, model) once it has made it: every call goes to the
 * channel built last.
 *
 * Resting channels (see ChannelRoute) are sent to only after the others. A channel that started
 * resting between routing and its turn (its breaker opened, or another request took its half-open
 * probe) moves to the end of the line, as a last resort too.
 */
export async function sendWithFailover<T>(
  deps: FailoverDeps,
  route: ChannelRoute,
  build: (channel: RuntimeChannel) => UpstreamRequest,
  take: (answer: UpstreamAnswer) => Promise<Taken<T>>,
  record: RelayRecord,
  link: ClientLink,
): Promise<{ answer: UpstreamAnswer; value: T }> {
  const { health, failover } = deps;
  const deadline = performance.now() + failover.budgetMs;
  const maxAttempts = failover.maxAttempts > 0 ? failover.maxAttempts : Number.POSITIVE_INFINITY;
  const queue = route.channels.map((channel, index) => ({ channel, forced: index >= route.restingFrom }));
  let attempts = 0;
  let last: AttemptFailure | undefined;
  let unsupported: GatewayError | undefined;
  let waitOwed = false;
  for (let index = 0; index < queue.length && attempts < maxAttempts && !link.gone; index++) {
    const { channel, forced } = queue[index]!;
    if (waitOwed) {
      // A Retry-After speaks for the channel that sent it: that channel rests until then (channel
      // health), and the next, different channel is tried after the usual short backoff.
      const wait = backoffDelay(attempts - 1, failover.backoff);
      if (performance.now() + wait > deadline) break;
      const pausedAt = performance.now();
      await link.pause(wait);
      // Time lost to upstream failures is not the gateway's own overhead.
      record.upstreamMs += performance.now() - pausedAt;
      waitOwed = false;
      if (link.gone) break;
    }
    let request: UpstreamRequest;
    try {
      request = build(channel);
    } catch (error) {
      if (!isUnsupportedByChannel(error)) throw error;
      unsupported ??= error;
      record.attempts.push({ channel: channel.id, outcome: skippedUnsupported });
      continue;
    }
    const admission = health.admit(channel.id, forced);
    if (!admission) {
      queue.push({ channel, forced: true });
      continue;
    }
    attempts += 1;
    record.channelId = channel.id;
    let result: AttemptResult<T>;
    try {
      result = await attempt(deps.upstream, channel, request, take, record, link);
    } catch (error) {
      // Not the channel's doing (a fault of ours while sending or taking the answer): no verdict.
      health.released(admission);
      throw error;
    }
    if (result.ok) {
      health.succeeded(admission, result.latencyMs);
      record.attempts.push({ channel: channel.id, outcome: 'ok' });
      return { answer: result.answer, value: result.value };
    }
    last = result.failure;
    record.attempts.push({ channel: channel.id, outcome: last.outcome });
    report(deps, admission, last, link);
    if (link.gone || !last.retryable) throw last.error;
    // What a failed stream had metered is not the answer's.
    record.usage = undefined;
    record.output = new OutputMeter();
    waitOwed = true;
  }
  throw (
    last?.error ??
    unsupported ??
    new GatewayError(503, 'upstream_unavailable', 'No channel could serve the request')
  );
}

/** Tells the channel's health what the attempt came to; a refused key takes the channel out. */
function report(deps: FailoverDeps, admission: ChannelAdmission, failure: AttemptFailure, link: ClientLink) {
  if (link.gone) deps.health.released(admission);
  else if (failure.clientError) deps.health.succeeded(admission);
  else {
    deps.health.failed(admission, failure.detail, failure.retryAfterMs);
    if (failure.authFailure) deps.disabler.disable(admission.channelId, failure.detail);
  }
}
