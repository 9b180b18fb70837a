import { describe, expect, it } from 'vitest';
import { decodeGeminiImageGenerationResponse } from './decode-gemini-image-generation-response.ts';

describe('decodeGeminiImageGenerationResponse', () => {
  it('collects the inline images of every candidate, with usage; text parts are dropped', () => {
    const decoded = decodeGeminiImageGenerationResponse({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: 'Here it is' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
          },
          finishReason: 'STOP',
        },
        {
          content: { parts: [{ inlineData: { mimeType: 'image/jpeg', data: 'BBBB' } }] },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: { promptTokenCount: 6, candidatesTokenCount: 2580, totalTokenCount: 2586 },
    });
    expect(decoded.images).toEqual([
      { mimeType: 'image/png', base64: 'AAAA' },
      { mimeType: 'image/jpeg', base64: 'BBBB' },
    ]);
    expect(decoded.usage).toMatchObject({ inputTokens: 6, outputTokens: 2580 });
    expect(decoded.refusal).toBeUndefined();
  });

  it('reports a refusal when there is no image: the block reason, else the finish reason', () => {
    expect(
      decodeGeminiImageGenerationResponse({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }).refusal,
    ).toBe('PROHIBITED_CONTENT');
    expect(
      decodeGeminiImageGenerationResponse({
        candidates: [{ content: { parts: [{ text: 'no' }] }, finishReason: 'IMAGE_SAFETY' }],
      }).refusal,
    ).toBe('IMAGE_SAFETY');
  });

  it('throws on a body that is not a generateContent response', () => {
    expect(() => decodeGeminiImageGenerationResponse('x')).toThrow();
    expect(() => decodeGeminiImageGenerationResponse({ candidates: {} })).toThrow();
  });
});
