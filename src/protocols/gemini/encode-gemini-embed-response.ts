import type { EmbeddingResult } from '../../core/embedding-result.ts';
import type { GeminiEmbedMethod } from './decode-gemini-embed-request.ts';

/**
 * Embeddings in Gemini's shape for a Gemini client: `:embedContent` answers `{embedding: {values}}`,
 * `:batchEmbedContents` `{embeddings: [{values}, …]}` in request order
 * (ai.google.dev/api/embeddings). The input tokens go in `usageMetadata` when the upstream reported
 * them, where `decodeGeminiEmbedResponse` reads them.
 */
export function encodeGeminiEmbedResponse(result: EmbeddingResult, method: GeminiEmbedMethod) {
  const embeddings = result.vectors.map((values) => ({ values }));
  const tokens = result.inputTokens;
  const usage =
    tokens === undefined ? {} : { usageMetadata: { promptTokenCount: tokens, totalTokenCount: tokens } };
  if (method === 'embedContent') {
    if (embeddings.length !== 1)
      throw new Error(`embedContent answers one embedding, not ${embeddings.length}`);
    return { embedding: embeddings[0], ...usage };
  }
  return { embeddings, ...usage };
}
