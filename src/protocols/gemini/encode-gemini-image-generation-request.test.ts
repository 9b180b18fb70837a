import { describe, expect, it } from 'vitest';
import type { ImageRequest } from '../../core/image-request.ts';
import {
  encodeGeminiImageGenerationRequest,
  nearestAspectRatio,
} from './encode-gemini-image-generation-request.ts';

const request = (fields: Partial<ImageRequest>): ImageRequest => ({
  model: 'gemini-2.5-flash-image',
  prompt: 'a red kite',
  count: 1,
  size: undefined,
  responseFormat: undefined,
  ...fields,
});

describe('encodeGeminiImageGenerationRequest', () => {
  it('asks generateContent for an IMAGE answer to the prompt', () => {
    expect(encodeGeminiImageGenerationRequest(request({}))).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'a red kite' }] }],
      generationConfig: { responseModalities: ['IMAGE'] },
    });
  });

  it('maps n to candidateCount and the size to an aspect ratio', () => {
    expect(
      encodeGeminiImageGenerationRequest(request({ count: 3, size: { width: 1024, height: 1536 } }))
        .generationConfig,
    ).toEqual({ responseModalities: ['IMAGE'], candidateCount: 3, imageConfig: { aspectRatio: '2:3' } });
  });
});

describe('nearestAspectRatio', () => {
  it.each([
    [1024, 1024, '1:1'],
    [1536, 1024, '3:2'],
    [1792, 1024, '16:9'],
    [1024, 1792, '9:16'],
    [512, 256, '16:9'],
    [2560, 1080, '21:9'],
    [1000, 800, '5:4'],
  ])('%i×%i → %s', (width, height, ratio) => {
    expect(nearestAspectRatio(width, height)).toBe(ratio);
  });
});
