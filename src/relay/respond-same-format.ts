import type { RelayReply } from '../http/relay-exchange.ts';
import { OpenAiStreamTap } from '../protocols/openai-chat/openai-stream-tap.ts';
import { findOpenAiUsage } from '../protocols/openai-chat/find-openai-usage.ts';
import { readOpenAiUsage } from '../protocols/openai-chat/read-openai-usage.ts';
import { surelyPreamble, surelyStartsContent } from '../protocols/openai-chat/surely-starts-content.ts';
import { SseReader } from '../protocols/sse/sse-reader.ts';
import type { StreamDecoder, WireProtocol } from '../protocols/wire-protocol.ts';
import type { GatewayError } from '../core/gateway-error.ts';
import type { StreamEvent } from '../core/stream-event.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import type { RelayRecord } from './relay-record.ts';
import type { StreamHandlers } from './relay-stream.ts';
import type { UpstreamAnswer } from './send-with-failover.ts';
import { StreamGate } from './stream-gate.ts';
import { writeWholeAnswer } from './write-whole-answer.ts';

const DATA_PREFIX = Buffer.from('data: ');
const DONE_FRAME = 'data: [DONE]\n\n';
const MESSAGE_STOP_EVENT = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';

const firstError = (events: readonly StreamEvent[]): GatewayError | undefined => {
  for (const event of events) if (event.type === 'error') return event.error;
  return undefined;
};

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
  // What broke the stream after its first content: an error event the client got from the upstream,
  // or the stream's end before the answer's, for which the client gets its error event from us.
  // (A stream committed without content, past the held-bytes bound, keeps its failure in the gate.)
  let failure: GatewayError | undefined;
  /** The answer's finish has come (the meter's view; OpenAI's fast path asks its tap). */
  let finished = false;
  const errorEvent = (error: GatewayError): string =>
    call.protocol
      .createStreamEncoder({
        includeUsage: call.includeUsage,
        requestModel: call.model,
        requestId: record.requestId,
      })
      .push({ type: 'error', error });
  const fail: StreamHandlers['fail'] = (error) => (failure ? '' : errorEvent(error));
  /** The decoder's last events: an end before the answer's is a failure, told to the client. */
  const endedEarly = (events: readonly StreamEvent[]): string | undefined => {
    const early = firstError(events);
    if (failure || early === undefined) return undefined;
    failure = early;
    return errorEvent(early);
  };
  /**
   * The decoder's last events. Before any content, an early end fails the attempt (the gate keeps
   * it, and another channel may answer); a stream committed to the client without content (past
   * the held-bytes bound) gets the error event all the same.
   */
  const endWithGate = (events: readonly StreamEvent[]): string | undefined => {
    if (!gate.open) for (const event of events) gate.see(event);
    return endedEarly(events);
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
        record.usage = tap.usage;
        if (!record.usage) record.output.addFrames(tap.frames - framesCounted);
        let added: string | undefined;
        if (gate.open) {
          added = openAiStreamEnd(tap, decoder);
        } else if (!gate.error) {
          see(reader.end());
          added = endWithGate(decoder.end());
        }
        if (added === undefined) return rest;
        return rest === undefined ? added : [rest, Buffer.from(added)];
      },
      fail,
      failure: () => failure ?? gate.error,
      finished: () => tap.errorData() === undefined && (tap.done || finishIn(tap.lastData())),
    };
  }
  /** Whether these OpenAI frames carry a finish reason (decoded afresh: the stream's decoder keeps its state). */
  function finishIn(frames: readonly string[]): boolean {
    const fresh = call.protocol.createStreamDecoder();
    return frames.some((data) => fresh.push({ data }).some((event) => event.type === 'finish'));
  }
  /**
   * How an OpenAI stream whose content began ended, from the frames the fast path kept: an error
   * frame the client already has is the failure; without `[DONE]`, the last frames are decoded for
   * a finish reason, and a stream without one gets the client's error event (returned).
   */
  function openAiStreamEnd(tap: OpenAiStreamTap, decoder: StreamDecoder): string | undefined {
    const errorData = tap.errorData();
    if (errorData !== undefined) failure = firstError(decoder.push({ data: errorData }));
    if (failure || tap.done) return undefined;
    for (const data of tap.lastData()) failure ??= firstError(decoder.push({ data }));
    if (failure) return undefined;
    // Finished without `[DONE]` (lost with the connection, or never sent): the client gets it.
    return endedEarly(decoder.end()) ?? DONE_FRAME;
  }
  /** Anthropic's closing event came (the stream's other formats have none after the finish). */
  let closed = call.protocol.name !== 'anthropic-messages';
  const meter = (messages: ReturnType<SseReader['push']>) => {
    for (const message of messages) {
      if (message.event === 'message_stop') closed = true;
      for (const event of decoder.push(message)) {
        // An error before any content fails the attempt (the gate keeps it); after, the client has it.
        if (!gate.see(event)) continue;
        if (event.type === 'usage') record.usage = event.usage;
        else if (event.type === 'error') failure ??= event.error;
        else {
          if (event.type === 'finish') finished = true;
          record.output.addEvent(event);
        }
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
      const ended = endWithGate(decoder.end());
      // Finished without `message_stop` (lost with the connection): the SDKs want it to end the message.
      if (ended === undefined && finished && failure === undefined && !closed) return MESSAGE_STOP_EVENT;
      return ended;
    },
    fail,
    failure: () => failure ?? gate.error,
    finished: () => finished && failure === undefined,
  };
}
