import { describe, expect, it } from 'vitest';
import type { EmbeddingResult } from '../../core/embedding-result.ts';
import { decodeGeminiEmbedResponse } from './decode-gemini-embed-response.ts';
import { encodeGeminiEmbedResponse } from './encode-gemini-embed-response.ts';

describe('encodeGeminiEmbedResponse', () => {
  it('answers embedContent with one embedding', () => {
    expect(
      encodeGeminiEmbedResponse({ vectors: [[0.5, -1]], inputTokens: undefined }, 'embedContent'),
    ).toEqual({
      embedding: { values: [0.5, -1] },
    });
  });

  it('answers batchEmbedContents with the embeddings in order, and the tokens when known', () => {
    expect(encodeGeminiEmbedResponse({ vectors: [[1], [2]], inputTokens: 6 }, 'batchEmbedContents')).toEqual({
      embeddings: [{ values: [1] }, { values: [2] }],
      usageMetadata: { promptTokenCount: 6, totalTokenCount: 6 },
    });
  });

  it('refuses to answer embedContent with other than one embedding', () => {
    expect(() =>
      encodeGeminiEmbedResponse({ vectors: [[1], [2]], inputTokens: 1 }, 'embedContent'),
    ).toThrow();
  });

  it.each<[string, EmbeddingResult, 'embedContent' | 'batchEmbedContents']>([
    ['one embedding', { vectors: [[0.25, 0.5]], inputTokens: undefined }, 'embedContent'],
    ['one embedding with tokens', { vectors: [[0.25]], inputTokens: 3 }, 'embedContent'],
    [
      'a batch',
      {
        vectors: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        inputTokens: 9,
      },
      'batchEmbedContents',
    ],
  ])('round-trips %s through decodeGeminiEmbedResponse', (_name, result, method) => {
    const wire: unknown = JSON.parse(JSON.stringify(encodeGeminiEmbedResponse(result, method)));
    expect(decodeGeminiEmbedResponse(wire, result.vectors.length)).toEqual(result);
  });
});
