/** Token usage, normalised: `inputTokens` includes cached input (as OpenAI counts it). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
}
