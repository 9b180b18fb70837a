import { GatewayError } from '../../core/gateway-error.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { newToolCallId } from '../../core/tool-call-id.ts';
import type { SseMessage, StreamDecoder } from '../wire-protocol.ts';
import { decodeOpenAiFinishReason } from './map-openai-finish-reason.ts';
import type { OpenAiChatCompletionChunk } from './openai-chat-wire-types.ts';
import { readOpenAiContent } from './read-openai-content.ts';
import { readOpenAiUsage } from './read-openai-usage.ts';
import { readTextChunk, textChunkPrefix } from './read-text-chunk.ts';
import { streamEndedEarly } from '../stream-ended-early.ts';

/**
 * OpenAI-format SSE → core events. Tool calls stream by `index`, with the id and name only in their
 * first piece; they are closed when the finish reason arrives (or the stream ends).
 */
export class OpenAiChatStreamDecoder implements StreamDecoder {
  #started = false;
  #openTools: number[] = [];
  #finished = false;
  /** `data: [DONE]` came. */
  #done = false;
  #failed = false;
  /**
   * The first chunk parsed whole, whose bytes before `choices` later text chunks may begin with
   * (see readTextChunk): worked out when first needed (a same-format stream's decoder stops at the
   * first content and never needs it), then kept; empty while there is none. Strings either way,
   * so the fields keep one representation.
   */
  #firstChunk = '';
  #textPrefix = '';

  push(message: SseMessage): StreamEvent[] {
    if (message.data === '') return [];
    if (message.data === '[DONE]') {
      this.#done = true;
      return [];
    }
    if (this.#firstChunk !== '' && this.#textPrefix === '') {
      // Worked out once: a first chunk whose prefix is not safe to reuse is let go.
      this.#textPrefix = textChunkPrefix(this.#firstChunk) ?? '';
      this.#firstChunk = '';
    }
    if (this.#textPrefix !== '') {
      const text = readTextChunk(message.data, this.#textPrefix);
      if (text !== undefined) return text === '' ? [] : [{ type: 'text-delta', text }];
    }
    let chunk: OpenAiChatCompletionChunk;
    try {
      chunk = JSON.parse(message.data) as OpenAiChatCompletionChunk;
    } catch {
      return [];
    }
    const events: StreamEvent[] = [];
    if (chunk.error) {
      this.#failed = true;
      const detail = chunk.error.message ? `: ${chunk.error.message}` : '';
      events.push({
        type: 'error',
        error: new GatewayError(502, 'upstream_error', `The upstream failed mid-stream${detail}`),
      });
      return events;
    }
    // Azure opens with a prompt-filter chunk: no choices, no id, no model. Nothing has started yet.
    if (!this.#started && (chunk.choices?.length ?? 0) === 0 && !chunk.usage) return events;
    if (!this.#started) {
      this.#started = true;
      this.#firstChunk = message.data;
      events.push({
        type: 'message-start',
        id: chunk.id ?? newToolCallId('chatcmpl'),
        model: chunk.model ?? '',
        created: chunk.created ?? Math.floor(Date.now() / 1000),
      });
    }
    const choice = chunk.choices?.[0];
    if (choice) {
      const delta = choice.delta ?? {};
      const content = readOpenAiContent(delta.content);
      const reasoning = delta.reasoning_content || delta.reasoning || content.thinking;
      if (reasoning) events.push({ type: 'thinking-delta', text: reasoning });
      if (content.text) events.push({ type: 'text-delta', text: content.text });
      if (delta.refusal) events.push({ type: 'text-delta', text: delta.refusal });
      for (const call of delta.tool_calls ?? []) {
        const index = call.index ?? 0;
        if (!this.#openTools.includes(index)) {
          this.#openTools.push(index);
          events.push({
            type: 'tool-call-start',
            index,
            id: call.id ?? newToolCallId(),
            name: call.function?.name ?? '',
          });
        }
        if (call.function?.arguments) {
          events.push({ type: 'tool-call-delta', index, argumentsDelta: call.function.arguments });
        }
      }
      if (choice.finish_reason) {
        events.push(...this.#closeTools());
        this.#finished = true;
        events.push({ type: 'finish', reason: decodeOpenAiFinishReason(choice.finish_reason) });
      }
    }
    const usage = readOpenAiUsage(chunk.usage);
    if (usage) events.push({ type: 'usage', usage });
    return events;
  }

  end(): StreamEvent[] {
    if (this.#failed) return [];
    const events = this.#closeTools();
    if (this.#finished) return events;
    this.#finished = true;
    // `[DONE]` without a finish reason: the upstream says it is done, just not why.
    if (this.#done && this.#started)
      events.push({ type: 'finish', reason: { unified: 'other', raw: 'done' } });
    else events.push(streamEndedEarly(this.#started));
    return events;
  }

  #closeTools(): StreamEvent[] {
    const events = this.#openTools.map((index): StreamEvent => ({ type: 'tool-call-end', index }));
    this.#openTools = [];
    return events;
  }
}
