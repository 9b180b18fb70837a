import { tokenCount } from '../../core/token-count.ts';
import type { EmbeddingResult } from '../../core/embedding-result.ts';
import { isRecord } from '../request-checks.ts';
import { readFloat32Base64 } from './encode-openai-embeddings-response.ts';

function vectorOf(item: unknown, index: number): { index: number; vector: number[] } {
  const where = `data[${index}]`;
  if (!isRecord(item)) throw new Error(`OpenAI embeddings response: ${where} is not an object`);
  const { embedding } = item;
  let vector: number[];
  if (typeof embedding === 'string') vector = readFloat32Base64(embedding);
  else if (Array.isArray(embedding) && embedding.every((value) => typeof value === 'number')) {
    vector = embedding as number[];
  } else throw new Error(`OpenAI embeddings response: ${where} has no embedding`);
  return { index: typeof item.index === 'number' ? item.index : index, vector };
}

/**
 * An OpenAI-format upstream's embedding list (`{data: [{index, embedding}], usage}`), vectors as
 * JSON numbers or base64 float32s, put back in input order by `index`. Throws on a body of another
 * shape or with a count other than `expected`.
 */
export function decodeOpenAiEmbeddingsResponse(json: unknown, expected: number): EmbeddingResult {
  if (!isRecord(json) || !Array.isArray(json.data)) {
    throw new Error("OpenAI embeddings response: no 'data' list");
  }
  const items = json.data.map(vectorOf).sort((left, right) => left.index - right.index);
  if (items.length !== expected) {
    throw new Error(`OpenAI embeddings response: ${items.length} embeddings for ${expected} inputs`);
  }
  const tokens = isRecord(json.usage) ? json.usage.prompt_tokens : undefined;
  return {
    vectors: items.map((item) => item.vector),
    inputTokens: typeof tokens === 'number' ? tokenCount(tokens) : undefined,
  };
}
