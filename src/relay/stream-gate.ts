import type { GatewayError } from '../core/gateway-error.ts';
import type { StreamEvent } from '../core/stream-event.ts';

/** Events that carry the answer itself; what comes before them (message start, usage, pings) does not. */
function isContent(event: StreamEvent): boolean {
  switch (event.type) {
    case 'text-delta':
      return event.text !== '';
    case 'thinking-delta':
    case 'tool-call-start':
    case 'tool-call-delta':
    case 'tool-call-end':
    case 'finish':
      return true;
    case 'message-start':
    case 'usage':
    case 'error':
      return false;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Watches an upstream stream's first events. Nothing reaches the client until the first content
 * (text, thinking, a tool call, or the finish): an upstream `error` before that — OpenAI's
 * `data: {"error":…}`, Anthropic's `event: error`, Gemini's `{"error":…}` chunk, all decoded to an
 * `error` event — means the attempt failed with nothing sent, and another channel may answer.
 */
export class StreamGate {
  /** The first content has come: the stream is the client's now. */
  open = false;
  /** An upstream error that came before any content. */
  error: GatewayError | undefined;

  /** The first content has been seen without decoding it (see surelyStartsContent). */
  seeContent(): void {
    if (!this.error) this.open = true;
  }

  /** Notes an event; false when it must not go on to the client (an error before any content). */
  see(event: StreamEvent): boolean {
    if (this.open) return true;
    if (this.error) return false;
    if (event.type === 'error') {
      this.error = event.error;
      return false;
    }
    if (isContent(event)) this.open = true;
    return true;
  }
}
