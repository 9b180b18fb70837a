import type { ChatRequest, ReasoningEffort } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { effortIgnoredWarning } from '../effort-ignored-warning.ts';
import { leastThinking, thinkingBudgetRange, type BudgetRange } from './gemini-least-thinking.ts';
import type { GeminiThinkingConfig } from './gemini-wire-types.ts';

/** The largest budget every Gemini 2.5 and 3 model takes (2.5 Flash and Flash-Lite cap at 24,576). */
const commonMostBudget = 24_576;

/**
 * Thinking budgets for an effort level, which every Gemini 2.5 and 3 model takes (2.5 Pro's floor is
 * 128), while `thinkingLevel` is refused by 2.5 models. `xhigh` and `max` ask for more than `high`:
 * they get the model's most where its range is known (2.5 Pro's 32,768; 24,576 for 2.5 Flash), and
 * otherwise 24,576, which no model refuses. `high` stays 24,576, a step below 2.5 Pro's most.
 */
function budgetFor(effort: Exclude<ReasoningEffort, 'none'>, range: BudgetRange | undefined): number {
  switch (effort) {
    case 'minimal':
      return 512;
    case 'low':
      return 1024;
    case 'medium':
      return 8192;
    case 'high':
      return commonMostBudget;
    case 'xhigh':
    case 'max':
      return range?.max ?? commonMostBudget;
    default: {
      const unreachable: never = effort;
      throw new Error(`unknown effort ${String(unreachable)}`);
    }
  }
}

/**
 * Thinking off: a budget of 0, asking for no thoughts; or, for a model that cannot turn thinking off
 * (and would refuse the request), the least thinking it takes, with a warning.
 */
function thinkingOff(upstreamModel: string, warnings: TranslationWarning[]): GeminiThinkingConfig {
  const least = leastThinking(upstreamModel);
  if (least === undefined) return { thinkingBudget: 0 };
  warnings.push({
    type: 'changed-value',
    field: 'reasoning',
    message: `${upstreamModel} cannot turn thinking off; ${least.description}, its least, was sent`,
  });
  return least.config;
}

/** `budget` raised or lowered into `range`: a model refuses a budget outside its own with a 400. */
const fitBudget = (budget: number, range: BudgetRange | undefined): number =>
  range === undefined ? budget : Math.min(Math.max(budget, range.min), range.max);

/** A budget the client set, as one the model takes: changed only when out of its range, with a warning. */
function clientBudget(budget: number, upstreamModel: string, warnings: TranslationWarning[]): number {
  const range = thinkingBudgetRange(upstreamModel);
  const fitted = fitBudget(budget, range);
  if (range === undefined || fitted === budget) return budget;
  warnings.push({
    type: 'changed-value',
    field: 'reasoning',
    message: `${upstreamModel} takes thinking budgets of ${range.min} to ${range.max} tokens; a budget of ${fitted} tokens was sent instead of ${budget}`,
  });
  return fitted;
}

/**
 * Core reasoning as `thinkingConfig`. Thoughts are always asked for (`includeThoughts`), so they
 * can be relayed to clients that show them; a budget of 0 (or effort `none`) turns thinking off and
 * asks for none. A bare `{}` leaves the budget to the model (Gemini's dynamic thinking).
 */
export function encodeGeminiThinking(
  reasoning: ChatRequest['reasoning'],
  upstreamModel: string,
  warnings: TranslationWarning[],
): GeminiThinkingConfig | undefined {
  if (reasoning === undefined) return undefined;
  if (reasoning.budgetTokens === 0) return thinkingOff(upstreamModel, warnings);
  if (reasoning.budgetTokens !== undefined) {
    if (reasoning.effort !== undefined) warnings.push({ ...effortIgnoredWarning });
    return {
      thinkingBudget: clientBudget(reasoning.budgetTokens, upstreamModel, warnings),
      includeThoughts: true,
    };
  }
  if (reasoning.effort === undefined) return { includeThoughts: true };
  if (reasoning.effort === 'none') return thinkingOff(upstreamModel, warnings);
  const range = thinkingBudgetRange(upstreamModel);
  const budget = fitBudget(budgetFor(reasoning.effort, range), range);
  warnings.push({
    type: 'changed-value',
    field: 'reasoning_effort',
    message: `Reasoning effort '${reasoning.effort}' was sent as a thinking budget of ${budget} tokens`,
  });
  return { thinkingBudget: budget, includeThoughts: true };
}
