import { describe, expect, it } from 'vitest';
import type { TranslationWarning } from '../../core/warning.ts';
import { encodeGeminiThinking } from './encode-gemini-thinking.ts';

function encode(budgetTokens: number, model: string) {
  const warnings: TranslationWarning[] = [];
  const config = encodeGeminiThinking({ budgetTokens }, model, warnings);
  return { config, warnings };
}

// Gemini answers 400 to a budget outside the model's range ("The thinking budget 128 is invalid.
// Please choose a value between 512 and 24576."); an Anthropic client may send up to its max_tokens.
describe('a thinking budget outside the range of the Gemini model', () => {
  it.each([
    ['gemini-2.5-pro', 100, 128, '128 to 32768'],
    ['gemini-2.5-pro', 50_000, 32_768, '128 to 32768'],
    ['models/gemini-2.5-pro-preview-06-05', 64, 128, '128 to 32768'],
    ['gemini-2.5-flash', 32_000, 24_576, '1 to 24576'],
    ['gemini-2.5-flash-lite', 256, 512, '512 to 24576'],
    ['gemini-2.5-flash-lite-preview-06-17', 30_000, 24_576, '512 to 24576'],
  ])('to %s: %d is raised or lowered to %d, with a warning', (model, asked, sent, range) => {
    const { config, warnings } = encode(asked, model);
    expect(config).toEqual({ thinkingBudget: sent, includeThoughts: true });
    expect(warnings).toEqual([
      {
        type: 'changed-value',
        field: 'reasoning',
        message: `${model} takes thinking budgets of ${range} tokens; a budget of ${sent} tokens was sent instead of ${asked}`,
      },
    ]);
  });

  it.each([
    ['gemini-2.5-pro', 128],
    ['gemini-2.5-pro', 32_768],
    ['gemini-2.5-flash', 1],
    ['gemini-2.5-flash', 24_576],
    ['gemini-2.5-flash-lite', 512],
    // Ranges not known: the budget goes as asked.
    ['gemini-3-pro-preview', 50_000],
    ['gemini-2.0-flash-thinking-exp', 100],
  ])('to %s: %d, in range or of a range not known, is sent as it is', (model, budget) => {
    const { config, warnings } = encode(budget, model);
    expect(config).toEqual({ thinkingBudget: budget, includeThoughts: true });
    expect(warnings).toEqual([]);
  });

  it('leaves thinking off (a budget of 0) to the models that can turn it off', () => {
    expect(encode(0, 'gemini-2.5-flash-lite')).toEqual({ config: { thinkingBudget: 0 }, warnings: [] });
  });
});

// `xhigh` and `max` ask for the most thinking; 2.5 Pro takes up to 32,768 tokens, but got 24,576.
describe('an effort level as a thinking budget', () => {
  const encodeEffort = (effort: 'high' | 'xhigh' | 'max', model: string) => {
    const warnings: TranslationWarning[] = [];
    const config = encodeGeminiThinking({ effort }, model, warnings);
    return { config, warnings };
  };

  it.each([
    ['gemini-2.5-pro', 'xhigh', 32_768],
    ['gemini-2.5-pro', 'max', 32_768],
    ['gemini-2.5-pro', 'high', 24_576],
    ['gemini-2.5-flash', 'max', 24_576],
    ['gemini-2.5-flash-lite', 'xhigh', 24_576],
    // Range not known: the largest budget every model takes.
    ['gemini-3-pro-preview', 'max', 24_576],
  ] as const)("to %s: '%s' is a budget of %d, with a warning", (model, effort, budget) => {
    const { config, warnings } = encodeEffort(effort, model);
    expect(config).toEqual({ thinkingBudget: budget, includeThoughts: true });
    expect(warnings).toEqual([
      {
        type: 'changed-value',
        field: 'reasoning_effort',
        message: `Reasoning effort '${effort}' was sent as a thinking budget of ${budget} tokens`,
      },
    ]);
  });
});
