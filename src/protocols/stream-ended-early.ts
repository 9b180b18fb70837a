import { GatewayError } from '../core/gateway-error.ts';
import type { StreamEvent } from '../core/stream-event.ts';

/**
 * What a decoder's `end()` reports for a stream that stopped before its answer did. Every provider
 * ends a stream it completed with a finish reason (OpenAI's `finish_reason` or `[DONE]`,
 * Anthropic's `stop_reason` or `message_stop`, Gemini's `finishReason`); a stream that ends without
 * one was cut by something between (a proxy's timeout, a crashed worker) and what came is not the
 * whole answer. Before any content nothing reached the client and another channel may answer; after
 * it, the client gets this as its error event and the request is logged as failed. `started`:
 * whether the stream said anything at all.
 */
export function streamEndedEarly(started: boolean): StreamEvent {
  return {
    type: 'error',
    error: new GatewayError(
      502,
      'upstream_error',
      started
        ? "The upstream's stream ended before its answer did"
        : "The upstream's stream ended without an answer",
    ),
  };
}
