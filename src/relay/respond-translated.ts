import type { FastifyReply } from 'fastify';
import { GatewayError } from '../core/gateway-error.ts';
import { SseReader } from '../protocols/sse/sse-reader.ts';
import { includeThoughts } from '../protocols/include-thoughts.ts';
import type { StreamEncoderOptions, WireProtocol } from '../protocols/wire-protocol.ts';
import type { ChatRequest } from '../core/chat-request.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import type { ClientLink } from './client-link.ts';
import type { RelayRecord } from './relay-record.ts';
import { relayStream, type StreamOutcome } from './relay-stream.ts';
import type { UpstreamAnswer } from './send-with-failover.ts';

const encoderOptions = (
  call: ClientChatCall,
  record: RelayRecord,
  request: ChatRequest,
): StreamEncoderOptions => ({
  includeUsage: call.includeUsage,
  requestModel: call.model,
  requestId: record.requestId,
  includeThoughts: includeThoughts(request),
});

/** Another format, not streamed: decode the upstream's response to core, encode it for the client. */
export async function sendTranslatedWhole(
  reply: FastifyReply,
  headers: Record<string, string>,
  call: ClientChatCall,
  request: ChatRequest,
  upstreamProtocol: WireProtocol,
  record: RelayRecord,
  answer: UpstreamAnswer,
): Promise<void> {
  const bytes = await answer.call.buffer();
  record.upstreamMs += performance.now() - answer.sentAt;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new GatewayError(502, 'upstream_error', 'The upstream answered with a body that is not JSON');
  }
  const response = upstreamProtocol.decodeResponse(json);
  record.usage = response.usage;
  if (!response.usage) record.output.addResponse(response);
  void reply
    .code(200)
    .headers(headers)
    .header('content-type', 'application/json')
    .send(JSON.stringify(call.protocol.encodeResponse(response, encoderOptions(call, record, request))));
}

/**
 * Another format, streamed: upstream SSE → core events → the client's SSE, event by event. Each
 * upstream read is translated and written at once; nothing waits for more than it needs.
 */
export function pipeTranslatedStream(
  reply: FastifyReply,
  headers: Record<string, string>,
  call: ClientChatCall,
  request: ChatRequest,
  upstreamProtocol: WireProtocol,
  record: RelayRecord,
  answer: UpstreamAnswer,
  link: ClientLink,
): Promise<StreamOutcome> {
  record.upstreamMs += performance.now() - answer.sentAt;
  const reader = new SseReader();
  const decoder = upstreamProtocol.createStreamDecoder();
  const encoder = call.protocol.createStreamEncoder(encoderOptions(call, record, request));
  const translate = (messages: ReturnType<SseReader['push']>, ending: boolean): string => {
    let out = '';
    for (const message of messages) {
      for (const event of decoder.push(message)) {
        if (event.type === 'usage') record.usage = event.usage;
        else record.output.addEvent(event);
        out += encoder.push(event);
      }
    }
    if (ending) {
      for (const event of decoder.end()) {
        if (event.type === 'usage') record.usage = event.usage;
        else record.output.addEvent(event);
        out += encoder.push(event);
      }
      out += encoder.end();
    }
    return out;
  };
  return relayStream(reply, headers, answer, link, {
    chunk: (bytes) => translate(reader.push(bytes), false),
    end: () => translate(reader.end(), true),
    fail: (error) => translate([], false) + encoder.push({ type: 'error', error }),
  });
}
