import type { RelayReply } from '../http/relay-exchange.ts';
import { OpenAiStreamTap } from '../protocols/openai-chat/openai-stream-tap.ts';
import { findOpenAiUsage } from '../protocols/openai-chat/find-openai-usage.ts';
import { readOpenAiUsage } from '../protocols/openai-chat/read-openai-usage.ts';
import { surelyPreamble, surelyStartsContent } from '../protocols/openai-chat/surely-starts-content.ts';
import { SseReader } from '../protocols/sse/sse-reader.ts';
import type { WireProtocol } from '../protocols/wire-protocol.ts';
import type { renderError } from '../http/render-error.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import type { RelayRecord } from './relay-record.ts';
import type { StreamHandlers } from './relay-stream.ts';
import type { UpstreamAnswer } from './send-with-failover.ts';
import { StreamGate } from './stream-gate.ts';
import { writeWholeAnswer } from './write-whole-answer.ts';

const DATA_PREFIX = Buffer.from('data: ');

/**
 * The message of a complete SSE frame that is one `data: …` line (what OpenAI sends): read
 * directly. Anything else (comments, `event:` lines, several data lines) goes through the reader.
 */
function simpleFrameData(frame: Buffer): string | undefined {
  for (let index = 0; index < DATA_PREFIX.length; index++) {
    if (frame[index] !== DATA_PREFIX[index]) return undefined;
  }
  const lineEnd = frame.indexOf(0x0a);
  const blank = frame[lineEnd + 1] === 0x0a;
  // `data: …\n\n`, the newline being the frame's first: nothing else is in it.
  return blank && lineEnd + 2 === frame.length
    ? frame.toString('utf8', DATA_PREFIX.length, lineEnd)
    : undefined;
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
  reply: RelayReply,
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
    const see = (messages: ReturnType<SseReader['push']>) => {
      for (const message of messages) {
        for (const event of decoder.push(message)) gate.see(event);
      }
    };
    // Decoding stops at the first content, fed a frame at a time by the tap so that a stream
    // arriving in one read is not parsed whole: past the first content the fast path parses only
    // usage frames. A frame that surely starts the content opens the
    // gate without being parsed, and OpenAI's opening role chunk is passed over unparsed.
    const watch = (frame: Buffer): boolean => {
      const data = simpleFrameData(frame);
      if (data === undefined) see(reader.push(frame));
      else if (surelyStartsContent(data)) gate.seeContent();
      else if (!surelyPreamble(data)) for (const event of decoder.push({ data })) gate.see(event);
      return !gate.open && !gate.error;
    };
    const tap = new OpenAiStreamTap(!call.includeUsage, watch);
    let framesCounted = 0;
    return {
      gate,
      chunk: (bytes) => {
        const out = tap.push(bytes);
        record.usage = tap.usage;
        // Until usage comes (it comes last), content frames are the estimate of what was generated.
        if (!record.usage) record.output.addFrames(tap.frames - framesCounted);
        framesCounted = tap.frames;
        return out;
      },
      end: () => {
        const rest = tap.end();
        if (!gate.open && !gate.error) {
          see(reader.end());
          for (const event of decoder.end()) gate.see(event);
        }
        record.usage = tap.usage;
        if (!record.usage) record.output.addFrames(tap.frames - framesCounted);
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
