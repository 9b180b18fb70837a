import { describe, expect, it } from 'vitest';
import { encodeOpenAiImagesResponse } from './encode-openai-images-response.ts';

const images = [
  { mimeType: 'image/png', base64: 'AAAA' },
  { mimeType: 'image/jpeg', base64: 'BBBB' },
];

describe('encodeOpenAiImagesResponse', () => {
  it('answers b64_json unless the client asked for url', () => {
    expect(
      encodeOpenAiImagesResponse({ images, usage: undefined, refusal: undefined }, undefined, 1700),
    ).toEqual({
      created: 1700,
      data: [{ b64_json: 'AAAA' }, { b64_json: 'BBBB' }],
    });
  });

  it('answers url as data: URLs holding the bytes, with token usage when known', () => {
    const usage = {
      inputTokens: 5,
      outputTokens: 1290,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    };
    expect(encodeOpenAiImagesResponse({ images, usage, refusal: undefined }, 'url', 1700)).toEqual({
      created: 1700,
      data: [{ url: 'data:image/png;base64,AAAA' }, { url: 'data:image/jpeg;base64,BBBB' }],
      usage: { input_tokens: 5, output_tokens: 1290, total_tokens: 1295 },
    });
  });
});
