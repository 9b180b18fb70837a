import type { GeminiThinkingConfig } from './gemini-wire-types.ts';

export interface LeastThinking {
  config: GeminiThinkingConfig;
  /** For the warning: what was sent instead of thinking off. */
  description: string;
}

/** The thinking budgets a model takes with thinking on, in tokens. */
export interface BudgetRange {
  min: number;
  max: number;
}

interface ThinkingModel {
  pattern: RegExp;
  /** Undefined: the range is not known, and a budget goes as asked. */
  budgets?: BudgetRange;
  /** The least thinking of a model that cannot turn thinking off; undefined: it can (budget 0). */
  least?: LeastThinking;
}

/**
 * What thinking each Gemini model takes (ai.google.dev/gemini-api/docs/thinking), first match wins.
 * Gemini answers 400 to a budget outside a model's range ("The thinking budget 128 is invalid.
 * Please choose a value between 512 and 24576."): 2.5 Pro takes 128 to 32,768, 2.5 Flash 0 to 24,576,
 * 2.5 Flash-Lite 512 to 24,576, where 0 turns thinking off. 2.5 Pro refuses 0 ("This model only works
 * in thinking mode"), so its least thinking is 128; thinking cannot be disabled for Gemini 3 Pro
 * either, whose lowest `thinkingLevel` is `LOW`.
 */
const thinkingModels: readonly ThinkingModel[] = [
  {
    pattern: /^gemini-2\.5-pro/,
    budgets: { min: 128, max: 32_768 },
    least: { config: { thinkingBudget: 128 }, description: 'a thinking budget of 128 tokens' },
  },
  { pattern: /^gemini-2\.5-flash-lite/, budgets: { min: 512, max: 24_576 } },
  { pattern: /^gemini-2\.5-flash/, budgets: { min: 1, max: 24_576 } },
  {
    pattern: /^gemini-3(\.\d+)?-pro/,
    least: { config: { thinkingLevel: 'LOW' }, description: "thinking level 'LOW'" },
  },
];

function thinkingModel(upstreamModel: string): ThinkingModel | undefined {
  const name = upstreamModel.replace(/^models\//, '');
  return thinkingModels.find(({ pattern }) => pattern.test(name));
}

/** The least thinking `upstreamModel` takes, or undefined for a model that can turn thinking off. */
export function leastThinking(upstreamModel: string): LeastThinking | undefined {
  return thinkingModel(upstreamModel)?.least;
}

/** The thinking budgets `upstreamModel` takes, or undefined where they are not known. */
export function thinkingBudgetRange(upstreamModel: string): BudgetRange | undefined {
  return thinkingModel(upstreamModel)?.budgets;
}
