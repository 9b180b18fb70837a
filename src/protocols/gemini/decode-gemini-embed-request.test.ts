import { describe, expect, it } from 'vitest';
import type { EmbeddingRequest } from '../../core/embedding-request.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import {
  decodeGeminiEmbedRequest,
  maxGeminiBatchRequests,
  type GeminiEmbedMethod,
} from './decode-gemini-embed-request.ts';
import { encodeGeminiEmbedRequest } from './encode-gemini-embed-request.ts';

const text = (value: string) => ({ parts: [{ text: value }] });

describe('decodeGeminiEmbedRequest', () => {
  it('reads embedContent as one input, outputDimensionality as dimensions', () => {
    const decoded = decodeGeminiEmbedRequest(
      { content: text('hello'), outputDimensionality: 8 },
      'embedContent',
      'gemini-embedding-001',
    );
    expect(decoded.request).toEqual({
      model: 'gemini-embedding-001',
      input: { kind: 'text', texts: ['hello'] },
      single: true,
      dimensions: 8,
      encodingFormat: 'float',
    });
    expect(decoded.geminiOnly).toEqual([]);
  });

  it('reads what the @google/genai SDK sends: batchEmbedContents, each request naming the model', () => {
    const decoded = decodeGeminiEmbedRequest(
      {
        requests: ['a', 'b'].map((value) => ({
          content: text(value),
          taskType: 'RETRIEVAL_DOCUMENT',
          title: 'Doc',
          outputDimensionality: 4,
          model: 'models/m',
        })),
      },
      'batchEmbedContents',
      'm',
    );
    expect(decoded.request).toMatchObject({
      input: { kind: 'text', texts: ['a', 'b'] },
      single: false,
      dimensions: 4,
    });
    expect(decoded.geminiOnly.map((warning) => warning.field)).toEqual([
      'requests[].taskType',
      'requests[].title',
    ]);
  });

  it('joins the text parts of one content and takes snake_case names', () => {
    const decoded = decodeGeminiEmbedRequest(
      {
        content: { parts: [{ text: 'a' }, { text: 'b' }] },
        output_dimensionality: 3,
        task_type: 'CLUSTERING',
      },
      'embedContent',
      'm',
    );
    expect(decoded.request.input).toEqual({ kind: 'text', texts: ['ab'] });
    expect(decoded.request.dimensions).toBe(3);
    expect(decoded.geminiOnly).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', field: 'taskType' }),
    ]);
  });

  const tooMany = Array.from({ length: maxGeminiBatchRequests + 1 }, () => ({ content: text('x') }));
  it.each<[string, Record<string, unknown>, GeminiEmbedMethod, string]>([
    ['no content', {}, 'embedContent', 'content'],
    ['content without parts', { content: {} }, 'embedContent', 'content.parts'],
    ['no parts', { content: { parts: [] } }, 'embedContent', 'content.parts'],
    ['an empty text', { content: text('') }, 'embedContent', 'content.parts'],
    [
      'an image part',
      { content: { parts: [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }] } },
      'embedContent',
      'content.parts[0]',
    ],
    [
      'zero dimensions',
      { content: text('x'), outputDimensionality: 0 },
      'embedContent',
      'outputDimensionality',
    ],
    [
      'fractional dimensions',
      { content: text('x'), outputDimensionality: 1.5 },
      'embedContent',
      'outputDimensionality',
    ],
    ['a task type that is not a string', { content: text('x'), taskType: 3 }, 'embedContent', 'taskType'],
    ['another model', { content: text('x'), model: 'models/other' }, 'embedContent', 'model'],
    ['no requests', {}, 'batchEmbedContents', 'requests'],
    ['empty requests', { requests: [] }, 'batchEmbedContents', 'requests'],
    ['too many requests', { requests: tooMany }, 'batchEmbedContents', 'requests'],
    ['a request that is not an object', { requests: ['x'] }, 'batchEmbedContents', 'requests[0]'],
    [
      'a request naming another model',
      {
        requests: [
          { content: text('x'), model: 'models/m' },
          { content: text('y'), model: 'models/n' },
        ],
      },
      'batchEmbedContents',
      'requests[1].model',
    ],
    [
      'a request without text',
      { requests: [{ content: text('x') }, { content: text('') }] },
      'batchEmbedContents',
      'requests[1].content.parts',
    ],
    [
      'dimensions that differ between requests',
      {
        requests: [
          { content: text('x'), outputDimensionality: 4 },
          { content: text('y'), outputDimensionality: 8 },
        ],
      },
      'batchEmbedContents',
      'requests[1].outputDimensionality',
    ],
  ])('refuses %s with a 400 naming the field', (_name, json, method, param) => {
    let caught: unknown;
    try {
      decodeGeminiEmbedRequest(json, method, 'm');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).status).toBe(400);
    expect((caught as GatewayError).param).toBe(param);
    expect((caught as GatewayError).message).toContain(`'${param}'`);
  });
});

describe('decodeGeminiEmbedRequest ∘ encodeGeminiEmbedRequest', () => {
  const request = (fields: Partial<EmbeddingRequest>): EmbeddingRequest => ({
    model: 'text-embedding-004',
    input: { kind: 'text', texts: ['a'] },
    single: true,
    dimensions: undefined,
    encodingFormat: 'float',
    ...fields,
  });

  it.each<[string, EmbeddingRequest]>([
    ['one text', request({})],
    ['one text with dimensions', request({ dimensions: 256 })],
    ['a list of one', request({ single: false })],
    [
      'a list with dimensions',
      request({ input: { kind: 'text', texts: ['a', 'b', 'c'] }, single: false, dimensions: 8 }),
    ],
  ])('gives back %s', (_name, original) => {
    const encoded = encodeGeminiEmbedRequest(original, original.model);
    const decoded = decodeGeminiEmbedRequest(encoded.body, encoded.method, original.model);
    expect(decoded.method).toBe(encoded.method);
    expect(decoded.request).toEqual(original);
    expect(decoded.geminiOnly).toEqual([]);
  });
});
