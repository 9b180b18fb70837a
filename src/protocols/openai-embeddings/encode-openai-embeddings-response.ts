import type { EmbeddingResult } from '../../core/embedding-result.ts';

/** One vector as OpenAI's `encoding_format: base64` gives it: little-endian float32s, base64. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

/** The inverse of `float32Base64`, for tests and for reading an upstream's base64 vectors. */
export function readFloat32Base64(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const vector: number[] = [];
  for (let at = 0; at + 4 <= bytes.length; at += 4) vector.push(bytes.readFloatLE(at));
  return vector;
}

/**
 * An embedding list in OpenAI's shape (`{object: "list", data: [{object: "embedding", index,
 * embedding}], model, usage}`), for an answer from an upstream of another format.
 */
export function encodeOpenAiEmbeddingsResponse(
  result: EmbeddingResult,
  model: string,
  encodingFormat: 'float' | 'base64',
  inputTokens: number,
) {
  return {
    object: 'list',
    data: result.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encodingFormat === 'base64' ? float32Base64(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
  };
}
