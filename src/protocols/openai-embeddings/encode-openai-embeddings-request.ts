import type { EmbeddingRequest } from '../../core/embedding-request.ts';

/**
 * An embeddings request for an OpenAI-format upstream (`POST {base_url}/embeddings`,
 * platform.openai.com/docs/api-reference/embeddings/create), from a client of another format: one
 * input as itself, a list as a list, `dimensions` only when set.
 */
export function encodeOpenAiEmbeddingsRequest(request: EmbeddingRequest, model: string) {
  const { input } = request;
  const items = input.kind === 'text' ? input.texts : input.tokens;
  return {
    model,
    input: request.single && items.length === 1 ? items[0]! : items,
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    encoding_format: request.encodingFormat,
  };
}
