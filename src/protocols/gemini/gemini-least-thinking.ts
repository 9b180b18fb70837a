import type { GeminiThinkingConfig } from './gemini-wire-types.ts';

export interface LeastThinking {
  config: GeminiThinkingConfig;
  /** For the warning: what was sent instead of thinking off. */
  description: string;
}

/**
 * Gemini models that cannot turn thinking off, with the least thinking each takes
 * (ai.google.dev/gemini-api/docs/thinking): 2.5 Pro's budgets run from 128 and it refuses 0 ("This
 * model only works in thinking mode"); thinking cannot be disabled for Gemini 3 Pro, whose lowest
 * `thinkingLevel` is `LOW`. The other 2.5 models (Flash, Flash-Lite) take `thinkingBudget: 0`.
 */
const modelsThatMustThink: readonly { pattern: RegExp; least: LeastThinking }[] = [
  {
    pattern: /^gemini-2\.5-pro/,
    least: { config: { thinkingBudget: 128 }, description: 'a thinking budget of 128 tokens' },
  },
  {
    pattern: /^gemini-3(\.\d+)?-pro/,
    least: { config: { thinkingLevel: 'LOW' }, description: "thinking level 'LOW'" },
  },
];

/** The least thinking `upstreamModel` takes, or undefined for a model that can turn thinking off. */
export function leastThinking(upstreamModel: string): LeastThinking | undefined {
  const name = upstreamModel.replace(/^models\//, '');
  return modelsThatMustThink.find(({ pattern }) => pattern.test(name))?.least;
}
