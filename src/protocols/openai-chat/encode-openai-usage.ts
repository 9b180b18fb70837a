import type { Usage } from '../../core/usage.ts';
import type { OpenAiUsage } from './openai-chat-wire-types.ts';

export function encodeOpenAiUsage(usage: Usage): OpenAiUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
