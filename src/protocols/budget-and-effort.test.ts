import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../core/chat-request.ts';
import type { TranslationWarning } from '../core/warning.ts';
import { encodeAnthropicRequest } from './anthropic-messages/encode-anthropic-request.ts';
import { encodeGeminiRequest } from './gemini/encode-gemini-request.ts';
import { encodeOpenAiChatRequest } from './openai-chat/encode-openai-chat-request.ts';

/**
 * An Anthropic client can send a thinking budget and an effort level together
 * (`thinking.budget_tokens` and `output_config.effort`). Every upstream format gets the budget, the
 * more specific of the two, and the client is told the same thing whichever one serves it.
 */

const request: ChatRequest = {
  model: 'any',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  stream: false,
  reasoning: { budgetTokens: 2000, effort: 'low' },
};

const effortIgnored = (warnings: TranslationWarning[]) =>
  warnings.filter((warning) => warning.field === 'reasoning.effort');

describe('a thinking budget with an effort level', () => {
  it('sends the budget to every upstream format and reports the effort ignored, in the same words', () => {
    const anthropic = encodeAnthropicRequest(request, 'claude-sonnet-4-5');
    const gemini = encodeGeminiRequest(request, 'gemini-2.5-flash');
    const openAi = encodeOpenAiChatRequest(request, 'o4-mini');

    expect(anthropic.value).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2000 } });
    expect(gemini.value).toMatchObject({ generationConfig: { thinkingConfig: { thinkingBudget: 2000 } } });
    // OpenAI takes only an effort: the one nearest the budget, not the client's 'low'.
    expect(openAi.value).toMatchObject({ reasoning_effort: 'medium' });

    const expected = [
      {
        type: 'unsupported-setting',
        field: 'reasoning.effort',
        message: 'the thinking budget is sent; the effort level is ignored',
      },
    ];
    expect(effortIgnored(anthropic.warnings)).toEqual(expected);
    expect(effortIgnored(gemini.warnings)).toEqual(expected);
    expect(effortIgnored(openAi.warnings)).toEqual(expected);
  });
});
