import { tokenCount } from '../../core/token-count.ts';
import type { Usage } from '../../core/usage.ts';
import { isRecord } from '../request-checks.ts';

const countFields = [
  'promptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'cachedContentTokenCount',
  'toolUsePromptTokenCount',
] as const;

/**
 * Gemini's `usageMetadata` as core Usage, or undefined when it holds no counts (Vertex streams open
 * with `{"trafficType": …}` alone). Gemini counts thoughts apart from the candidates and cached
 * tokens inside the prompt; tool-use prompt tokens (search results and the like) are input too.
 */
export function readGeminiUsage(metadata: unknown): Usage | undefined {
  if (!isRecord(metadata)) return undefined;
  const counts = Object.fromEntries(
    countFields.map((name) => {
      const value = metadata[name];
      return [name, tokenCount(value)];
    }),
  ) as Record<(typeof countFields)[number], number>;
  if (!countFields.some((name) => typeof metadata[name] === 'number')) return undefined;
  return {
    inputTokens: tokenCount(counts.promptTokenCount + counts.toolUsePromptTokenCount),
    outputTokens: tokenCount(counts.candidatesTokenCount + counts.thoughtsTokenCount),
    cachedInputTokens: counts.cachedContentTokenCount,
    cacheWriteTokens: 0,
    reasoningTokens: counts.thoughtsTokenCount,
  };
}
