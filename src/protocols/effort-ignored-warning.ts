import type { TranslationWarning } from '../core/warning.ts';

/**
 * A request with both a thinking budget and an effort level (an Anthropic client's
 * `thinking.budget_tokens` with `output_config.effort`): every encoder sends the budget, the more
 * specific of the two (OpenAI, which takes only an effort, gets the one nearest the budget), and
 * tells the client so in these same words, whichever format serves it.
 */
export const effortIgnoredWarning: Readonly<TranslationWarning> = {
  type: 'unsupported-setting',
  field: 'reasoning.effort',
  message: 'the thinking budget is sent; the effort level is ignored',
};
