import type { FinishReason } from '../../core/finish-reason.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { isOwnSignature, markSignature } from '../../core/thinking-signature.ts';
import type { Usage } from '../../core/usage.ts';
import { renderError } from '../../http/render-error.ts';
import type { StreamEncoder, StreamEncoderOptions } from '../wire-protocol.ts';
import { callSignature, parseGeminiArgs } from './encode-gemini-model-parts.ts';
import { encodeGeminiUsage } from './encode-gemini-usage.ts';
import { geminiCandidate, geminiClientFinishReason } from './encode-gemini-response.ts';
import { geminiSseFrame } from './gemini-sse-frame.ts';
import type { GeminiCandidate, GeminiPart, GeminiResponse } from './gemini-wire-types.ts';

interface BufferedCall {
  id: string;
  name: string;
  signature?: string;
  arguments: string;
}

/**
 * Core events → the SSE a Google SDK client reads from `streamGenerateContent?alt=sse`: one
 * GenerateContentResponse per frame, CRLF line ends. Text and thoughts go out as they come, one
 * chunk per delta. Gemini never streams a function call in pieces, so a call is held from its start
 * to its end and sent whole. The finish reason waits for the end of the stream, so the last chunk
 * carries it with the final usage (some upstreams report usage after their finish).
 *
 * Thoughts go out only if the client asked for them (`options.includeThoughts`); otherwise a
 * thinking signature still does, on an empty plain part, as Gemini itself sends it then, unless it
 * is another provider's whose thought text was left out (it is worthless without it). Another
 * provider's signature goes out marked with its source (see thinking-signature.ts).
 */
export class GeminiStreamEncoder implements StreamEncoder {
  #responseId: string;
  #usage: Usage | undefined;
  #finish: FinishReason | undefined;
  #calls = new Map<number, BufferedCall>();
  #droppedMalformedCall = false;
  #failed = false;
  /** Thought text was left out since the last signature (for a client that asked for no thoughts). */
  #hidThoughtText = false;

  constructor(private readonly options: StreamEncoderOptions) {
    this.#responseId = options.requestId;
  }

  push(event: StreamEvent): string {
    if (this.#failed) return '';
    switch (event.type) {
      case 'message-start':
        this.#responseId = event.id;
        return '';
      case 'text-delta':
        return event.text === '' ? '' : this.#chunk([{ text: event.text }]);
      case 'thinking-delta':
        return this.#thinking(event);
      case 'tool-call-start':
        this.#calls.set(event.index, {
          id: event.id,
          name: event.name,
          arguments: '',
          ...(event.signature !== undefined ? { signature: event.signature } : {}),
        });
        return '';
      case 'tool-call-delta': {
        const call = this.#calls.get(event.index);
        if (call) call.arguments += event.argumentsDelta;
        return '';
      }
      case 'tool-call-end':
        return this.#sendCall(event.index);
      case 'usage':
        this.#usage = event.usage;
        return '';
      case 'finish':
        this.#finish = event.reason;
        return '';
      case 'error':
        this.#failed = true;
        return geminiSseFrame(renderError('gemini', event.error, this.options.requestId));
      default: {
        const unreachable: never = event;
        throw new Error(`unknown event ${String(unreachable)}`);
      }
    }
  }

  end(): string {
    if (this.#failed) return '';
    let out = [...this.#calls.keys()].map((index) => this.#sendCall(index)).join('');
    // Gemini's last chunk carries an empty text part, never empty `parts`: the Google SDK drops a
    // turn whose chunk has no parts from its chat history (fixtures: google-tool-call.chunks.txt).
    // A filtered finish (SAFETY, …) has no content at all, as Gemini sends it.
    if (this.#finish) {
      const reason = geminiClientFinishReason(this.#finish, this.#droppedMalformedCall);
      const closing = reason === 'STOP' || reason === 'MAX_TOKENS' ? [{ text: '' }] : [];
      out += this.#frame(geminiCandidate(closing, reason));
    } else if (this.#usage) {
      out += this.#frame(geminiCandidate([{ text: '' }]));
    }
    return out;
  }

  #thinking(event: Extract<StreamEvent, { type: 'thinking-delta' }>): string {
    const signature =
      event.signature === undefined
        ? undefined
        : markSignature(event.signature, event.signatureSource, 'gemini');
    if (this.options.includeThoughts === false) {
      if (event.text !== '') this.#hidThoughtText = true;
      if (signature === undefined) return '';
      const worthless = this.#hidThoughtText && !isOwnSignature(event.signatureSource, 'gemini');
      this.#hidThoughtText = false;
      return worthless ? '' : this.#chunk([{ text: '', thoughtSignature: signature }]);
    }
    if (event.text === '' && signature === undefined) return '';
    return this.#chunk([
      {
        text: event.text,
        thought: true,
        ...(signature !== undefined ? { thoughtSignature: signature } : {}),
      },
    ]);
  }

  #sendCall(index: number): string {
    const call = this.#calls.get(index);
    if (!call) return '';
    this.#calls.delete(index);
    const args = parseGeminiArgs(call.arguments);
    if (args === undefined) {
      this.#droppedMalformedCall = true;
      return '';
    }
    const signature = callSignature({ type: 'tool-call', ...call });
    return this.#chunk([
      {
        functionCall: { id: call.id, name: call.name, args },
        ...(signature !== undefined ? { thoughtSignature: signature } : {}),
      },
    ]);
  }

  #chunk(parts: GeminiPart[]): string {
    return this.#frame(geminiCandidate(parts));
  }

  #frame(candidate: GeminiCandidate): string {
    const response: GeminiResponse = {
      candidates: [candidate],
      ...(this.#usage ? { usageMetadata: encodeGeminiUsage(this.#usage) } : {}),
      modelVersion: this.options.requestModel,
      responseId: this.#responseId,
    };
    return geminiSseFrame(response);
  }
}
