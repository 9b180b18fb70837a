import type { ChatRequest, ReasoningEffort } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { effortIgnoredWarning } from '../effort-ignored-warning.ts';
import type { AnthropicThinkingConfig } from './anthropic-wire-types.ts';

/**
 * `max_tokens` is required by Anthropic; clients of other formats may leave it out. 4096 is what
 * every current Claude model can produce and enough for a normal answer.
 */
export const defaultMaxTokens = 4096;

/** Anthropic's smallest thinking budget (docs.anthropic.com, "Extended thinking"). */
export const minimumThinkingBudget = 1024;

/**
 * An effort level (OpenAI's `reasoning_effort`) as a thinking budget; `none` is thinking off. The
 * largest stays within what Claude Opus 4.x, the thinking model with the smallest output, produces
 * (32,000 tokens) once the default room for the answer is added.
 */
export const effortBudgets: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 4096,
  high: 16384,
  xhigh: 24576,
  max: 32000 - defaultMaxTokens,
};

export interface EncodedThinking {
  thinking?: AnthropicThinkingConfig;
  max_tokens: number;
}

/**
 * `thinking` and `max_tokens` together, since Anthropic requires `budget_tokens < max_tokens`:
 * - a budget of 0 leaves thinking off, as it means in the core request;
 * - reasoning without budget or effort (dynamic thinking) gets the medium effort's budget;
 * - no `maxOutputTokens`: `max_tokens` is the budget plus the default 4096 (room for the answer);
 * - a `maxOutputTokens` at or below the budget is the client's cap on everything generated, so the
 *   budget shrinks to fit under it (or thinking is left off, when less than 1024 would remain).
 * `obstacle` says why thinking cannot be on for this conversation (forced tool use, …); then it is
 * left off with a warning.
 */
export function encodeAnthropicThinking(
  request: ChatRequest,
  obstacle: string | undefined,
  warnings: TranslationWarning[],
): EncodedThinking {
  const explicitMax = request.maxOutputTokens;
  if (request.reasoning === undefined) return { max_tokens: explicitMax ?? defaultMaxTokens };
  const { effort, budgetTokens } = request.reasoning;
  // A budget of 0 is thinking turned off (Gemini's `thinkingBudget: 0`), not a budget to raise.
  if (budgetTokens === 0) return { max_tokens: explicitMax ?? defaultMaxTokens };
  let budget = budgetTokens;
  if (budget === undefined && effort !== undefined) {
    // Asking for no reasoning is Anthropic's default: thinking is simply not sent.
    if (effort === 'none') return { max_tokens: explicitMax ?? defaultMaxTokens };
    budget = effortBudgets[effort];
    warnings.push({
      type: 'changed-value',
      field: 'reasoning.effort',
      message: `Anthropic takes a thinking budget; effort '${effort}' was sent as ${budget} tokens`,
    });
  } else if (budget === undefined) {
    // Reasoning asked for with neither budget nor effort: Gemini's dynamic thinking (`thinkingBudget:
    // -1`, or `includeThoughts` alone). Claude thinks only when given a budget, so the medium one
    // stands in for "as much as the model sees fit" — when the client wants the thoughts back. A
    // client that does not would pay for thinking it never sees, and thinking on would also cost it
    // a forced JSON-schema tool and its temperature: thinking stays off then.
    if (request.reasoning.includeThoughts !== true) {
      warnings.push({
        type: 'unsupported-setting',
        field: 'reasoning',
        message: 'Anthropic takes a thinking budget; dynamic thinking without includeThoughts was left off',
      });
      return { max_tokens: explicitMax ?? defaultMaxTokens };
    }
    budget = effortBudgets.medium;
    warnings.push({
      type: 'changed-value',
      field: 'reasoning',
      message: `Anthropic takes a thinking budget; dynamic thinking was sent as ${budget} tokens`,
    });
  } else if (effort !== undefined) {
    warnings.push({ ...effortIgnoredWarning });
  }
  if (obstacle !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      field: 'reasoning',
      message: `${obstacle}; thinking was left off`,
    });
    return { max_tokens: explicitMax ?? defaultMaxTokens };
  }
  if (budget < minimumThinkingBudget) {
    warnings.push({
      type: 'changed-value',
      field: 'reasoning.budgetTokens',
      message: `raised to Anthropic's minimum of ${minimumThinkingBudget} tokens`,
    });
    budget = minimumThinkingBudget;
  }
  if (explicitMax === undefined) {
    return { thinking: { type: 'enabled', budget_tokens: budget }, max_tokens: budget + defaultMaxTokens };
  }
  if (explicitMax > budget)
    return { thinking: { type: 'enabled', budget_tokens: budget }, max_tokens: explicitMax };
  if (explicitMax - 1 >= minimumThinkingBudget) {
    warnings.push({
      type: 'changed-value',
      field: 'reasoning.budgetTokens',
      message: `lowered to ${explicitMax - 1} tokens: Anthropic requires the budget to stay below max_tokens`,
    });
    return { thinking: { type: 'enabled', budget_tokens: explicitMax - 1 }, max_tokens: explicitMax };
  }
  warnings.push({
    type: 'unsupported-setting',
    field: 'reasoning',
    message: `max_tokens ${explicitMax} leaves no room for Anthropic's minimum thinking budget; thinking was left off`,
  });
  return { max_tokens: explicitMax };
}
