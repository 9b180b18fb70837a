import { tokenCount } from '../../core/token-count.ts';
import type { EmbeddingResult } from '../../core/embedding-result.ts';
import { isRecord } from '../request-checks.ts';

function values(embedding: unknown, where: string): number[] {
  const list = isRecord(embedding) ? embedding.values : undefined;
  if (!Array.isArray(list) || !list.every((value) => typeof value === 'number')) {
    throw new Error(`Gemini embeddings response: ${where} has no numeric 'values'`);
  }
  return list as number[];
}

/**
 * Gemini's answer to `:embedContent` (`{embedding: {values}}`) or `:batchEmbedContents`
 * (`{embeddings: [{values}, …]}`, in request order). Input tokens come from `usageMetadata` when the
 * API sends it (`promptTokenCount`); otherwise they are left for the gateway to estimate. Throws on
 * a body of neither shape.
 */
export function decodeGeminiEmbedResponse(json: unknown, expected: number): EmbeddingResult {
  if (!isRecord(json)) throw new Error('Gemini embeddings response: not a JSON object');
  let vectors: number[][];
  if (json.embedding !== undefined) vectors = [values(json.embedding, 'embedding')];
  else if (Array.isArray(json.embeddings)) {
    vectors = json.embeddings.map((embedding, index) => values(embedding, `embeddings[${index}]`));
  } else throw new Error("Gemini embeddings response: neither 'embedding' nor 'embeddings'");
  if (vectors.length !== expected) {
    throw new Error(`Gemini embeddings response: ${vectors.length} embeddings for ${expected} inputs`);
  }
  const usage = json.usageMetadata;
  const tokens = isRecord(usage) ? usage.promptTokenCount : undefined;
  return {
    vectors,
    inputTokens: typeof tokens === 'number' ? tokenCount(tokens) : undefined,
  };
}
