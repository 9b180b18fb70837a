import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import { maxEmbeddingInputs, parseOpenAiEmbeddingsBody } from './parse-openai-embeddings-body.ts';

const parse = (body: unknown) => parseOpenAiEmbeddingsBody(Buffer.from(JSON.stringify(body)));

function refusal(body: unknown): GatewayError {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseOpenAiEmbeddingsBody', () => {
  it('reads one string as a single text input, floats by default', () => {
    expect(parse({ model: 'm', input: 'hi' }).request).toEqual({
      model: 'm',
      input: { kind: 'text', texts: ['hi'] },
      single: true,
      dimensions: undefined,
      encodingFormat: 'float',
    });
  });

  it('reads a list of strings, dimensions and base64', () => {
    expect(
      parse({ model: 'm', input: ['a', 'b'], dimensions: 256, encoding_format: 'base64' }).request,
    ).toEqual({
      model: 'm',
      input: { kind: 'text', texts: ['a', 'b'] },
      single: false,
      dimensions: 256,
      encodingFormat: 'base64',
    });
  });

  it('reads one token array and a list of them', () => {
    expect(parse({ model: 'm', input: [1, 2, 3] }).request.input).toEqual({
      kind: 'tokens',
      tokens: [[1, 2, 3]],
    });
    expect(parse({ model: 'm', input: [1, 2, 3] }).request.single).toBe(true);
    expect(parse({ model: 'm', input: [[1], [2, 3]] }).request).toMatchObject({
      input: { kind: 'tokens', tokens: [[1], [2, 3]] },
      single: false,
    });
  });

  it.each([
    [{ input: 'x' }, 'model'],
    [{ model: 'm' }, 'input'],
    [{ model: 'm', input: '' }, 'input'],
    [{ model: 'm', input: [] }, 'input'],
    [{ model: 'm', input: 7 }, 'input'],
    [{ model: 'm', input: ['a', 2] }, 'input[1]'],
    [{ model: 'm', input: ['a', ''] }, 'input[1]'],
    [{ model: 'm', input: [1, -2] }, 'input'],
    [{ model: 'm', input: [[1], 'a'] }, 'input[1]'],
    [{ model: 'm', input: [[1], []] }, 'input[1]'],
    [{ model: 'm', input: [{}] }, 'input[0]'],
    [{ model: 'm', input: Array.from({ length: maxEmbeddingInputs + 1 }, () => 'a') }, 'input'],
    [{ model: 'm', input: 'x', dimensions: 0 }, 'dimensions'],
    [{ model: 'm', input: 'x', dimensions: 1.5 }, 'dimensions'],
    [{ model: 'm', input: 'x', encoding_format: 'hex' }, 'encoding_format'],
    [{ model: 'm', input: 'x', user: 5 }, 'user'],
  ])('refuses %j with a 400 naming %s', (body, param) => {
    const error = refusal(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(`'${param}'`);
  });

  it('refuses a body that is not JSON', () => {
    expect(() => parseOpenAiEmbeddingsBody(Buffer.from('{'))).toThrow(GatewayError);
  });
});
