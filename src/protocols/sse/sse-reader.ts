import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { SseMessage } from '../wire-protocol.ts';

/**
 * Upstream SSE bytes → messages. Handles frames split across TCP chunks, CRLF line ends, comment
 * lines and multi-line data (eventsource-parser).
 */
export class SseReader {
  #parser: EventSourceParser;
  #pending: SseMessage[] = [];
  #decoder = new TextDecoder();

  constructor() {
    this.#parser = createParser({
      onEvent: (event) => {
        this.#pending.push(
          event.event === undefined ? { data: event.data } : { event: event.event, data: event.data },
        );
      },
    });
  }

  /** Feeds bytes; returns the messages completed by them. */
  push(chunk: Buffer): SseMessage[] {
    this.#parser.feed(this.#decoder.decode(chunk, { stream: true }));
    return this.#take();
  }

  /** The body ended: a last message without its blank line still counts. */
  end(): SseMessage[] {
    this.#parser.feed(`${this.#decoder.decode()}\n\n`);
    return this.#take();
  }

  #take(): SseMessage[] {
    if (this.#pending.length === 0) return [];
    const messages = this.#pending;
    this.#pending = [];
    return messages;
  }
}
