import type { Usage } from '../../core/usage.ts';
import type { GeminiUsageMetadata } from './gemini-wire-types.ts';

/** Core usage as Gemini reports it: thoughts apart from the candidates, zero counts left out. */
export function encodeGeminiUsage(usage: Usage): GeminiUsageMetadata {
  const thoughts = Math.min(usage.reasoningTokens, usage.outputTokens);
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens - thoughts,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    ...(usage.cachedInputTokens > 0 ? { cachedContentTokenCount: usage.cachedInputTokens } : {}),
  };
}
