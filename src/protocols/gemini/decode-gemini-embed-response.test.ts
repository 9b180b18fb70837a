import { describe, expect, it } from 'vitest';
import { decodeGeminiEmbedResponse } from './decode-gemini-embed-response.ts';

describe('decodeGeminiEmbedResponse', () => {
  it('reads embedContent’s single embedding', () => {
    expect(decodeGeminiEmbedResponse({ embedding: { values: [0.1, -0.2] } }, 1)).toEqual({
      vectors: [[0.1, -0.2]],
      inputTokens: undefined,
    });
  });

  it('reads batchEmbedContents’ embeddings in order, and usage when sent', () => {
    expect(
      decodeGeminiEmbedResponse(
        { embeddings: [{ values: [1] }, { values: [2] }], usageMetadata: { promptTokenCount: 7 } },
        2,
      ),
    ).toEqual({ vectors: [[1], [2]], inputTokens: 7 });
  });

  it.each([
    ['not an object', [1, 2], 1],
    ['neither shape', { values: [1] }, 1],
    ['values that are not numbers', { embedding: { values: ['1'] } }, 1],
    ['an embedding without values', { embeddings: [{}] }, 1],
    ['fewer embeddings than inputs', { embeddings: [{ values: [1] }] }, 2],
  ])('throws on %s', (_name, json, expected) => {
    expect(() => decodeGeminiEmbedResponse(json, expected)).toThrow(/Gemini embeddings response/);
  });
});
