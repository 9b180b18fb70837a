import type { FastifyReply } from 'fastify';
import { OpenAiStreamTap } from '../protocols/openai-chat/openai-stream-tap.ts';
import { findOpenAiUsage } from '../protocols/openai-chat/find-openai-usage.ts';
import { readOpenAiUsage } from '../protocols/openai-chat/read-openai-usage.ts';
import { SseReader } from '../protocols/sse/sse-reader.ts';
import type { WireProtocol } from '../protocols/wire-protocol.ts';
import type { renderError } from '../http/render-error.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import type { RelayRecord } from './relay-record.ts';
import type { StreamHandlers } from './relay-stream.ts';
import type { UpstreamAnswer } from './send-with-failover.ts';
import { StreamGate } from './stream-gate.ts';
import { writeWholeAnswer } from './write-whole-answer.ts';

/** Data frames in relayed bytes (`[DONE]` and comments do not count). */
function countFrames(bytes: Buffer): number {
  let frames = 0;
  for (let at = bytes.indexOf('data: {'); at >= 0; at = bytes.indexOf('data: {', at + 7)) frames++;
  return frames;
}

/** Index just past the SSE frame that starts at `from` (its blank line), or the end of `bytes`. */
function frameEnd(bytes: Buffer, from: number): number {
  const lf = bytes.indexOf('\n\n', from);
  const end = lf < 0 ? bytes.length : lf + 2;
  // A CRLF frame (`\r\n\r\n`) ends before the first `\n\n`, if at all: look only that far.
  const crlf = bytes.subarray(from, end).indexOf('\n\r\n');
  return crlf < 0 ? end : from + crlf + 3;
}

/** Usage from a whole same-format response; a body we cannot read meters as nothing, not a failure. */
export function meterWhole(protocol: WireProtocol, bytes: Buffer, record: RelayRecord): void {
  if (protocol.name === 'openai-chat') {
    // The common case: usage found and parsed alone, the body never parsed whole.
    record.usage = findOpenAiUsage(bytes);
    if (record.usage) return;
  }
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    if (protocol.name === 'openai-chat') {
      record.usage = readOpenAiUsage((json as { usage?: unknown }).usage);
      if (record.usage) return;
    }
    const response = protocol.decodeResponse(json);
    record.usage = response.usage;
    if (!response.usage) record.output.addResponse(response);
  } catch {
    record.usage = undefined;
  }
}

/**
 * Same format, not streamed: the upstream's bytes go to the client as received (and are returned).
 * `meterWhole` has read their usage first, so the headers can carry the charge.
 */
export function sendSameFormatWhole(
  reply: FastifyReply,
  headers: Record<string, string>,
  answer: UpstreamAnswer,
  bytes: Buffer,
): Buffer {
  const contentType = answer.call.headers['content-type'];
  headers['content-type'] = typeof contentType === 'string' ? contentType : 'application/json';
  writeWholeAnswer(reply, answer.call.status, headers, bytes);
  return bytes;
}

/**
 * Same format, streamed: the upstream's bytes go through unchanged. OpenAI streams pass a tap that
 * parses only usage frames (and withholds the usage chunk a client did not ask for), plus a decoder
 * that reads the first frames only, until the first content; the other formats are read alongside
 * by their decoder for usage.
 */
export function sameFormatStreamHandlers(call: ClientChatCall, record: RelayRecord): StreamHandlers {
  const gate = new StreamGate();
  const fail: StreamHandlers['fail'] = (error: Parameters<typeof renderError>[1]) => {
    const encoder = call.protocol.createStreamEncoder({
      includeUsage: call.includeUsage,
      requestModel: call.model,
      requestId: record.requestId,
    });
    return encoder.push({ type: 'error', error });
  };
  const reader = new SseReader();
  const decoder = call.protocol.createStreamDecoder();
  if (call.protocol.name === 'openai-chat') {
    const tap = new OpenAiStreamTap(!call.includeUsage);
    const see = (messages: ReturnType<SseReader['push']>) => {
      for (const message of messages) {
        for (const event of decoder.push(message)) gate.see(event);
      }
    };
    // Decoding stops at the first content, fed a frame at a time so that a stream arriving in one
    // read is not parsed whole: past the first content the fast path parses only usage frames.
    const watch = (bytes: Buffer) => {
      for (let from = 0; from < bytes.length && !gate.open && !gate.error;) {
        const to = frameEnd(bytes, from);
        see(reader.push(bytes.subarray(from, to)));
        from = to;
      }
    };
    return {
      gate,
      chunk: (bytes) => {
        if (!gate.open && !gate.error) watch(bytes);
        const out = tap.push(bytes);
        record.usage = tap.usage;
        if (out && !record.usage) record.output.addFrames(countFrames(out));
        return out;
      },
      end: () => {
        if (!gate.open && !gate.error) {
          see(reader.end());
          for (const event of decoder.end()) gate.see(event);
        }
        const rest = tap.end();
        record.usage = tap.usage;
        return rest;
      },
      fail,
    };
  }
  const meter = (messages: ReturnType<SseReader['push']>) => {
    for (const message of messages) {
      for (const event of decoder.push(message)) {
        gate.see(event);
        if (event.type === 'usage') record.usage = event.usage;
        else record.output.addEvent(event);
      }
    }
  };
  return {
    gate,
    chunk: (bytes) => {
      meter(reader.push(bytes));
      return bytes;
    },
    end: () => {
      meter(reader.end());
      return undefined;
    },
    fail,
  };
}
