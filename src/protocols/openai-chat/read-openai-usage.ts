import { tokenCount as count } from '../../core/token-count.ts';
import type { Usage } from '../../core/usage.ts';

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** An OpenAI `usage` object (chat completion or stream chunk) as core Usage; undefined if absent. */
export function readOpenAiUsage(usage: unknown): Usage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  return {
    inputTokens: count(field(usage, 'prompt_tokens')),
    outputTokens: count(field(usage, 'completion_tokens')),
    cachedInputTokens: count(field(field(usage, 'prompt_tokens_details'), 'cached_tokens')),
    cacheWriteTokens: 0,
    reasoningTokens: count(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')),
  };
}
