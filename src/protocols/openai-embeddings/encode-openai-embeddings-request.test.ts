import { describe, expect, it } from 'vitest';
import type { EmbeddingRequest } from '../../core/embedding-request.ts';
import { encodeOpenAiEmbeddingsRequest } from './encode-openai-embeddings-request.ts';
import { parseOpenAiEmbeddingsBody } from './parse-openai-embeddings-body.ts';

const request = (fields: Partial<EmbeddingRequest>): EmbeddingRequest => ({
  model: 'text-embedding-3-small',
  input: { kind: 'text', texts: ['a'] },
  single: true,
  dimensions: undefined,
  encodingFormat: 'float',
  ...fields,
});

describe('encodeOpenAiEmbeddingsRequest', () => {
  it('sends one input as itself, under the upstream model, dimensions only when set', () => {
    expect(encodeOpenAiEmbeddingsRequest(request({}), 'upstream-model')).toEqual({
      model: 'upstream-model',
      input: 'a',
      encoding_format: 'float',
    });
    expect(encodeOpenAiEmbeddingsRequest(request({ dimensions: 64 }), 'm')).toMatchObject({ dimensions: 64 });
  });

  it('sends a list (even of one) as a list', () => {
    expect(encodeOpenAiEmbeddingsRequest(request({ single: false }), 'm').input).toEqual(['a']);
  });

  it.each<[string, EmbeddingRequest]>([
    ['one text', request({})],
    [
      'a list with dimensions',
      request({ input: { kind: 'text', texts: ['a', 'b'] }, single: false, dimensions: 8 }),
    ],
    ['a list of one as base64', request({ single: false, encodingFormat: 'base64' })],
    ['one token array', request({ input: { kind: 'tokens', tokens: [[1, 2]] } })],
    ['token arrays', request({ input: { kind: 'tokens', tokens: [[1], [2, 3]] }, single: false })],
  ])('round-trips %s through parseOpenAiEmbeddingsBody', (_name, original) => {
    const wire = JSON.stringify(encodeOpenAiEmbeddingsRequest(original, original.model));
    expect(parseOpenAiEmbeddingsBody(Buffer.from(wire)).request).toEqual(original);
  });
});
