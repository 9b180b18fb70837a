import type { FinishReason } from '../../core/finish-reason.ts';
import type { GatewayError } from '../../core/gateway-error.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import type { Usage } from '../../core/usage.ts';
import { SseReader } from '../sse/sse-reader.ts';
import type { SseMessage, StreamDecoder } from '../wire-protocol.ts';

/** What a stream amounts to, for assertions in the tests of this folder. */
export interface CollectedStream {
  text: string;
  thinking: string;
  signatures: string[];
  redacted: string[];
  toolCalls: { index: number; id: string; name: string; arguments: string; ended: boolean }[];
  usage: Usage | undefined;
  usageCount: number;
  finish: FinishReason | undefined;
  errors: GatewayError[];
}

export function collectStreamEvents(events: StreamEvent[]): CollectedStream {
  const out: CollectedStream = {
    text: '',
    thinking: '',
    signatures: [],
    redacted: [],
    toolCalls: [],
    usage: undefined,
    usageCount: 0,
    finish: undefined,
    errors: [],
  };
  for (const event of events) {
    switch (event.type) {
      case 'message-start':
        break;
      case 'text-delta':
        out.text += event.text;
        break;
      case 'thinking-delta':
        out.thinking += event.text;
        if (event.signature !== undefined) out.signatures.push(event.signature);
        if (event.redactedData !== undefined) out.redacted.push(event.redactedData);
        break;
      case 'tool-call-start':
        out.toolCalls.push({
          index: event.index,
          id: event.id,
          name: event.name,
          arguments: '',
          ended: false,
        });
        break;
      case 'tool-call-delta': {
        const call = out.toolCalls.find((candidate) => candidate.index === event.index);
        if (call === undefined) throw new Error(`delta for tool ${event.index} before its start`);
        call.arguments += event.argumentsDelta;
        break;
      }
      case 'tool-call-end': {
        const call = out.toolCalls.find((candidate) => candidate.index === event.index);
        if (call === undefined) throw new Error(`end for tool ${event.index} before its start`);
        call.ended = true;
        break;
      }
      case 'usage':
        out.usage = event.usage;
        out.usageCount += 1;
        break;
      case 'finish':
        out.finish = event.reason;
        break;
      case 'error':
        out.errors.push(event.error);
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return out;
}

/** Feeds messages to a decoder and returns every event, `end()` included. */
export function decodeAll(decoder: StreamDecoder, messages: SseMessage[]): StreamEvent[] {
  return [...messages.flatMap((message) => decoder.push(message)), ...decoder.end()];
}

/** SSE text → messages, read in pieces of `size` bytes as TCP would split it. */
export function readSse(text: string, size = 7): SseMessage[] {
  const reader = new SseReader();
  const bytes = Buffer.from(text);
  const messages: SseMessage[] = [];
  for (let at = 0; at < bytes.length; at += size)
    messages.push(...reader.push(bytes.subarray(at, at + size)));
  messages.push(...reader.end());
  return messages;
}
