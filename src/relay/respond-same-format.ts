import type { FastifyReply } from 'fastify';
import { OpenAiStreamTap } from '../protocols/openai-chat/openai-stream-tap.ts';
import { readOpenAiUsage } from '../protocols/openai-chat/read-openai-usage.ts';
import { SseReader } from '../protocols/sse/sse-reader.ts';
import type { WireProtocol } from '../protocols/wire-protocol.ts';
import type { renderError } from '../http/render-error.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import type { ClientLink } from './client-link.ts';
import type { RelayRecord } from './relay-record.ts';
import { relayStream, type StreamOutcome } from './relay-stream.ts';
import type { UpstreamAnswer } from './send-with-failover.ts';

/** Data frames in relayed bytes (`[DONE]` and comments do not count). */
function countFrames(bytes: Buffer): number {
  let frames = 0;
  for (let at = bytes.indexOf('data: {'); at >= 0; at = bytes.indexOf('data: {', at + 7)) frames++;
  return frames;
}

/** Usage from a whole same-format response; a body we cannot read meters as nothing, not a failure. */
function meterWhole(protocol: WireProtocol, bytes: Buffer, record: RelayRecord): void {
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

/** Same format, not streamed: the upstream's bytes go to the client as received. */
export async function sendSameFormatWhole(
  reply: FastifyReply,
  headers: Record<string, string>,
  call: ClientChatCall,
  record: RelayRecord,
  answer: UpstreamAnswer,
): Promise<void> {
  const bytes = await answer.call.buffer();
  record.upstreamMs += performance.now() - answer.sentAt;
  meterWhole(call.protocol, bytes, record);
  const contentType = answer.call.headers['content-type'];
  void reply
    .code(answer.call.status)
    .headers(headers)
    .header('content-type', typeof contentType === 'string' ? contentType : 'application/json')
    .send(bytes);
}

/**
 * Same format, streamed: the upstream's bytes go through unchanged. OpenAI streams pass a tap that
 * parses only usage frames (and withholds the usage chunk a client did not ask for); the other
 * formats are read alongside by their decoder for usage.
 */
export function pipeSameFormatStream(
  reply: FastifyReply,
  headers: Record<string, string>,
  call: ClientChatCall,
  record: RelayRecord,
  answer: UpstreamAnswer,
  link: ClientLink,
): Promise<StreamOutcome> {
  record.upstreamMs += performance.now() - answer.sentAt;
  const fail = (error: Parameters<typeof renderError>[1]) => {
    const encoder = call.protocol.createStreamEncoder({
      includeUsage: call.includeUsage,
      requestModel: call.model,
      requestId: record.requestId,
    });
    return encoder.push({ type: 'error', error });
  };
  if (call.protocol.name === 'openai-chat') {
    const tap = new OpenAiStreamTap(!call.includeUsage);
    return relayStream(reply, headers, answer, link, {
      chunk: (bytes) => {
        const out = tap.push(bytes);
        record.usage = tap.usage;
        if (out && !record.usage) record.output.addFrames(countFrames(out));
        return out;
      },
      end: () => {
        const rest = tap.end();
        record.usage = tap.usage;
        return rest;
      },
      fail,
    });
  }
  const reader = new SseReader();
  const decoder = call.protocol.createStreamDecoder();
  const meter = (messages: ReturnType<SseReader['push']>) => {
    for (const message of messages) {
      for (const event of decoder.push(message)) {
        if (event.type === 'usage') record.usage = event.usage;
        else record.output.addEvent(event);
      }
    }
  };
  return relayStream(reply, headers, answer, link, {
    chunk: (bytes) => {
      meter(reader.push(bytes));
      return bytes;
    },
    end: () => {
      meter(reader.end());
      return undefined;
    },
    fail,
  });
}
