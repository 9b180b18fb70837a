import { tokenCount as count } from '../../core/token-count.ts';
import type { Usage } from '../../core/usage.ts';
import type { AnthropicUsage } from './anthropic-wire-types.ts';

/** The token fields of an Anthropic `usage` object that are present (streams report them piecemeal). */
export type PartialAnthropicUsage = Partial<AnthropicUsage>;

/** Reads the counts that are present as numbers; absent and `null` fields are left out. */
export function readAnthropicUsageFields(usage: unknown): PartialAnthropicUsage {
  if (typeof usage !== 'object' || usage === null) return {};
  const fields: PartialAnthropicUsage = {};
  const record = usage as Record<string, unknown>;
  for (const key of [
    'input_tokens',
    'output_tokens',
    'cache_creation_input_tokens',
    'cache_read_input_tokens',
  ] as const) {
    if (typeof record[key] === 'number') fields[key] = count(record[key]);
  }
  return fields;
}

/**
 * Anthropic usage → core usage. Anthropic's `input_tokens` excludes cache reads and cache writes;
 * the core counts all input in `inputTokens` (as OpenAI does). Anthropic does not report thinking
 * tokens apart from output.
 */
export function readAnthropicUsage(usage: PartialAnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: count((usage.input_tokens ?? 0) + cacheRead + cacheWrite),
    outputTokens: usage.output_tokens ?? 0,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: 0,
  };
}

/** Core usage → Anthropic usage: input without the cache reads and writes it includes. */
export function toAnthropicUsage(usage: Usage | undefined): AnthropicUsage {
  if (usage === undefined) {
    return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  }
  return {
    input_tokens: Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
  };
}
