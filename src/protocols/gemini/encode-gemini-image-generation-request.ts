import type { ImageRequest } from '../../core/image-request.ts';

/** The aspect ratios Gemini image models take (ai.google.dev, "Image generation", imageConfig). */
const aspectRatios = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;

const ratioOf = (text: string): number => {
  const [width, height] = text.split(':').map(Number);
  return width! / height!;
};

/** The supported aspect ratio closest to `width`×`height` (1792x1024 → 16:9). */
export function nearestAspectRatio(width: number, height: number): (typeof aspectRatios)[number] {
  const wanted = Math.log(width / height);
  let best: (typeof aspectRatios)[number] = '1:1';
  for (const ratio of aspectRatios) {
    if (Math.abs(Math.log(ratioOf(ratio)) - wanted) < Math.abs(Math.log(ratioOf(best)) - wanted))
      best = ratio;
  }
  return best;
}

/**
 * An image request for a Gemini image model (gemini-2.5-flash-image and later):
 * `models/{model}:generateContent` with the prompt as the user's text and
 * `generationConfig.responseModalities: ["IMAGE"]`; the size becomes `imageConfig.aspectRatio`
 * (Gemini picks the resolution), `n` becomes `candidateCount`.
 */
export function encodeGeminiImageGenerationRequest(request: ImageRequest): Record<string, unknown> {
  return {
    contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
    generationConfig: {
      responseModalities: ['IMAGE'],
      ...(request.count > 1 ? { candidateCount: request.count } : {}),
      ...(request.size === undefined
        ? {}
        : { imageConfig: { aspectRatio: nearestAspectRatio(request.size.width, request.size.height) } }),
    },
  };
}
