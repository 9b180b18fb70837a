import type { EmbeddingRequest } from '../../core/embedding-request.ts';
import { GatewayError } from '../../core/gateway-error.ts';

/** A Gemini embeddings call: which method, and its body. */
export interface GeminiEmbedCall {
  method: 'embedContent' | 'batchEmbedContents';
  body: Record<string, unknown>;
}

const content = (text: string) => ({ parts: [{ text }] });

/**
 * An embeddings request for Gemini (ai.google.dev/api/embeddings): one input goes to
 * `models/{model}:embedContent` as `{content, outputDimensionality}`, a list to
 * `:batchEmbedContents` as `{requests: [{model: "models/{model}", content, …}]}`. OpenAI's
 * `dimensions` is Gemini's `outputDimensionality`. Gemini takes text only: token arrays cannot go.
 */
export function encodeGeminiEmbedRequest(request: EmbeddingRequest, model: string): GeminiEmbedCall {
  if (request.input.kind !== 'text') {
    throw new GatewayError(400, 'invalid_request', 'Gemini embedding models take text, not token arrays', {
      param: 'input',
    });
  }
  const dimensions = request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions };
  const { texts } = request.input;
  if (request.single && texts.length === 1) {
    return { method: 'embedContent', body: { content: content(texts[0]!), ...dimensions } };
  }
  return {
    method: 'batchEmbedContents',
    body: {
      requests: texts.map((text) => ({ model: `models/${model}`, content: content(text), ...dimensions })),
    },
  };
}
