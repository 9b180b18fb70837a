import { createHash } from 'node:crypto';

/**
 * The mock's embedding of `text`: `dimensions` numbers in [-1, 1] derived from the text's hash, so
 * the same text always gets the same vector and tests can compute what the mock answered. The
 * values are float32-exact, so a base64 float32 round trip returns them unchanged.
 */
export function mockEmbedding(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  return Array.from({ length: dimensions }, (_, index) => {
    const byte = seed[index % seed.length]!;
    return Math.fround(((byte + index * 7) % 256) / 128 - 1);
  });
}

/** Dimensions of each model's vectors when the request sets none (the providers' model pages). */
export function defaultDimensions(model: string): number {
  if (model.includes('3-large') || model.includes('gemini-embedding')) return 3072;
  if (model.includes('text-embedding-004')) return 768;
  return 1536;
}

/** A 1×1 transparent PNG: what the mock's image models draw. */
export const mockPngBase64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
