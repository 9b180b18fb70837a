import type { ChatResponse } from '../core/chat-response.ts';
import type { RelayReply } from '../http/relay-exchange.ts';
import { writeWholeAnswer } from './write-whole-answer.ts';
import { GatewayError } from '../core/gateway-error.ts';
import { SseReader } from '../protocols/sse/sse-reader.ts';
import { includeThoughts } from '../protocols/include-thoughts.ts';
import type { ToolNameMap } from '../protocols/tool-name-map.ts';
import type { StreamEncoderOptions, WireProtocol } from '../protocols/wire-protocol.ts';
import type { ChatRequest } from '../core/chat-request.ts';
import type { StreamEvent } from '../core/stream-event.ts';
import { responseStreamEvents } from '../core/response-stream-events.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import type { RelayRecord } from './relay-record.ts';
import type { StreamHandlers } from './relay-stream.ts';
import { StreamGate } from './stream-gate.ts';

/** `thoughts`: whether a Gemini client sees thought parts (see includeThoughts). */
const encoderOptions = (
  call: ClientChatCall,
  record: RelayRecord,
  thoughts: boolean,
): StreamEncoderOptions => ({
  includeUsage: call.includeUsage,
  requestModel: call.model,
  requestId: record.requestId,
  includeThoughts: thoughts,
});

/**
 * A whole answer in `upstreamProtocol` decoded, its usage read: another format's, or the client's own
 * when it asked for a stream and the upstream answered whole.
 */
export function decodeWholeAnswer(
  upstreamProtocol: WireProtocol,
  record: RelayRecord,
  bytes: Buffer,
): ChatResponse {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new GatewayError(502, 'upstream_error', 'The upstream answered with a body that is not JSON');
  }
  let response: ChatResponse;
  try {
    response = upstreamProtocol.decodeResponse(json);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new GatewayError(502, 'upstream_error', "The upstream's answer is nested too deeply", {
      cause: error,
    });
  }
  record.usage = response.usage;
  if (!response.usage) record.output.addResponse(response);
  return response;
}

/** Sends a decoded answer in the client's format (and returns the body sent). */
export function sendTranslatedWhole(
  reply: RelayReply,
  headers: Record<string, string>,
  call: ClientChatCall,
  request: ChatRequest,
  response: ChatResponse,
  record: RelayRecord,
): string {
  const body = JSON.stringify(
    call.protocol.encodeResponse(response, encoderOptions(call, record, includeThoughts(request))),
  );
  headers['content-type'] = 'application/json';
  writeWholeAnswer(reply, 200, headers, body);
  return body;
}

/**
 * A whole answer to a client that asked for a stream (an upstream that does not stream, or ignored
 * the request to): sent as the stream that would have carried it, in the client's format, at once.
 * `request`: the client's request decoded, when the answer was translated; a same-format answer's
 * thoughts are shown as the upstream gave them. Returns the body sent.
 */
export function sendWholeAsStream(
  reply: RelayReply,
  headers: Record<string, string>,
  call: ClientChatCall,
  request: ChatRequest | undefined,
  response: ChatResponse,
  record: RelayRecord,
): string {
  const thoughts = request === undefined || includeThoughts(request);
  const encoder = call.protocol.createStreamEncoder(encoderOptions(call, record, thoughts));
  let body = '';
  for (const event of responseStreamEvents(response)) body += encoder.push(event);
  body += encoder.end();
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  writeWholeAnswer(reply, 200, headers, body);
  return body;
}

/**
 * Another format, streamed: upstream SSE → core events → the client's SSE, event by event. Each
 * upstream read is translated at once; nothing waits for more than it needs.
 */
export function translatedStreamHandlers(
  call: ClientChatCall,
  request: ChatRequest,
  upstreamProtocol: WireProtocol,
  record: RelayRecord,
  names: ToolNameMap,
): StreamHandlers {
  const gate = new StreamGate();
  const reader = new SseReader();
  const decoder = upstreamProtocol.createStreamDecoder();
  const encoder = call.protocol.createStreamEncoder(encoderOptions(call, record, includeThoughts(request)));
  // The upstream's error after the first content (its error event, or an end before the answer's):
  // the client's stream ends with it, and nothing after it but usage counts.
  let failure: GatewayError | undefined;
  let finished = false;
  const encode = (events: StreamEvent[]): string => {
    let out = '';
    for (const upstreamEvent of events) {
      const event = names.eventForClient(upstreamEvent);
      // An error before any content is not encoded: the attempt fails over instead.
      if (!gate.see(event)) return out;
      if (event.type === 'usage') record.usage = event.usage;
      else if (failure) continue;
      else if (event.type === 'error') failure = event.error;
      else {
        if (event.type === 'finish') finished = true;
        record.output.addEvent(event);
      }
      out += encoder.push(event);
    }
    return out;
  };
  const translate = (messages: ReturnType<SseReader['push']>, ending: boolean): string => {
    let out = '';
    for (const message of messages) out += encode(decoder.push(message));
    if (ending) out += encode(decoder.end()) + encoder.end();
    return out;
  };
  return {
    gate,
    chunk: (bytes) => translate(reader.push(bytes), false),
    end: (lost) => translate(lost ? [] : reader.end(), true),
    fail: (error) => {
      const out = translate([], false);
      return failure ? out : out + encoder.push({ type: 'error', error });
    },
    failure: () => failure,
    finished: () => finished && failure === undefined,
  };
}
