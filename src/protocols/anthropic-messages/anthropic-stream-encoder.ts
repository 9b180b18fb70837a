import type { FinishReason } from '../../core/finish-reason.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { markSignature } from '../../core/thinking-signature.ts';
import { embedSignature } from '../../core/tool-call-id.ts';
import type { Usage } from '../../core/usage.ts';
import { renderError } from '../../http/render-error.ts';
import { sseFrame } from '../sse/sse-frame.ts';
import type { StreamEncoder, StreamEncoderOptions } from '../wire-protocol.ts';
import { toAnthropicMessageId } from './anthropic-message-id.ts';
import type {
  AnthropicStreamBlockStart,
  AnthropicStreamDelta,
  AnthropicStreamEvent,
} from './anthropic-wire-types.ts';
import { toAnthropicStopReason } from './map-anthropic-finish-reason.ts';
import { toAnthropicUsage } from './read-anthropic-usage.ts';

type OpenBlock =
  | { kind: 'text'; index: number }
  | { kind: 'thinking'; index: number; signed: boolean }
  | { kind: 'tool'; index: number; toolIndex: number };

const frame = (event: AnthropicStreamEvent): string => sseFrame(JSON.stringify(event), event.type);

/**
 * Core events → an Anthropic client's SSE. Blocks are numbered from 0 without gaps; a new block opens
 * whenever the kind of content changes (and a thinking block closes once signed), and only when
 * content arrives, so no empty text block stands in front of a tool call.
 *
 * `message_start` waits for the event after the upstream's start, so the input tokens that usually
 * come right behind it (Anthropic and Gemini upstreams) are in it, as clients expect; content is never
 * held back. `message_delta` (stop reason and the full usage) goes out at `end()`, because
 * OpenAI-format upstreams send their usage after the finish reason.
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  readonly #options: StreamEncoderOptions;
  #messageId: string | undefined;
  #started = false;
  #nextBlock = 0;
  #open: OpenBlock | undefined;
  /** Tool index → the block index its tool_use block got. */
  #toolBlocks = new Map<number, number>();
  #usage: Usage | undefined;
  #finish: FinishReason | undefined;
  #sawToolCall = false;
  #done = false;

  constructor(options: StreamEncoderOptions) {
    this.#options = options;
  }

  push(event: StreamEvent): string {
    if (this.#done) return '';
    switch (event.type) {
      case 'message-start':
        if (event.id !== '') this.#messageId = toAnthropicMessageId(event.id);
        return '';
      case 'usage':
        this.#usage = event.usage;
        return this.#start();
      case 'text-delta':
        if (event.text === '') return '';
        return this.#start() + this.#ensureText() + this.#textDelta(event.text);
      case 'thinking-delta':
        return this.#start() + this.#thinking(event);
      case 'tool-call-start': {
        this.#sawToolCall = true;
        const index = this.#nextBlock;
        this.#toolBlocks.set(event.index, index);
        const id = embedSignature(event.id, event.signature);
        return (
          this.#start() +
          this.#openBlock(
            { kind: 'tool', index, toolIndex: event.index },
            { type: 'tool_use', id, name: event.name, input: {} },
          )
        );
      }
      case 'tool-call-delta': {
        const index = this.#toolBlocks.get(event.index);
        if (index === undefined || event.argumentsDelta === '') return '';
        // Anthropic addresses deltas by block index, so a late piece of an earlier call still lands right.
        return frame({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: event.argumentsDelta },
        });
      }
      case 'tool-call-end':
        return this.#open?.kind === 'tool' && this.#open.toolIndex === event.index ? this.#closeBlock() : '';
      case 'finish':
        this.#finish = event.reason;
        return '';
      case 'error': {
        // Anthropic ends a failed stream with an `error` event and nothing after it.
        this.#done = true;
        return sseFrame(
          JSON.stringify(renderError('anthropic', event.error, this.#options.requestId)),
          'error',
        );
      }
      default: {
        const unreachable: never = event;
        throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  end(): string {
    if (this.#done) return '';
    this.#done = true;
    const stopReason = this.#finish
      ? toAnthropicStopReason(this.#finish, this.#sawToolCall)
      : this.#sawToolCall
        ? 'tool_use'
        : 'end_turn';
    return (
      this.#start() +
      this.#closeBlock() +
      frame({
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: toAnthropicUsage(this.#usage),
      }) +
      frame({ type: 'message_stop' })
    );
  }

  #start(): string {
    if (this.#started) return '';
    this.#started = true;
    return frame({
      type: 'message_start',
      message: {
        id: this.#messageId ?? toAnthropicMessageId(this.#options.requestId),
        type: 'message',
        role: 'assistant',
        model: this.#options.requestModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: toAnthropicUsage(this.#usage),
      },
    });
  }

  #openBlock(block: OpenBlock, contentBlock: AnthropicStreamBlockStart): string {
    const closing = this.#closeBlock();
    this.#open = block;
    this.#nextBlock = block.index + 1;
    return closing + frame({ type: 'content_block_start', index: block.index, content_block: contentBlock });
  }

  #closeBlock(): string {
    if (this.#open === undefined) return '';
    const index = this.#open.index;
    this.#open = undefined;
    return frame({ type: 'content_block_stop', index });
  }

  /**
   * The most frequent event, written without serializing an object: byte for byte what `frame`
   * makes of `{ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }`.
   */
  #textDelta(text: string): string {
    if (this.#open === undefined) return '';
    return (
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":${this.#open.index},` +
      `"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}\n\n`
    );
  }

  #delta(delta: AnthropicStreamDelta): string {
    return this.#open === undefined
      ? ''
      : frame({ type: 'content_block_delta', index: this.#open.index, delta });
  }

  #ensureText(): string {
    if (this.#open?.kind === 'text') return '';
    return this.#openBlock({ kind: 'text', index: this.#nextBlock }, { type: 'text', text: '' });
  }

  #thinking(event: Extract<StreamEvent, { type: 'thinking-delta' }>): string {
    if (event.redactedData !== undefined) {
      const index = this.#nextBlock;
      return (
        this.#openBlock(
          { kind: 'thinking', index, signed: true },
          { type: 'redacted_thinking', data: event.redactedData },
        ) + this.#closeBlock()
      );
    }
    // Another provider's signature goes out marked with its source (see thinking-signature.ts).
    const signature =
      event.signature === undefined || event.signature === ''
        ? ''
        : markSignature(event.signature, event.signatureSource, 'anthropic-messages');
    if (event.text === '' && signature === '') return '';
    let out = '';
    // One signature per thinking block: more thinking after it is a new block.
    if (this.#open?.kind !== 'thinking' || (this.#open.signed && event.text !== '')) {
      out += this.#openBlock(
        { kind: 'thinking', index: this.#nextBlock, signed: false },
        { type: 'thinking', thinking: '', signature: '' },
      );
    }
    if (event.text !== '') out += this.#delta({ type: 'thinking_delta', thinking: event.text });
    if (signature !== '' && this.#open?.kind === 'thinking') {
      out += this.#delta({ type: 'signature_delta', signature });
      this.#open.signed = true;
    }
    return out;
  }
}

export const createAnthropicStreamEncoder = (options: StreamEncoderOptions): StreamEncoder =>
  new AnthropicStreamEncoder(options);
