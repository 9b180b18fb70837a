import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import { parseOpenAiImagesBody } from './parse-openai-images-body.ts';

const parse = (body: unknown) => parseOpenAiImagesBody(Buffer.from(JSON.stringify(body)));

describe('parseOpenAiImagesBody', () => {
  it('reads the prompt, count, size and response format', () => {
    expect(
      parse({ model: 'dall-e-3', prompt: 'a cat', n: 1, size: '1792x1024', response_format: 'b64_json' })
        .request,
    ).toEqual({
      model: 'dall-e-3',
      prompt: 'a cat',
      count: 1,
      size: { width: 1792, height: 1024 },
      responseFormat: 'b64_json',
    });
  });

  it("defaults like OpenAI's API: DALL·E 2, one image, the model's size", () => {
    expect(parse({ prompt: 'x', size: 'auto' }).request).toEqual({
      model: 'dall-e-2',
      prompt: 'x',
      count: 1,
      size: undefined,
      responseFormat: undefined,
    });
  });

  it.each([
    [{ model: 'm' }, 'prompt'],
    [{ prompt: '' }, 'prompt'],
    [{ prompt: 'x', model: 5 }, 'model'],
    [{ prompt: 'x', n: 0 }, 'n'],
    [{ prompt: 'x', n: 11 }, 'n'],
    [{ prompt: 'x', n: 1.5 }, 'n'],
    [{ prompt: 'x', size: '1024' }, 'size'],
    [{ prompt: 'x', size: '0x10' }, 'size'],
    [{ prompt: 'x', response_format: 'png' }, 'response_format'],
    [{ prompt: 'x', stream: true }, 'stream'],
  ])('refuses %j with a 400 naming %s', (body, param) => {
    let error: unknown;
    try {
      parse(body);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    expect((error as GatewayError).param).toBe(param);
  });
});
