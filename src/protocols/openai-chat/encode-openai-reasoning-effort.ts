import type { ChatRequest, ReasoningEffort } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { effortIgnoredWarning } from '../effort-ignored-warning.ts';
import { effortsTaken, nearestEffort } from './openai-reasoning-efforts.ts';

/** A thinking budget as the nearest OpenAI effort. */
export function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 1024) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

/** What the client asked for, as an effort: thinking off is `none`, a budget the nearest effort. */
function askedEffort(reasoning: NonNullable<ChatRequest['reasoning']>): ReasoningEffort | undefined {
  const { effort, budgetTokens } = reasoning;
  if (budgetTokens === 0) return 'none';
  if (budgetTokens !== undefined) return effortForBudget(budgetTokens);
  return effort;
}

/** The warning for `asked` sent as `sent`, or undefined when nothing needs saying. */
function effortWarning(
  reasoning: NonNullable<ChatRequest['reasoning']>,
  asked: ReasoningEffort,
  sent: ReasoningEffort,
  upstreamModel: string,
): TranslationWarning | undefined {
  const { budgetTokens } = reasoning;
  if (budgetTokens !== undefined && budgetTokens > 0) {
    const fitted = sent === asked ? '' : `, the nearest ${upstreamModel} takes`;
    return {
      type: 'changed-value',
      field: 'thinking.budget_tokens',
      message: `a thinking budget of ${budgetTokens} tokens was sent as reasoning_effort '${sent}'${fitted}`,
    };
  }
  if (sent === asked) return undefined;
  if (asked === 'none') {
    return {
      type: 'changed-value',
      field: 'reasoning',
      message: `${upstreamModel} cannot turn reasoning off; reasoning_effort '${sent}', its least, was sent`,
    };
  }
  return {
    type: 'changed-value',
    field: 'reasoning_effort',
    message: `${upstreamModel} does not take reasoning_effort '${asked}'; '${sent}', the nearest it takes, was sent`,
  };
}

/**
 * Core reasoning as `reasoning_effort`. The budget, the more specific setting, wins over an effort
 * sent with it, as in the other encoders; OpenAI takes only an effort, so it goes as the nearest one.
 * A known reasoning model refuses an effort it does not take with a 400, so it gets the nearest one it
 * takes (see nearestEffort), warned; thinking off, which would otherwise be reasoning at the default
 * `medium`, billed, becomes its least. A model not in the table gets the effort as asked, except thinking
 * off by a budget of 0: no effort, since non-reasoning models refuse any. The model is looked up only
 * when an effort is to be sent.
 */
export function encodeOpenAiReasoningEffort(
  reasoning: ChatRequest['reasoning'],
  upstreamModel: string,
  warnings: TranslationWarning[],
): ReasoningEffort | undefined {
  if (reasoning === undefined) return undefined;
  if (reasoning.budgetTokens !== undefined && reasoning.effort !== undefined) {
    warnings.push({ ...effortIgnoredWarning });
  }
  const asked = askedEffort(reasoning);
  if (asked === undefined) return undefined;
  const taken = effortsTaken(upstreamModel);
  if (taken === undefined && reasoning.budgetTokens === 0) return undefined;
  const sent = taken === undefined ? asked : nearestEffort(asked, taken);
  const warning = effortWarning(reasoning, asked, sent, upstreamModel);
  if (warning !== undefined) warnings.push(warning);
  return sent;
}
