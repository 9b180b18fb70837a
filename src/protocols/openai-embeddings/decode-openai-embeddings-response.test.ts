import { describe, expect, it } from 'vitest';
import type { EmbeddingResult } from '../../core/embedding-result.ts';
import { decodeOpenAiEmbeddingsResponse } from './decode-openai-embeddings-response.ts';
import { encodeOpenAiEmbeddingsResponse } from './encode-openai-embeddings-response.ts';

describe('decodeOpenAiEmbeddingsResponse', () => {
  it('puts the vectors back in input order by index, with the prompt tokens', () => {
    const json = {
      object: 'list',
      data: [
        { object: 'embedding', index: 1, embedding: [2] },
        { object: 'embedding', index: 0, embedding: [1] },
      ],
      usage: { prompt_tokens: 4, total_tokens: 4 },
    };
    expect(decodeOpenAiEmbeddingsResponse(json, 2)).toEqual({ vectors: [[1], [2]], inputTokens: 4 });
  });

  it.each<[string, EmbeddingResult, 'float' | 'base64']>([
    [
      'float vectors',
      {
        vectors: [
          [0.5, -0.25],
          [1, 0],
        ],
        inputTokens: 7,
      },
      'float',
    ],
    ['base64 vectors', { vectors: [[0.5, -0.25, 0.125]], inputTokens: 2 }, 'base64'],
  ])('round-trips %s through encodeOpenAiEmbeddingsResponse', (_name, result, format) => {
    const wire: unknown = JSON.parse(
      JSON.stringify(encodeOpenAiEmbeddingsResponse(result, 'm', format, result.inputTokens ?? 0)),
    );
    expect(decodeOpenAiEmbeddingsResponse(wire, result.vectors.length)).toEqual(result);
  });

  it('leaves the tokens unknown when no usage came', () => {
    expect(decodeOpenAiEmbeddingsResponse({ data: [{ embedding: [1] }] }, 1).inputTokens).toBeUndefined();
  });

  it.each([
    ['not an object', [1], 1],
    ['no data', { object: 'list' }, 1],
    ['an item without an embedding', { data: [{ index: 0 }] }, 1],
    ['an embedding of strings', { data: [{ embedding: ['1'] }] }, 1],
    ['fewer embeddings than inputs', { data: [{ embedding: [1] }] }, 2],
  ])('throws on %s', (_name, json, expected) => {
    expect(() => decodeOpenAiEmbeddingsResponse(json, expected)).toThrow(/OpenAI embeddings response/);
  });
});
