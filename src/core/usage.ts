/**
 * Token usage, normalised once, in OpenAI's terms: `inputTokens` includes cached input and cache
 * writes (Anthropic reports those apart), `outputTokens` includes reasoning (Gemini reports
 * `thoughtsTokenCount` apart).
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input read from the provider's prompt cache (part of inputTokens). */
  cachedInputTokens: number;
  /** Input written to the provider's prompt cache (part of inputTokens; Anthropic only). */
  cacheWriteTokens: number;
  /** Reasoning tokens (part of outputTokens). */
  reasoningTokens: number;
}
