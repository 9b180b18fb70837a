import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.ts';
import { parseJsonBody } from '../../http/parse-json-body.ts';
import { gemini } from '../../protocols/gemini/gemini-protocol.ts';
import { authenticate, checkModelAllowed } from '../authenticate.ts';
import { estimateRequestTokens } from '../estimate-tokens.ts';
import type { KeyContext } from '../key-context.ts';
import { relayChat } from '../relay-chat.ts';
import type { RelayDeps } from '../relay-deps.ts';

interface GeminiQuery {
  key?: string;
  alt?: string;
}

const methods = ['generateContent', 'streamGenerateContent', 'countTokens'];

const geminiModel = (id: string) => ({
  name: `models/${id}`,
  baseModelId: id,
  version: '001',
  displayName: id,
  description: `${id}, served by Switchboard`,
  supportedGenerationMethods: methods,
});

function visibleModels(deps: RelayDeps, key: KeyContext): string[] {
  const models = deps.registry.modelsFor(key.group);
  return key.models === null ? models : models.filter((model) => key.models!.has(model));
}

function notFound(model: string): GatewayError {
  return new GatewayError(404, 'model_not_found', `models/${model} is not found or is not available`);
}

/**
 * The Gemini surface: `GET /v1beta/models[/{model}]`, `POST /v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent` (answered as SSE, as with `alt=sse`) and `:countTokens`. Keys come as
 * `x-goog-api-key`, `?key=` or a bearer token.
 */
export function registerGeminiRoutes(scope: FastifyInstance, deps: RelayDeps): void {
  scope.get<{ Querystring: GeminiQuery }>('/models', async (request) => {
    const key = await authenticate(deps.keyCache, request.headers, request.query.key);
    return { models: visibleModels(deps, key).map(geminiModel) };
  });

  scope.get<{ Params: { '*': string }; Querystring: GeminiQuery }>('/models/*', async (request) => {
    const key = await authenticate(deps.keyCache, request.headers, request.query.key);
    const model = request.params['*'];
    if (!visibleModels(deps, key).includes(model)) throw notFound(model);
    return geminiModel(model);
  });

  scope.post<{ Params: { '*': string }; Querystring: GeminiQuery }>('/models/*', async (request, reply) => {
    const key = await authenticate(deps.keyCache, request.headers, request.query.key);
    const target = request.params['*'];
    const colon = target.lastIndexOf(':');
    const model = colon < 0 ? target : target.slice(0, colon);
    const action = colon < 0 ? '' : target.slice(colon + 1);
    if (action === 'countTokens') {
      checkModelAllowed(key, model);
      if (deps.registry.channelsFor(model, key.group).length === 0) throw notFound(model);
      const json = parseJsonBody(request.body as Buffer | undefined);
      // countTokens takes either the contents alone or a whole generateContentRequest.
      const body = typeof json.generateContentRequest === 'object' ? json.generateContentRequest : json;
      const decoded = gemini.decodeRequest(body, { pathModel: model, pathStream: false });
      return { totalTokens: estimateRequestTokens(decoded.value) };
    }
    if (action !== 'generateContent' && action !== 'streamGenerateContent') {
      throw new GatewayError(404, 'not_found', `No method '${action}' on models/${model}`);
    }
    const stream = action === 'streamGenerateContent';
    await relayChat(deps, request, reply, key, () => {
      const raw = request.body as Buffer | undefined;
      return {
        surface: 'gemini',
        protocol: gemini,
        endpoint: `/v1beta/models:${action}`,
        raw: raw!,
        json: parseJsonBody(raw),
        model,
        stream,
        includeUsage: true,
        context: { pathModel: model, pathStream: stream },
        headers: request.headers,
      };
    });
  });
}
