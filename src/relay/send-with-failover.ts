import type { Dispatcher } from 'undici';
import { GatewayError } from '../core/gateway-error.ts';
import type { RelayRecord } from './relay-record.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import type { UpstreamClient, UpstreamRequest } from './upstream-client.ts';
import { classifyUpstreamError, isRetryableStatus } from './upstream-failure.ts';
import { upstreamStatusError } from './upstream-status-error.ts';

export interface UpstreamAnswer {
  channel: RuntimeChannel;
  response: Dispatcher.ResponseData;
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
  maxAttempts: number,
): Promise<UpstreamAnswer> {
  let lastFailure: GatewayError | undefined;
  const attempts = Math.min(channels.length, maxAttempts);
  for (let index = 0; index < attempts; index++) {
    const channel = channels[index]!;
    const request = build(channel);
    record.channelId = channel.id;
    const sentAt = performance.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await upstream.send(request);
    } catch (error) {
      record.upstreamMs += performance.now() - sentAt;
      if (request.signal.aborted) throw error;
      const failure = classifyUpstreamError(error);
      if (!failure.retryable) throw failure.error;
      lastFailure = failure.error;
      continue;
    }
    if (response.statusCode < 300) return { channel, response, sentAt };
    const body = await response.body.text().catch(() => '');
    record.upstreamMs += performance.now() - sentAt;
    const failure = upstreamStatusError(
      response.statusCode,
      body,
      headerValue(response.headers['retry-after']),
    );
    if (!isRetryableStatus(response.statusCode)) throw failure;
    lastFailure = failure;
  }
  throw lastFailure ?? new GatewayError(503, 'upstream_unavailable', 'No channel could serve the request');
}
