import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { SseMessage } from '../wire-protocol.ts';

const BYTE_ORDER_MARK = 0xfeff;

/**
 * Upstream SSE bytes → messages. Handles frames split across TCP chunks (a character split between
 * two included), CRLF line ends, comment lines and multi-line data (eventsource-parser).
 *
 * The bytes are decoded by Node's StringDecoder: a streaming TextDecoder cost 2.5 µs for a
 * 2.6 KB Anthropic stream and 4.8 µs for a 5.4 KB OpenAI one, four to five times as much, on
 * every translated stream. Like TextDecoder it replaces bytes that are not UTF-8 with U+FFFD; it
 * keeps a leading byte order mark, which the event-stream format drops, so that is dropped here.
 */
export class SseReader {
  #parser: EventSourceParser;
  #pending: SseMessage[] = [];
  #decoder = new StringDecoder('utf8');
  #started = false;

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
    this.#feed(this.#decoder.write(chunk));
    return this.#take();
  }

  /** The body ended: a last message without its blank line still counts. */
  end(): SseMessage[] {
    this.#feed(`${this.#decoder.end()}\n\n`);
    return this.#take();
  }

  #feed(text: string): void {
    if (!this.#started && text !== '') {
      this.#started = true;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    this.#parser.feed(text);
  }

  #take(): SseMessage[] {
    if (this.#pending.length === 0) return [];
    const messages = this.#pending;
    this.#pending = [];
    return messages;
  }
}
