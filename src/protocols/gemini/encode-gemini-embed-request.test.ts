import { describe, expect, it } from 'vitest';
import type { EmbeddingRequest } from '../../core/embedding-request.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { encodeGeminiEmbedRequest } from './encode-gemini-embed-request.ts';

const request = (fields: Partial<EmbeddingRequest>): EmbeddingRequest => ({
  model: 'client-name',
  input: { kind: 'text', texts: ['a'] },
  single: true,
  dimensions: undefined,
  encodingFormat: 'float',
  ...fields,
});

describe('encodeGeminiEmbedRequest', () => {
  it('sends one input to embedContent', () => {
    expect(encodeGeminiEmbedRequest(request({}), 'gemini-embedding-001')).toEqual({
      method: 'embedContent',
      body: { content: { parts: [{ text: 'a' }] } },
    });
  });

  it('maps dimensions to outputDimensionality', () => {
    expect(encodeGeminiEmbedRequest(request({ dimensions: 768 }), 'm').body).toEqual({
      content: { parts: [{ text: 'a' }] },
      outputDimensionality: 768,
    });
  });

  it('sends a list (even of one) to batchEmbedContents, each naming the upstream model', () => {
    const encoded = encodeGeminiEmbedRequest(
      request({ input: { kind: 'text', texts: ['a', 'b'] }, single: false, dimensions: 8 }),
      'text-embedding-004',
    );
    expect(encoded).toEqual({
      method: 'batchEmbedContents',
      body: {
        requests: [
          {
            model: 'models/text-embedding-004',
            content: { parts: [{ text: 'a' }] },
            outputDimensionality: 8,
          },
          {
            model: 'models/text-embedding-004',
            content: { parts: [{ text: 'b' }] },
            outputDimensionality: 8,
          },
        ],
      },
    });
    expect(encodeGeminiEmbedRequest(request({ single: false }), 'm').method).toBe('batchEmbedContents');
  });

  it('refuses token arrays, which Gemini cannot take', () => {
    expect(() =>
      encodeGeminiEmbedRequest(request({ input: { kind: 'tokens', tokens: [[1]] } }), 'm'),
    ).toThrow(GatewayError);
  });
});
