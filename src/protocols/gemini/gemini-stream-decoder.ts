import { streamEndedEarly } from '../stream-ended-early.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { newToolCallId } from '../../core/tool-call-id.ts';
import { isRecord } from '../request-checks.ts';
import type { SseMessage, StreamDecoder } from '../wire-protocol.ts';
import { GeminiPartialArgs } from './gemini-partial-args.ts';
import { decodeGeminiFinishReason } from './map-gemini-finish-reason.ts';
import {
  readGeminiBlockReason,
  readGeminiCandidate,
  readGeminiCreated,
  type GeminiResponsePart,
} from './read-gemini-candidate.ts';
import { readGeminiError } from './read-gemini-error.ts';
import { readGeminiUsage } from './read-gemini-usage.ts';

/** A call whose arguments are still arriving as `partialArgs`. */
interface OpenCall {
  index: number;
  args: GeminiPartialArgs;
}

/**
 * `streamGenerateContent?alt=sse` chunks → core events. Each chunk is a whole GenerateContentResponse
 * carrying the usage so far (the last one counts). Gemini sends whole function calls, each becoming
 * tool-call-start, one delta with all the arguments, and tool-call-end; calls streamed piecewise
 * (Vertex's `partialArgs`) are gathered and closed by a piece without `willContinue`, the next call,
 * the finish reason or the end of the stream.
 */
export class GeminiStreamDecoder implements StreamDecoder {
  #started = false;
  #finished = false;
  #failed = false;
  #nextIndex = 0;
  #calledTools = false;
  #open: OpenCall | undefined;

  push(message: SseMessage): StreamEvent[] {
    if (this.#failed || message.data.trim() === '') return [];
    let chunk: unknown;
    try {
      chunk = JSON.parse(message.data);
    } catch {
      return [
        this.#fail(
          new GatewayError(502, 'upstream_error', 'The upstream sent a stream chunk that is not JSON'),
        ),
      ];
    }
    if (!isRecord(chunk)) return [];
    if (isRecord(chunk.error)) return [this.#fail(readGeminiError(chunk))];
    if (this.#finished) {
      // Past the finish only a late usage count still matters.
      const late = readGeminiUsage(chunk.usageMetadata);
      return late ? [{ type: 'usage', usage: late }] : [];
    }
    const events: StreamEvent[] = [];
    if (!this.#started) {
      this.#started = true;
      events.push({
        type: 'message-start',
        id:
          typeof chunk.responseId === 'string' && chunk.responseId !== ''
            ? chunk.responseId
            : newToolCallId('resp'),
        model: typeof chunk.modelVersion === 'string' ? chunk.modelVersion : '',
        created: readGeminiCreated(chunk),
      });
    }
    // Usage first: every chunk carries the running count, and a client format that reports input
    // tokens at the start of its stream (Anthropic's message_start) needs it before the first text.
    const usage = readGeminiUsage(chunk.usageMetadata);
    if (usage) events.push({ type: 'usage', usage });
    const candidate = readGeminiCandidate(chunk);
    for (const part of candidate.parts) events.push(...this.#part(part));
    const blockReason = readGeminiBlockReason(chunk);
    if (candidate.finishReason !== undefined) {
      events.push(...this.#closeOpen());
      events.push({
        type: 'finish',
        reason: decodeGeminiFinishReason(candidate.finishReason, this.#calledTools),
      });
      this.#finished = true;
    } else if (blockReason !== undefined) {
      // The prompt itself was refused: no candidate will follow.
      events.push({ type: 'finish', reason: { unified: 'content-filter', raw: blockReason } });
      this.#finished = true;
    }
    return events;
  }

  end(): StreamEvent[] {
    if (this.#finished) return [];
    this.#finished = true;
    const events = this.#closeOpen();
    events.push(streamEndedEarly(this.#started));
    return events;
  }

  #fail(error: GatewayError): StreamEvent {
    this.#failed = true;
    this.#finished = true;
    this.#open = undefined;
    return { type: 'error', error };
  }

  #part(part: GeminiResponsePart): StreamEvent[] {
    switch (part.kind) {
      case 'text': {
        const events: StreamEvent[] = [];
        const signature =
          part.signature !== undefined
            ? { signature: part.signature, signatureSource: 'gemini' as const }
            : {};
        if (part.thought) {
          if (part.text !== '' || part.signature)
            events.push({ type: 'thinking-delta', text: part.text, ...signature });
          return events;
        }
        if (part.text !== '') events.push({ type: 'text-delta', text: part.text });
        // A signature on answer text travels as an empty thinking delta (see decode-gemini-contents).
        if (part.signature !== undefined) events.push({ type: 'thinking-delta', text: '', ...signature });
        return events;
      }
      case 'function-call':
        return this.#functionCall(part);
      case 'other':
        return [];
      default: {
        const unreachable: never = part;
        throw new Error(`unknown part ${String(unreachable)}`);
      }
    }
  }

  #functionCall(part: Extract<GeminiResponsePart, { kind: 'function-call' }>): StreamEvent[] {
    if (part.name === undefined) {
      // A continuation piece: more arguments, or (without willContinue) the call's end.
      if (!this.#open) return [];
      if (part.partialArgs) this.#open.args.add(part.partialArgs);
      return part.willContinue ? [] : this.#closeOpen();
    }
    const events = this.#closeOpen();
    const index = this.#nextIndex++;
    this.#calledTools = true;
    events.push({
      type: 'tool-call-start',
      index,
      id: part.id ?? newToolCallId(),
      name: part.name,
      ...(part.signature !== undefined ? { signature: part.signature } : {}),
    });
    const args = new GeminiPartialArgs(part.args);
    if (part.partialArgs) args.add(part.partialArgs);
    if (part.willContinue) {
      this.#open = { index, args };
      return events;
    }
    events.push({ type: 'tool-call-delta', index, argumentsDelta: args.toJson() });
    events.push({ type: 'tool-call-end', index });
    return events;
  }

  #closeOpen(): StreamEvent[] {
    const open = this.#open;
    if (!open) return [];
    this.#open = undefined;
    return [
      { type: 'tool-call-delta', index: open.index, argumentsDelta: open.args.toJson() },
      { type: 'tool-call-end', index: open.index },
    ];
  }
}
