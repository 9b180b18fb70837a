import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../core/gateway-error.ts';
import { toGatewayError } from '../http/to-gateway-error.ts';
import { renderError } from '../http/render-error.ts';
import { OpenAiStreamTap } from '../protocols/openai-chat/openai-stream-tap.ts';
import {
  parseOpenAiChatBody,
  upstreamOpenAiChatBody,
} from '../protocols/openai-chat/parse-openai-chat-body.ts';
import { readOpenAiUsage } from '../protocols/openai-chat/read-openai-usage.ts';
import { authenticate, checkModelAllowed } from './authenticate.ts';
import { orderChannels } from './order-channels.ts';
import { readMetadataHeader } from './read-metadata-header.ts';
import type { RelayDeps } from './relay-deps.ts';
import { newRelayRecord, toLogRow, type RelayRecord } from './relay-record.ts';
import { upstreamModel } from './runtime-channel.ts';
import { sendWithFailover, type UpstreamAnswer } from './send-with-failover.ts';
import { streamToClient } from './stream-to-client.ts';
import { classifyUpstreamError } from './upstream-failure.ts';

/** nginx's convention for "the client closed the request": logged, never sent. */
const clientClosedStatus = 499;

const overheadMs = (reply: FastifyReply, record: RelayRecord): string =>
  Math.max(0, reply.elapsedTime - record.upstreamMs).toFixed(2);

function responseHeaders(
  reply: FastifyReply,
  record: RelayRecord,
  answer: UpstreamAnswer,
): Record<string, string> {
  const headers: Record<string, string> = {
    'x-request-id': record.requestId,
    'x-switchboard-overhead-ms': overheadMs(reply, record),
  };
  if (record.key && record.key.role !== 'user') headers['x-switchboard-channel'] = answer.channel.name;
  return headers;
}

/** Non-stream: the upstream's JSON goes to the client as received; usage is read from it. */
async function sendWhole(reply: FastifyReply, record: RelayRecord, answer: UpstreamAnswer): Promise<void> {
  const bytes = Buffer.from(await answer.response.body.arrayBuffer());
  record.upstreamMs += performance.now() - answer.sentAt;
  try {
    record.usage = readOpenAiUsage((JSON.parse(bytes.toString('utf8')) as { usage?: unknown }).usage);
  } catch {
    record.usage = undefined;
  }
  const contentType = answer.response.headers['content-type'];
  reply
    .code(answer.response.statusCode)
    .headers(responseHeaders(reply, record, answer))
    .header('content-type', typeof contentType === 'string' ? contentType : 'application/json')
    .send(bytes);
}

/**
 * Stream: upstream SSE bytes are piped through the usage tap, frame by frame, with no re-encoding.
 * A failure after the first byte ends the stream with an OpenAI error event; the usage seen until
 * then is still logged. Returns the status and error code for the log row.
 */
async function pipeStream(
  reply: FastifyReply,
  record: RelayRecord,
  answer: UpstreamAnswer,
  withholdUsageChunk: boolean,
  signal: AbortSignal,
): Promise<{ status: number; errorCode: string | null }> {
  record.upstreamMs += performance.now() - answer.sentAt;
  const tap = new OpenAiStreamTap(withholdUsageChunk);
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    ...responseHeaders(reply, record, answer),
  });
  response.flushHeaders();
  try {
    await streamToClient(answer.response.body, response, (chunk) => tap.push(chunk), signal);
    const rest = tap.end();
    if (rest) response.write(rest);
    response.end();
    return { status: 200, errorCode: null };
  } catch (error) {
    record.usage = tap.usage;
    if (signal.aborted) return { status: clientClosedStatus, errorCode: 'client_closed' };
    const failure = classifyUpstreamError(error).error;
    const event = renderError('openai', failure, record.requestId);
    response.end(`data: ${JSON.stringify(event)}\n\n`);
    return { status: 502, errorCode: 'upstream_stream_error' };
  } finally {
    record.usage = tap.usage;
  }
}

async function relayChatCompletions(
  deps: RelayDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const record = newRelayRecord(request.id, '/v1/chat/completions');
  record.key = await authenticate(deps.keyCache, request.headers, undefined);
  const abort = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) abort.abort();
  };
  reply.raw.once('close', onClose);
  try {
    record.userMetadata = readMetadataHeader(request.headers);
    const raw = request.body as Buffer | undefined;
    const parsed = parseOpenAiChatBody(raw);
    record.model = parsed.model;
    record.stream = parsed.stream;
    checkModelAllowed(record.key, parsed.model);
    const channels = orderChannels(deps.registry.channelsFor(parsed.model, record.key.group));
    if (channels.length === 0) {
      throw new GatewayError(
        404,
        'model_not_found',
        `The model '${parsed.model}' does not exist or is not available`,
        {
          param: 'model',
        },
      );
    }
    const answer = await sendWithFailover(
      deps.upstream,
      channels,
      (channel) => {
        const model = upstreamModel(channel, parsed.model);
        record.upstreamModel = model;
        return {
          url: `${channel.baseUrl}/chat/completions`,
          headers: channel.headers,
          body: upstreamOpenAiChatBody(parsed, raw!, model),
          signal: abort.signal,
        };
      },
      record,
      deps.maxAttempts,
    );
    record.firstByteMs = Date.now() - record.startedAt;
    const isEventStream = String(answer.response.headers['content-type'] ?? '').startsWith(
      'text/event-stream',
    );
    if (parsed.stream && isEventStream) {
      const outcome = await pipeStream(reply, record, answer, !parsed.clientWantsUsage, abort.signal);
      deps.logWriter.enqueue(toLogRow(record, outcome.status, outcome.errorCode));
      return;
    }
    await sendWhole(reply, record, answer);
    deps.logWriter.enqueue(toLogRow(record, answer.response.statusCode, null));
  } catch (error) {
    if (abort.signal.aborted) {
      deps.logWriter.enqueue(toLogRow(record, clientClosedStatus, 'client_closed'));
      if (!reply.sent) reply.hijack();
      return;
    }
    const { error: gatewayError } = toGatewayError(error);
    deps.logWriter.enqueue(toLogRow(record, gatewayError.status, gatewayError.code));
    throw error;
  } finally {
    reply.raw.off('close', onClose);
  }
}

export function registerChatCompletionsRoute(scope: FastifyInstance, deps: RelayDeps): void {
  scope.post('/chat/completions', (request, reply) => relayChatCompletions(deps, request, reply));
}
