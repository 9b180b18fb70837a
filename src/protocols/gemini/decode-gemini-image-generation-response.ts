import type { GeneratedImages } from '../../core/generated-image.ts';
import { isRecord } from '../request-checks.ts';
import { readGeminiUsage } from './read-gemini-usage.ts';

/**
 * The images in a Gemini generateContent answer: every `inlineData` part of every candidate, in
 * order (text parts beside them are dropped). No image at all is a refusal: the candidate's
 * `finishReason` or the prompt's `promptFeedback.blockReason` says why. Throws on a body that is not
 * a generateContent response.
 */
export function decodeGeminiImageGenerationResponse(json: unknown): GeneratedImages {
  if (!isRecord(json)) throw new Error('Gemini image response: not a JSON object');
  const candidates = json.candidates;
  if (candidates !== undefined && !Array.isArray(candidates)) {
    throw new Error("Gemini image response: 'candidates' is not an array");
  }
  const images: GeneratedImages['images'] = [];
  let finishReason: string | undefined;
  for (const candidate of candidates ?? []) {
    if (!isRecord(candidate)) continue;
    if (typeof candidate.finishReason === 'string') finishReason ??= candidate.finishReason;
    const content = candidate.content;
    const parts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
    for (const part of parts) {
      const inline = isRecord(part) ? part.inlineData : undefined;
      if (!isRecord(inline) || typeof inline.data !== 'string' || inline.data === '') continue;
      const mimeType = typeof inline.mimeType === 'string' ? inline.mimeType : 'image/png';
      images.push({ mimeType, base64: inline.data });
    }
  }
  const feedback = json.promptFeedback;
  const blockReason =
    isRecord(feedback) && typeof feedback.blockReason === 'string' ? feedback.blockReason : undefined;
  return {
    images,
    usage: readGeminiUsage(json.usageMetadata),
    refusal: images.length > 0 ? undefined : (blockReason ?? finishReason ?? 'no image in the answer'),
  };
}
