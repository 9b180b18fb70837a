import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeOpenAiEmbeddingsResponse,
  float32Base64,
  readFloat32Base64,
} from './encode-openai-embeddings-response.ts';

describe('float32Base64', () => {
  it("matches OpenAI's layout: little-endian float32s", () => {
    // 1.0 is 0x3F800000; little-endian bytes 00 00 80 3F.
    expect(float32Base64([1])).toBe(Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
    expect(float32Base64([])).toBe('');
  });

  it('round-trips any float32 vector', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true })), (vector) => {
        expect(readFloat32Base64(float32Base64(vector))).toEqual(vector);
      }),
    );
  });
});

describe('encodeOpenAiEmbeddingsResponse', () => {
  const result = { vectors: [[0.5, -0.25], [1]], inputTokens: 3 };

  it("builds OpenAI's list with indexes, the model and usage", () => {
    expect(encodeOpenAiEmbeddingsResponse(result, 'gemini-embedding-001', 'float', 3)).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -0.25] },
        { object: 'embedding', index: 1, embedding: [1] },
      ],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });

  it('encodes each vector as base64 float32s when asked', () => {
    const encoded = encodeOpenAiEmbeddingsResponse(result, 'm', 'base64', 9);
    expect(encoded.data.map((item) => readFloat32Base64(item.embedding as string))).toEqual(result.vectors);
    expect(encoded.usage).toEqual({ prompt_tokens: 9, total_tokens: 9 });
  });
});
