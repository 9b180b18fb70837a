import type { FastifyInstance } from 'fastify';
import { matchesModelPrefixes } from '../../catalog/matches-model-prefixes.ts';
import { resolveModel } from '../../catalog/resolve-model.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { findProvider, providerIds, type ProviderSpec } from '../../providers/provider-catalog.ts';
import { openAiChat } from '../../protocols/openai-chat/openai-chat-protocol.ts';
import { parseOpenAiChatBody } from '../../protocols/openai-chat/parse-openai-chat-body.ts';
import { authenticate, requireScope } from '../authenticate.ts';
import type { KeyContext } from '../key-context.ts';
import { relayChat } from '../relay-chat.ts';
import type { RelayDeps } from '../relay-deps.ts';

function providerNamed(id: string): ProviderSpec {
  const provider = findProvider(id);
  if (!provider) {
    throw new GatewayError(
      404,
      'not_found',
      `unsupported model provider: ${id}. Supported providers: [${providerIds.join(', ')}]`,
    );
  }
  return provider;
}

/**
 * The model must be one of the provider's by prefix (API.md 1.2). A name outside the prefixes that
 * a channel of the provider lists anyway (a fine-tune, a private deployment) is the operator's word
 * and passes.
 */
function checkModelOfProvider(deps: RelayDeps, key: KeyContext, provider: ProviderSpec, model: string): void {
  if (matchesModelPrefixes(provider, model)) return;
  const resolution = resolveModel(deps.catalog, deps.registry, key, model, provider.id);
  if (resolution.kind === 'route' || resolution.kind === 'not-allowed') return;
  throw new GatewayError(
    404,
    'model_not_found',
    `unsupported model: ${model}. Supported model prefixes for ${provider.id}: [${provider.modelPrefixes.join(', ')}]`,
    { param: 'model' },
  );
}

/**
 * `POST /api/core/{provider}/chat/completions`: OpenAI's wire format, served only by channels of that
 * provider, with errors as `{"error":"…"}` (API.md 1.1, 1.2).
 */
export function registerProviderScopedRoute(scope: FastifyInstance, deps: RelayDeps): void {
  scope.post<{ Params: { provider: string } }>('/:provider/chat/completions', async (request, reply) => {
    const key = await authenticate(deps.keyCache, request, undefined);
    requireScope(key, 'llm-chat');
    await relayChat(deps, request, reply, key, () => {
      const provider = providerNamed(request.params.provider);
      const raw = request.body as Buffer | undefined;
      const parsed = parseOpenAiChatBody(raw);
      checkModelOfProvider(deps, key, provider, parsed.model);
      return {
        surface: 'provider-scoped',
        protocol: openAiChat,
        endpoint: `/api/core/${provider.id}/chat/completions`,
        raw: raw!,
        json: parsed.json,
        model: parsed.model,
        stream: parsed.stream,
        includeUsage: parsed.clientWantsUsage,
        context: {},
        headers: request.headers,
        provider: provider.id,
      };
    });
  });
}
