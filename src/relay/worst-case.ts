import type { ChargeTokens } from '../billing/compute-charge.ts';
import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import type { EndpointCall } from './endpoint-call.ts';

/** The output a hold assumes when neither the request nor the catalog bounds it. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;

const positiveInteger = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;

/** The output limit the client asked for, in its own format's field. */
function requestedMaxOutput(call: ClientChatCall): number | undefined {
  const { json } = call;
  switch (call.protocol.name) {
    case 'openai-chat':
      return positiveInteger(json.max_completion_tokens) ?? positiveInteger(json.max_tokens);
    case 'anthropic-messages':
      return positiveInteger(json.max_tokens);
    case 'gemini': {
      const config = json.generationConfig;
      return typeof config === 'object' && config !== null
        ? positiveInteger((config as Record<string, unknown>).maxOutputTokens)
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * What a chat request may cost at most, for its credit hold: the prompt at about four bytes a token
 * (cheap: no tokenizer on the hot path; bounded by the context window) and the output the client
 * allowed, else the model's maximum, else 4,096. Settlement corrects the estimate either way.
 */
export function chatWorstCase(call: ClientChatCall, entry: CatalogModel | undefined): ChargeTokens {
  const contextWindow = entry?.capabilities.contextWindow ?? Number.MAX_SAFE_INTEGER;
  return {
    inputTokens: Math.min(Math.ceil(call.raw.length / 4), contextWindow),
    cachedInputTokens: 0,
    outputTokens: requestedMaxOutput(call) ?? entry?.capabilities.maxOutput ?? DEFAULT_MAX_OUTPUT_TOKENS,
  };
}

/** The same for embeddings (their input), images (one price per image asked for) and speech. */
export function endpointWorstCase<T>(call: EndpointCall<T>): ChargeTokens {
  return {
    inputTokens: call.kind === 'embeddings' ? (call.estimateInputTokens?.() ?? 0) : 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    requests: call.kind === 'images' ? (call.units ?? 1) : 1,
  };
}
