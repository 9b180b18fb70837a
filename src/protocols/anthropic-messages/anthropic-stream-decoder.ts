import { GatewayError } from '../../core/gateway-error.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import type { SseMessage, StreamDecoder } from '../wire-protocol.ts';
import { jsonResponseToolName } from './anthropic-json-response-tool.ts';
import { mapAnthropicError } from './map-anthropic-error.ts';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.ts';
import {
  readAnthropicUsage,
  readAnthropicUsageFields,
  type PartialAnthropicUsage,
} from './read-anthropic-usage.ts';
import { isRecord } from './read-request-values.ts';
import { readTextDelta } from './read-text-delta.ts';
import { streamEndedEarly } from '../stream-ended-early.ts';

/** What an open content block turns into. */
type BlockKind =
  | { kind: 'text' }
  | { kind: 'thinking' }
  /** `streamedInput`: some of the call's input has come (as its start's input or a delta). */
  | { kind: 'tool'; toolIndex: number; streamedInput: boolean }
  /** The reserved JSON-response tool: its input streams out as text. */
  | { kind: 'json-text' }
  /** Server tools, their results, `fallback` markers: nothing the core can hold. */
  | { kind: 'skip' };

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * An Anthropic upstream's SSE messages → core events. Tool calls are numbered from 0 in the order
 * their blocks start; Anthropic's block indexes (which count text and thinking blocks too) stay inside.
 * Usage arrives in two halves (message_start: input; message_delta: output, and in newer API
 * versions the input again, possibly corrected): each `usage` event carries the merge so far.
 */
export class AnthropicStreamDecoder implements StreamDecoder {
  #blocks = new Map<number, BlockKind>();
  #nextToolIndex = 0;
  #usage: PartialAnthropicUsage = {};
  #answeredWithJsonTool = false;
  #started = false;
  /** A stop reason or `message_stop` came: the answer is whole. */
  #finished = false;
  #failed = false;

  push(message: SseMessage): StreamEvent[] {
    if (message.event === undefined || message.event === 'content_block_delta') {
      const delta = readTextDelta(message.data);
      if (delta !== undefined) return this.#textDelta(delta.index, delta.text);
    }
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      this.#failed = true;
      return [
        {
          type: 'error',
          error: new GatewayError(502, 'upstream_error', 'The upstream sent an event that is not JSON'),
        },
      ];
    }
    if (!isRecord(data)) return [];
    const type = message.event ?? data.type;
    switch (type) {
      case 'message_start':
        return this.#messageStart(data.message);
      case 'content_block_start':
        return this.#blockStart(data.index, data.content_block);
      case 'content_block_delta':
        return this.#blockDelta(data.index, data.delta);
      case 'content_block_stop':
        return this.#blockStop(data.index);
      case 'message_delta':
        return this.#messageDelta(data);
      case 'error':
        this.#failed = true;
        return [{ type: 'error', error: mapAnthropicError(data.error) }];
      case 'message_stop':
        this.#finished = true;
        return [];
      default:
        // ping, and event types added after this was written.
        return [];
    }
  }

  end(): StreamEvent[] {
    if (this.#failed) return [];
    // A stream cut short may leave tool blocks open; their calls still end.
    const events: StreamEvent[] = [];
    for (const block of this.#blocks.values()) {
      if (block.kind === 'tool') events.push({ type: 'tool-call-end', index: block.toolIndex });
    }
    this.#blocks.clear();
    if (!this.#finished) events.push(streamEndedEarly(this.#started));
    return events;
  }

  #messageStart(message: unknown): StreamEvent[] {
    this.#started = true;
    const start = isRecord(message) ? message : {};
    const events: StreamEvent[] = [
      {
        type: 'message-start',
        id: text(start.id),
        model: text(start.model),
        created: Math.floor(Date.now() / 1000),
      },
    ];
    if (isRecord(start.usage)) {
      this.#usage = readAnthropicUsageFields(start.usage);
      events.push({ type: 'usage', usage: readAnthropicUsage(this.#usage) });
    }
    return events;
  }

  #blockStart(index: unknown, value: unknown): StreamEvent[] {
    if (typeof index !== 'number' || !isRecord(value)) return [];
    // An Anthropic-compatible upstream may leave out message_start; its first block still starts it.
    this.#started = true;
    switch (value.type) {
      case 'text': {
        this.#blocks.set(index, { kind: 'text' });
        const initial = text(value.text);
        return initial === '' ? [] : [{ type: 'text-delta', text: initial }];
      }
      case 'thinking': {
        this.#blocks.set(index, { kind: 'thinking' });
        const initial = text(value.thinking);
        const signature = text(value.signature);
        if (initial === '' && signature === '') return [];
        return [
          {
            type: 'thinking-delta',
            text: initial,
            ...(signature === '' ? {} : { signature, signatureSource: 'anthropic-messages' }),
          },
        ];
      }
      case 'redacted_thinking':
        this.#blocks.set(index, { kind: 'thinking' });
        return [{ type: 'thinking-delta', text: '', redactedData: text(value.data) }];
      case 'tool_use': {
        if (value.name === jsonResponseToolName) {
          this.#blocks.set(index, { kind: 'json-text' });
          this.#answeredWithJsonTool = true;
          return [];
        }
        const toolIndex = this.#nextToolIndex++;
        const block: BlockKind = { kind: 'tool', toolIndex, streamedInput: false };
        this.#blocks.set(index, block);
        const events: StreamEvent[] = [
          { type: 'tool-call-start', index: toolIndex, id: text(value.id), name: text(value.name) },
        ];
        // Streams open tool blocks with `input: {}` and send the input as deltas; a non-empty
        // initial input is sent as its own delta.
        if (isRecord(value.input) && Object.keys(value.input).length > 0) {
          block.streamedInput = true;
          events.push({
            type: 'tool-call-delta',
            index: toolIndex,
            argumentsDelta: JSON.stringify(value.input),
          });
        }
        return events;
      }
      default:
        this.#blocks.set(index, { kind: 'skip' });
        return [];
    }
  }

  /** A text delta for the block at `index` (read by readTextDelta, or from the parsed event). */
  #textDelta(index: number, piece: string): StreamEvent[] {
    const block = this.#blocks.get(index);
    if (block === undefined || block.kind === 'skip' || piece === '') return [];
    return [{ type: 'text-delta', text: piece }];
  }

  #blockDelta(index: unknown, delta: unknown): StreamEvent[] {
    if (typeof index !== 'number' || !isRecord(delta)) return [];
    const block = this.#blocks.get(index);
    if (block === undefined || block.kind === 'skip') return [];
    switch (delta.type) {
      case 'text_delta':
        return this.#textDelta(index, text(delta.text));
      case 'thinking_delta': {
        const piece = text(delta.thinking);
        return piece === '' ? [] : [{ type: 'thinking-delta', text: piece }];
      }
      case 'signature_delta':
        return [
          {
            type: 'thinking-delta',
            text: '',
            signature: text(delta.signature),
            signatureSource: 'anthropic-messages',
          },
        ];
      case 'input_json_delta': {
        const piece = text(delta.partial_json);
        if (piece === '') return [];
        if (block.kind === 'json-text') return [{ type: 'text-delta', text: piece }];
        if (block.kind !== 'tool') return [];
        block.streamedInput = true;
        return [{ type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: piece }];
      }
      default:
        // citations_delta and newer delta types: nothing the core can hold.
        return [];
    }
  }

  #blockStop(index: unknown): StreamEvent[] {
    if (typeof index !== 'number') return [];
    const block = this.#blocks.get(index);
    this.#blocks.delete(index);
    if (block?.kind !== 'tool') return [];
    const end: StreamEvent = { type: 'tool-call-end', index: block.toolIndex };
    // A call without arguments streams its input as one empty partial_json (anthropic-tool-no-args):
    // its input is `{}`, as the whole answer says, and OpenAI clients parse arguments "" as no JSON.
    if (block.streamedInput) return [end];
    return [{ type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: '{}' }, end];
  }

  #messageDelta(data: Record<string, unknown>): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (isRecord(data.usage)) {
      this.#usage = { ...this.#usage, ...readAnthropicUsageFields(data.usage) };
      events.push({ type: 'usage', usage: readAnthropicUsage(this.#usage) });
    }
    const delta = isRecord(data.delta) ? data.delta : {};
    if (typeof delta.stop_reason === 'string') {
      const reason = mapAnthropicFinishReason(delta.stop_reason);
      if (this.#answeredWithJsonTool && reason.unified === 'tool-calls' && this.#nextToolIndex === 0) {
        reason.unified = 'stop';
      }
      this.#finished = true;
      events.push({ type: 'finish', reason });
    }
    return events;
  }
}

export const createAnthropicStreamDecoder = (): StreamDecoder => new AnthropicStreamDecoder();
