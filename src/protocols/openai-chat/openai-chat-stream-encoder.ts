import type { StreamEvent } from '../../core/stream-event.ts';
import { embedSignature } from '../../core/tool-call-id.ts';
import type { Usage } from '../../core/usage.ts';
import { renderError } from '../../http/render-error.ts';
import { sseFrame } from '../sse/sse-frame.ts';
import type { StreamEncoder, StreamEncoderOptions } from '../wire-protocol.ts';
import { encodeOpenAiUsage } from './encode-openai-usage.ts';
import { encodeOpenAiFinishReason } from './map-openai-finish-reason.ts';
import type { OpenAiChunkDelta } from './openai-chat-wire-types.ts';

/** Core events → the SSE an OpenAI client expects, ending with `data: [DONE]`. */
export class OpenAiChatStreamEncoder implements StreamEncoder {
  #id: string;
  #created = Math.floor(Date.now() / 1000);
  #started = false;
  #usage: Usage | undefined;
  #failed = false;
  /**
   * Every chunk's JSON up to its delta: the same for the whole stream (until message-start names
   * it), so it is serialized once rather than per chunk.
   */
  #head = '';

  constructor(private readonly options: StreamEncoderOptions) {
    this.#id = `chatcmpl-${options.requestId}`;
  }

  push(event: StreamEvent): string {
    if (this.#failed) return '';
    switch (event.type) {
      case 'message-start':
        this.#id = event.id.startsWith('chatcmpl') ? event.id : this.#id;
        this.#created = event.created;
        this.#head = '';
        return this.#start();
      case 'text-delta':
        return this.#start() + this.#frame(`{"content":${JSON.stringify(event.text)}}`, null);
      case 'thinking-delta':
        return event.text ? this.#start() + this.#chunk({ reasoning_content: event.text }) : '';
      case 'tool-call-start':
        return (
          this.#start() +
          this.#chunk({
            tool_calls: [
              {
                index: event.index,
                id: embedSignature(event.id, event.signature),
                type: 'function',
                function: { name: event.name, arguments: '' },
              },
            ],
          })
        );
      case 'tool-call-delta':
        return this.#chunk({
          tool_calls: [{ index: event.index, function: { arguments: event.argumentsDelta } }],
        });
      case 'tool-call-end':
        return '';
      case 'usage':
        this.#usage = event.usage;
        return '';
      case 'finish':
        return this.#start() + this.#chunk({}, encodeOpenAiFinishReason(event.reason.unified));
      case 'error':
        // Like OpenAI's own: the error is the stream's last frame, without the usage chunk or `[DONE]`.
        this.#failed = true;
        return sseFrame(JSON.stringify(renderError('openai', event.error, this.options.requestId)));
      default: {
        const unreachable: never = event;
        throw new Error(`unknown event ${String(unreachable)}`);
      }
    }
  }

  end(): string {
    if (this.#failed) return '';
    let out = '';
    if (this.options.includeUsage && this.#usage) {
      out += sseFrame(
        JSON.stringify({
          id: this.#id,
          object: 'chat.completion.chunk',
          created: this.#created,
          model: this.options.requestModel,
          choices: [],
          usage: encodeOpenAiUsage(this.#usage),
        }),
      );
    }
    return `${out}data: [DONE]\n\n`;
  }

  /** The first chunk carries the role, as OpenAI sends it. */
  #start(): string {
    if (this.#started) return '';
    this.#started = true;
    return this.#chunk({ role: 'assistant', content: '' });
  }

  #chunk(delta: OpenAiChunkDelta, finishReason: string | null = null): string {
    return this.#frame(JSON.stringify(delta), finishReason);
  }

  /**
   * A chunk with `delta` already serialized: byte for byte what `JSON.stringify` makes of
   * `{ id, object, created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason }] }`.
   */
  #frame(deltaJson: string, finishReason: string | null): string {
    if (this.#head === '') {
      this.#head =
        `{"id":${JSON.stringify(this.#id)},"object":"chat.completion.chunk",` +
        `"created":${JSON.stringify(this.#created)},"model":${JSON.stringify(this.options.requestModel)},` +
        `"choices":[{"index":0,"delta":`;
    }
    return `data: ${this.#head}${deltaJson},"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}]}\n\n`;
  }
}
