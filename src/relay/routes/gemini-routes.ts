import type { FastifyInstance } from 'fastify';
import { kindOf, type ModelKind } from '../../catalog/catalog-model.ts';
import { routeModel } from '../../catalog/route-model.ts';
import { visibleModel, visibleModels, type VisibleModel } from '../../catalog/visible-models.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { parseJsonBody } from '../../http/parse-json-body.ts';
import {
  decodeGeminiEmbedRequest,
  isGeminiEmbedMethod,
} from '../../protocols/gemini/decode-gemini-embed-request.ts';
import { gemini } from '../../protocols/gemini/gemini-protocol.ts';
import { authenticate, requireScope } from '../authenticate.ts';
import { estimateRequestTokens } from '../estimate-tokens.ts';
import { geminiEmbedCall } from '../gemini-embed-call.ts';
import { relayChat } from '../relay-chat.ts';
import type { RelayDeps } from '../relay-deps.ts';
import { relayEndpoint } from '../relay-endpoint.ts';

interface GeminiQuery {
  key?: string;
  alt?: string;
}

/**
 * What Gemini's `Model.supportedGenerationMethods` says for each kind: chat and image models take
 * generateContent (image models answer with inline image parts), embedding models embedContent.
 * OpenAI's speech models have no Gemini method.
 */
const methodsByKind: Readonly<Record<ModelKind, readonly string[]>> = {
  chat: ['generateContent', 'streamGenerateContent', 'countTokens'],
  image: ['generateContent', 'countTokens'],
  embedding: ['embedContent', 'batchEmbedContents'],
  speech: [],
};

/** A model in Gemini's `Model` shape (ai.google.dev/api/models), limits from the catalog when it has them. */
function geminiModel(model: VisibleModel) {
  const limits = model.entry?.capabilities;
  return {
    name: `models/${model.id}`,
    baseModelId: model.id,
    version: '001',
    displayName: model.id,
    description: `${model.id}, served by Switchboard`,
    ...(limits?.contextWindow != null ? { inputTokenLimit: limits.contextWindow } : {}),
    ...(limits?.maxOutput != null ? { outputTokenLimit: limits.maxOutput } : {}),
    supportedGenerationMethods: methodsByKind[kindOf(model.entry)],
  };
}

function notFound(model: string): GatewayError {
  return new GatewayError(404, 'model_not_found', `models/${model} is not found or is not available`);
}

/**
 * The Gemini surface: `GET /v1beta/models[/{model}]`, `POST /v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent` (answered as SSE, as with `alt=sse`), `:countTokens`, and
 * `:embedContent` / `:batchEmbedContents` (scope `llm-embeddings`). Keys come as `x-goog-api-key`,
 * `?key=` or a bearer token.
 */
export function registerGeminiRoutes(scope: FastifyInstance, deps: RelayDeps): void {
  scope.get<{ Querystring: GeminiQuery }>('/models', async (request) => {
    const key = await authenticate(deps.keyCache, request, request.query.key);
    return { models: visibleModels(deps.catalog, deps.registry, key).map(geminiModel) };
  });

  scope.get<{ Params: { '*': string }; Querystring: GeminiQuery }>('/models/*', async (request) => {
    const key = await authenticate(deps.keyCache, request, request.query.key);
    const name = request.params['*'];
    const model = visibleModel(deps.catalog, deps.registry, key, name);
    if (!model) throw notFound(name);
    return geminiModel(model);
  });

  scope.post<{ Params: { '*': string }; Querystring: GeminiQuery }>('/models/*', async (request, reply) => {
    const key = await authenticate(deps.keyCache, request, request.query.key);
    const target = request.params['*'];
    const colon = target.lastIndexOf(':');
    const model = colon < 0 ? target : target.slice(0, colon);
    const action = colon < 0 ? '' : target.slice(colon + 1);
    if (isGeminiEmbedMethod(action)) {
      requireScope(key, 'llm-embeddings');
      await relayEndpoint(deps, request, reply, key, () => {
        const raw = request.body as Buffer | undefined;
        const parsed = decodeGeminiEmbedRequest(parseJsonBody(raw), action, model);
        return geminiEmbedCall(parsed, raw!, `/v1beta/models:${action}`);
      });
      return;
    }
    requireScope(key, 'llm-chat');
    if (action === 'countTokens') {
      routeModel(deps.catalog, deps.registry, key, model);
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
