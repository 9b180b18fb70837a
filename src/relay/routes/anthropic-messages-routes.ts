import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { routeModel } from '../../catalog/route-model.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { errorHandlerFor } from '../../http/error-handler.ts';
import { parseJsonBody } from '../../http/parse-json-body.ts';
import type { RelayReply, RelayRequest } from '../../http/relay-exchange.ts';
import { anthropicMessages } from '../../protocols/anthropic-messages/anthropic-protocol.ts';
import type { ClientRequestContext } from '../../protocols/wire-protocol.ts';
import { authenticate, requireScope } from '../authenticate.ts';
import { estimateRequestTokens } from '../estimate-tokens.ts';
import { relayChat } from '../relay-chat.ts';
import type { RelayDeps } from '../relay-deps.ts';

function requiredModel(json: Record<string, unknown>): string {
  if (typeof json.model !== 'string' || json.model === '') {
    throw new GatewayError(400, 'invalid_request', "'model' is required and must be a non-empty string", {
      param: 'model',
    });
  }
  return json.model;
}

/** What decoding a request needs of its headers: none, most of the time (one shared context). */
const noBetas: ClientRequestContext = Object.freeze({});

/** The request's `anthropic-beta` header, which lifts some of the Messages API's rules. */
function anthropicContext(headers: IncomingHttpHeaders): ClientRequestContext {
  const beta = headers['anthropic-beta'];
  return beta === undefined ? noBetas : { anthropicBeta: Array.isArray(beta) ? beta.join(',') : beta };
}

/** The handler of `POST /v1/messages`, whichever path (Fastify or the relay lane) runs it. */
export function anthropicMessagesHandler(
  deps: RelayDeps,
): (request: RelayRequest, reply: RelayReply) => Promise<void> {
  return async (request, reply) => {
    const key = await authenticate(deps.keyCache, request, undefined);
    requireScope(key, 'llm-chat');
    await relayChat(deps, request, reply, key, () => {
      const raw = request.body as Buffer | undefined;
      const json = parseJsonBody(raw);
      return {
        surface: 'anthropic',
        protocol: anthropicMessages,
        endpoint: '/v1/messages',
        raw: raw!,
        json,
        model: requiredModel(json),
        stream: json.stream === true,
        includeUsage: true,
        context: anthropicContext(request.headers),
        headers: request.headers,
      };
    });
  };
}

/**
 * `POST /v1/messages` and `/v1/messages/count_tokens`: Anthropic clients (`x-api-key` accepted,
 * `anthropic-version` passed on to Anthropic upstreams), with errors in Anthropic's shape.
 */
export function registerAnthropicMessagesRoutes(
  scope: FastifyInstance,
  deps: RelayDeps,
  logger: Logger,
  messages: (request: RelayRequest, reply: RelayReply) => Promise<void>,
): void {
  const errorHandler = errorHandlerFor('anthropic', logger);

  scope.post('/messages', { errorHandler }, messages);

  // Counted here, with an o200k tokenizer: an estimate of what the model would bill, for any upstream.
  scope.post('/messages/count_tokens', { errorHandler }, async (request) => {
    const key = await authenticate(deps.keyCache, request, undefined);
    requireScope(key, 'llm-chat');
    const json = parseJsonBody(request.body as Buffer | undefined);
    const model = requiredModel(json);
    routeModel(deps.catalog, deps.registry, key, model);
    // count_tokens takes no max_tokens; the decoder wants one. It must not refuse a thinking budget
    // as not below it (Messages API: max_tokens above budget_tokens), so it is the largest there is.
    const decoded = anthropicMessages.decodeRequest(
      { max_tokens: Number.MAX_SAFE_INTEGER, ...json, stream: false },
      anthropicContext(request.headers),
    );
    return { input_tokens: estimateRequestTokens(decoded.value) };
  });
}
