import type { ServerResponse } from 'node:http';
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
import { ClientLink } from './client-link.ts';
import { orderChannels } from './order-channels.ts';
import { readMetadataHeader } from './read-metadata-header.ts';
import type { RelayDeps } from './relay-deps.ts';
import { newRelayRecord, toLogRow, type RelayRecord } from './relay-record.ts';
import { upstreamModel } from './runtime-channel.ts';
import { sendWithFailover, type UpstreamAnswer } from './send-with-failover.ts';
import { classifyUpstreamError } from './upstream-failure.ts';

const uncork = (response: ServerResponse) => response.uncork();

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
  const bytes = await answer.call.buffer();
  record.upstreamMs += performance.now() - answer.sentAt;
  try {
    record.usage = readOpenAiUsage((JSON.parse(bytes.toString('utf8')) as { usage?: unknown }).usage);
  } catch {
    record.usage = undefined;
  }
  const contentType = answer.call.headers['content-type'];
  reply
    .code(answer.call.status)
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
  link: ClientLink,
): Promise<{ status: number; errorCode: string | null }> {
  record.upstreamMs += performance.now() - answer.sentAt;
  const tap = new OpenAiStreamTap(withholdUsageChunk);
  reply.hijack();
  const response = reply.raw;
  // Headers go out with the first frame, in one write, as a bare proxy would send them.
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    ...responseHeaders(reply, record, answer),
  });
  const resume = () => answer.call.resume();
  const outcome = await new Promise<{ status: number; errorCode: string | null }>((resolve) => {
    answer.call.read({
      chunk(chunk) {
        const out = tap.push(chunk);
        if (out === undefined) return true;
        // Corked until the end of this tick, so frames (and the stream's end, when it arrives in
        // the same read) leave in one write instead of one syscall each.
        if (!response.writableCorked) {
          response.cork();
          process.nextTick(uncork, response);
        }
        if (response.write(out)) return true;
        response.once('drain', resume);
        return false;
      },
      end() {
        const rest = tap.end();
        response.end(rest);
        resolve({ status: 200, errorCode: null });
      },
      fail(error) {
        if (link.gone) {
          resolve({ status: clientClosedStatus, errorCode: 'client_closed' });
          return;
        }
        const failure = classifyUpstreamError(error).error;
        response.end(`data: ${JSON.stringify(renderError('openai', failure, record.requestId))}\n\n`);
        resolve({ status: 502, errorCode: 'upstream_stream_error' });
      },
    });
  });
  record.usage = tap.usage;
  return outcome;
}

async function relayChatCompletions(
  deps: RelayDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const record = newRelayRecord(request.id, '/v1/chat/completions');
  record.key = await authenticate(deps.keyCache, request.headers, undefined);
  const link = new ClientLink(reply.raw);
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
          origin: channel.origin,
          path: `${channel.basePath}/chat/completions`,
          headers: channel.headers,
          body: upstreamOpenAiChatBody(parsed, raw!, model),
        };
      },
      record,
      link,
      deps.maxAttempts,
    );
    record.firstByteMs = Date.now() - record.startedAt;
    const isEventStream = String(answer.call.headers['content-type'] ?? '').startsWith('text/event-stream');
    if (parsed.stream && isEventStream) {
      const outcome = await pipeStream(reply, record, answer, !parsed.clientWantsUsage, link);
      deps.logWriter.enqueue(toLogRow(record, outcome.status, outcome.errorCode));
      return;
    }
    await sendWhole(reply, record, answer);
    deps.logWriter.enqueue(toLogRow(record, answer.call.status, null));
  } catch (error) {
    if (link.gone) {
      deps.logWriter.enqueue(toLogRow(record, clientClosedStatus, 'client_closed'));
      if (!reply.sent) reply.hijack();
      return;
    }
    const { error: gatewayError } = toGatewayError(error);
    deps.logWriter.enqueue(toLogRow(record, gatewayError.status, gatewayError.code));
    throw error;
  } finally {
    link.release();
  }
}

export function registerChatCompletionsRoute(scope: FastifyInstance, deps: RelayDeps): void {
  scope.post('/chat/completions', (request, reply) => relayChatCompletions(deps, request, reply));
}
