import { GatewayError } from '../core/gateway-error.ts';
import type { ClientLink } from './client-link.ts';
import type { RelayRecord } from './relay-record.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import type { UpstreamCall } from './upstream-call.ts';
import type { UpstreamClient, UpstreamRequest } from './upstream-client.ts';
import { classifyUpstreamError, isRetryableStatus } from './upstream-failure.ts';
import { upstreamStatusError } from '../protocols/upstream-status-error.ts';

export interface UpstreamAnswer {
  channel: RuntimeChannel;
  /** A call whose response started with a 2xx; its body is still to be read. */
  call: UpstreamCall;
  /** performance.now() when the answering request was sent. */
  sentAt: number;
}

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * Sends the request to the channels in order until one answers with a 2xx. A retryable failure
 * (connect error, reset, first-byte timeout, 429, 5xx) moves on to the next channel; anything else,
 * or the last channel's failure, is thrown as the client's error. Each channel is tried once.
 */
export async function sendWithFailover(
  upstream: UpstreamClient,
  channels: readonly RuntimeChannel[],
  build: (channel: RuntimeChannel) => UpstreamRequest,
  record: RelayRecord,
  link: ClientLink,
  maxAttempts: number,
): Promise<UpstreamAnswer> {
  let lastFailure: GatewayError | undefined;
  const attempts = Math.min(channels.length, maxAttempts);
  for (let index = 0; index < attempts && !link.gone; index++) {
    const channel = channels[index]!;
    record.channelId = channel.id;
    const sentAt = performance.now();
    const call = upstream.start(build(channel));
    link.attach(call);
    try {
      await call.responded;
    } catch (error) {
      record.upstreamMs += performance.now() - sentAt;
      if (link.gone) throw error;
      const failure = classifyUpstreamError(error);
      if (!failure.retryable) throw failure.error;
      lastFailure = failure.error;
      continue;
    }
    if (call.status < 300) return { channel, call, sentAt };
    const body = await call.buffer().then(
      (bytes) => bytes.toString('utf8'),
      () => '',
    );
    record.upstreamMs += performance.now() - sentAt;
    const failure = upstreamStatusError(call.status, body, headerValue(call.headers['retry-after']));
    if (!isRetryableStatus(call.status)) throw failure;
    lastFailure = failure;
  }
  throw lastFailure ?? new GatewayError(503, 'upstream_unavailable', 'No channel could serve the request');
}
