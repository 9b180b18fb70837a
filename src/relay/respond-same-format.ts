import type { RelayReply } from '../http/relay-exchange.ts';
import { geminiSseFrame } from '../protocols/gemini/gemini-sse-frame.ts';
import { openAiWholeAsChunks } from '../protocols/openai-chat/openai-whole-as-chunks.ts';
import { frameData, OpenAiStreamTap } from '../protocols/openai-chat/openai-stream-tap.ts';
import { findOpenAiUsage } from '../protocols/openai-chat/find-openai-usage.ts';
import { readOpenAiUsage } from '../protocols/openai-chat/read-openai-usage.ts';
import { surelyPreamble, surelyStartsContent } from '../protocols/openai-chat/surely-starts-content.ts';
import { SseReader } from '../protocols/sse/sse-reader.ts';
import type { SseMessage, StreamDecoder, WireProtocol } from '../protocols/wire-protocol.ts';
import type { GatewayError } from '../core/gateway-error.ts';
import type { StreamEvent } from '../core/stream-event.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import type { RelayRecord } from './relay-record.ts';
import type { StreamHandlers, StreamOutput } from './relay-stream.ts';
import type { UpstreamAnswer } from './send-with-failover.ts';
import { StreamGate } from './stream-gate.ts';
import { writeWholeAnswer } from './write-whole-answer.ts';

const DATA_PREFIX = Buffer.from('data: ');
const DONE_FRAME = 'data: [DONE]\n\n';

/** Whether the client asked for one choice (OpenAI's `n`, Gemini's `candidateCount`), as most do. */
export function asksForOneChoice(call: ClientChatCall): boolean {
  const config = call.json.generationConfig;
  const count =
    call.protocol.name === 'gemini' && typeof config === 'object' && config !== null
      ? (config as { candidateCount?: unknown }).candidateCount
      : call.json.n;
  return !(typeof count === 'number' && count > 1);
}

/** Anthropic's closing event, named by its `event:` line or, without one, by its data's type. */
const isMessageStop = (message: SseMessage): boolean =>
  message.event === 'message_stop' ||
  (message.event === undefined && /^\s*\{\s*"type"\s*:\s*"message_stop"/.test(message.data));
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
 * Same format, asked for a stream of several choices and answered whole: the stream carries every
 * choice, built from the upstream's own JSON (the core types hold one). OpenAI: each choice's message
 * as a delta, then the finishes (see openAiWholeAsChunks); Gemini: the whole response as one chunk,
 * which is what a stream chunk is. Returns the body sent; undefined when the answer is no JSON object
 * (then the one-choice path sends what was decoded).
 */
export function sendWholeChoicesAsStream(
  reply: RelayReply,
  headers: Record<string, string>,
  call: ClientChatCall,
  bytes: Buffer,
): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const body =
    call.protocol.name === 'openai-chat'
      ? openAiWholeAsChunks(json as Record<string, unknown>, call.includeUsage)
      : geminiSseFrame(json);
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  writeWholeAnswer(reply, 200, headers, body);
  return body;
}

/**
 * Where the last complete SSE frame in `bytes` ends (after its blank line: `\n\n`, `\r\n\r\n` or
 * `\r\r`), 0 if none does.
 */
function lastFrameEnd(bytes: Buffer): number {
  const after = (separator: string) => {
    const at = bytes.lastIndexOf(separator);
    return at < 0 ? 0 : at + separator.length;
  };
  return Math.max(after('\n\n'), after('\n\r\n'), after('\r\r'));
}

/**
 * A last frame the upstream left without its blank line, closed; a frame cut short (its data not
 * JSON) is dropped, since its half would break the client's parser (before our event, if one
 * follows).
 */
function closedFrame(frame: Buffer): Buffer | undefined {
  const data = frameData(frame.toString('utf8'));
  if (data !== '[DONE]') {
    try {
      JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return Buffer.concat([frame, Buffer.from('\n\n')]);
}

/**
 * The stream's last output: the frame the upstream left without its blank line (if any), closed —
 * SDKs refuse a last frame without it (Google's: "Incomplete JSON segment") — or dropped if cut
 * short, then an event of ours if there is one.
 */
function withEvent(rest: Buffer | undefined, event: string | undefined): StreamOutput {
  const closed = rest === undefined ? undefined : closedFrame(rest);
  if (event === undefined) return closed;
  return closed === undefined ? event : [closed, Buffer.from(event)];
}

/**
 * What a same-format stream's handlers share: the failure that broke it after its first content
 * (an error event the client got from the upstream, or an end before the answer's, for which the
 * client gets its error event from us), kept in the gate when the stream was committed without
 * content (past the held-bytes bound).
 */
class StreamBreaks {
  failure: GatewayError | undefined;

  constructor(
    private readonly call: ClientChatCall,
    private readonly requestId: string,
    readonly gate: StreamGate,
  ) {}

  /** The failure the client knows of, if any. */
  known(): GatewayError | undefined {
    return this.failure ?? this.gate.error;
  }

  /** The client's error event for `error`, in its format. */
  errorEvent(error: GatewayError): string {
    const { call } = this;
    return call.protocol
      .createStreamEncoder({
        includeUsage: call.includeUsage,
        requestModel: call.model,
        requestId: this.requestId,
      })
      .push({ type: 'error', error });
  }

  /** A failure after the first byte: the client's error event, unless it already had one. */
  readonly fail = (error: GatewayError): string => (this.known() ? '' : this.errorEvent(error));

  /**
   * The decoder's last events. Before any content, an early end fails the attempt (the gate keeps
   * it, and another channel may answer); after it, or for a stream committed without content, it is
   * the failure, and the client's error event is returned.
   */
  end(events: readonly StreamEvent[]): string | undefined {
    if (!this.gate.open) for (const event of events) this.gate.see(event);
    const early = firstError(events);
    if (this.failure || early === undefined) return undefined;
    this.failure = early;
    return this.errorEvent(early);
  }
}

/**
 * Same format, streamed: the upstream's bytes go through unchanged. OpenAI streams pass a tap that
 * parses only usage frames (and withholds the usage chunk a client did not ask for), plus a decoder
 * that reads the first frames only, until the first content; the other formats are read alongside
 * by their decoder for usage.
 */
export function sameFormatStreamHandlers(call: ClientChatCall, record: RelayRecord): StreamHandlers {
  const gate = new StreamGate();
  const stream: SameFormatStream = {
    call,
    record,
    gate,
    breaks: new StreamBreaks(call, record.requestId, gate),
    reader: new SseReader(),
    decoder: call.protocol.createStreamDecoder(),
  };
  return call.protocol.name === 'openai-chat' ? openAiStreamHandlers(stream) : meteredStreamHandlers(stream);
}

/** What either kind of same-format stream is read with. */
interface SameFormatStream {
  call: ClientChatCall;
  record: RelayRecord;
  gate: StreamGate;
  breaks: StreamBreaks;
  reader: SseReader;
  decoder: StreamDecoder;
}

/** An OpenAI stream through the fast path's tap. */
function openAiStreamHandlers(stream: SameFormatStream): StreamHandlers {
  const { call, record, gate, breaks, reader, decoder } = stream;
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
  const oneChoice = asksForOneChoice(call);
  /** An error frame the client got from the upstream after the first content is the failure. */
  const known = (): GatewayError | undefined => {
    const errorData = breaks.failure === undefined ? tap.errorData() : undefined;
    if (errorData !== undefined)
      breaks.failure = firstError(call.protocol.createStreamDecoder().push({ data: errorData }));
    return breaks.known();
  };
  /** Whether these frames carry a finish reason (decoded afresh: the stream's decoder keeps its state). */
  const finishIn = (frames: readonly string[]): boolean => {
    const fresh = call.protocol.createStreamDecoder();
    return frames.some((data) => fresh.push({ data }).some((event) => event.type === 'finish'));
  };
  /**
   * How a stream whose content began ended: without `[DONE]`, the last frames are decoded for a
   * finish reason; a stream without one gets the client's error event, one with it the `[DONE]` it
   * lost (or never had).
   */
  const endAfterContent = (): string | undefined => {
    if (known() || tap.done) return undefined;
    for (const data of tap.lastData()) breaks.failure ??= firstError(decoder.push({ data }));
    if (breaks.failure) return undefined;
    return breaks.end(decoder.end()) ?? DONE_FRAME;
  };
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
    end: (lost) => {
      const tail = tap.end();
      const rest = lost ? undefined : tail;
      record.usage = tap.usage;
      if (!record.usage) record.output.addFrames(tap.frames - framesCounted);
      if (gate.open) return withEvent(rest, endAfterContent());
      if (gate.error) return rest;
      see(reader.end());
      return withEvent(rest, breaks.end(decoder.end()));
    },
    fail: (error) => (known() ? '' : breaks.errorEvent(error)),
    failure: known,
    // With several choices, one's finish reason is not the answer's: only `[DONE]` says it.
    finished: () => known() === undefined && (tap.done || (oneChoice && finishIn(tap.lastData()))),
  };
}

/**
 * Anthropic and Gemini streams: the bytes pass frame by frame (a frame cut short is held back, so an
 * error event of ours never lands inside one), read alongside by their decoder for usage.
 */
function meteredStreamHandlers(stream: SameFormatStream): StreamHandlers {
  const { call, record, gate, breaks, reader, decoder } = stream;
  let finished = false;
  /** Anthropic's closing event came (the other formats have none after the finish). */
  let closed = call.protocol.name !== 'anthropic-messages';
  let pending: Buffer | undefined;
  const meter = (messages: ReturnType<SseReader['push']>) => {
    for (const message of messages) {
      if (!closed && isMessageStop(message)) closed = true;
      for (const event of decoder.push(message)) {
        // An error before any content fails the attempt (the gate keeps it); after, the client has it.
        if (!gate.see(event)) continue;
        if (event.type === 'usage') record.usage = event.usage;
        else if (event.type === 'error') breaks.failure ??= event.error;
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
      const all = pending === undefined ? bytes : Buffer.concat([pending, bytes]);
      const end = lastFrameEnd(all);
      pending = end < all.length ? all.subarray(end) : undefined;
      if (end === 0) return undefined;
      return end === all.length ? all : all.subarray(0, end);
    },
    end: (lost) => {
      const before = breaks.failure;
      if (!lost) meter(reader.end());
      const rest = lost ? undefined : pending;
      pending = undefined;
      // Found in the last frame, held back unterminated (cut short): the client has yet to hear of it.
      if (breaks.failure !== before && breaks.failure !== undefined) {
        return withEvent(rest, breaks.errorEvent(breaks.failure));
      }
      const added = breaks.end(decoder.end());
      // Finished without `message_stop` (lost with the connection): the SDKs want it to end the message.
      if (added === undefined && finished && breaks.failure === undefined && !closed) {
        return withEvent(rest, MESSAGE_STOP_EVENT);
      }
      return withEvent(rest, added);
    },
    fail: breaks.fail,
    failure: () => breaks.known(),
    // With several candidates, the first's finish reason is not the answer's.
    finished: () => finished && breaks.known() === undefined && asksForOneChoice(call),
  };
}
