import type { ChatResponse } from '../../core/chat-response.ts';
import type { FinishReason } from '../../core/finish-reason.ts';
import type { StreamEncoderOptions } from '../wire-protocol.ts';
import { encodeGeminiModelParts } from './encode-gemini-model-parts.ts';
import { encodeGeminiUsage } from './encode-gemini-usage.ts';
import type { GeminiCandidate, GeminiFinishReason, GeminiPart, GeminiResponse } from './gemini-wire-types.ts';
import { encodeGeminiFinishReason } from './map-gemini-finish-reason.ts';

/**
 * The finish reason a Gemini client sees. Gemini itself never hands out a call it could not parse:
 * it ends with MALFORMED_FUNCTION_CALL instead. So a call whose arguments are not a JSON object is
 * left out, and the reason says so (unless the output was cut short, which explains it better).
 */
export function geminiClientFinishReason(
  reason: FinishReason,
  droppedMalformedCall: boolean,
): GeminiFinishReason {
  if (droppedMalformedCall && reason.unified !== 'length') return 'MALFORMED_FUNCTION_CALL';
  return encodeGeminiFinishReason(reason);
}

/** A candidate as Gemini shapes it: a safety stop with nothing said carries no content at all. */
export function geminiCandidate(parts: GeminiPart[], finishReason?: GeminiFinishReason): GeminiCandidate {
  const filtered = finishReason !== undefined && finishReason !== 'STOP' && finishReason !== 'MAX_TOKENS';
  return {
    ...(parts.length > 0 || !filtered ? { content: { role: 'model' as const, parts } } : {}),
    ...(finishReason !== undefined ? { finishReason } : {}),
    index: 0,
  };
}

/**
 * A core response as the GenerateContentResponse a Google SDK client expects: one candidate with
 * the model's parts (function calls with their ids and thought signatures), the usage with thoughts
 * counted apart, and the model name the client asked for. Thought text only if the client asked
 * for thoughts (`options.includeThoughts`).
 */
export function encodeGeminiResponse(response: ChatResponse, options: StreamEncoderOptions): GeminiResponse {
  const { parts, invalidCalls } = encodeGeminiModelParts(response.content, {
    role: 'client',
    includeThoughts: options.includeThoughts ?? true,
  });
  const finishReason = geminiClientFinishReason(response.finishReason, invalidCalls.length > 0);
  return {
    candidates: [geminiCandidate(parts, finishReason)],
    ...(response.usage ? { usageMetadata: encodeGeminiUsage(response.usage) } : {}),
    modelVersion: options.requestModel,
    responseId: response.id,
  };
}
