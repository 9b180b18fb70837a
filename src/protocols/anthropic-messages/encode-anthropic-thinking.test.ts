import { describe, expect, it } from 'vitest';
import type { Message } from '../../core/message.ts';
import { encode, fields, user } from './encode-request.test-support.ts';

describe('encodeAnthropicRequest: thinking', () => {
  it('sends a budget, with max_tokens above it', () => {
    expect(encode({ reasoning: { budgetTokens: 2048 }, maxOutputTokens: 8000 }).value).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      max_tokens: 8000,
    });
    // No max from the client: the budget plus the default, so the answer has room.
    expect(encode({ reasoning: { budgetTokens: 2048 } }).value.max_tokens).toBe(2048 + 4096);
  });

  it('maps an effort level to a budget with a warning', () => {
    for (const [effort, budget] of [
      ['low', 1024],
      ['medium', 4096],
      ['high', 16384],
    ] as const) {
      const { value, warnings } = encode({ reasoning: { effort } });
      expect(value.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
      expect(fields(warnings)).toEqual([['changed-value', 'reasoning.effort']]);
    }
  });

  it('turns dynamic thinking (neither budget nor effort) on with the medium budget, and no reasoning off', () => {
    const dynamic = encode({ reasoning: { includeThoughts: true } });
    expect(dynamic.value.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(fields(dynamic.warnings)).toEqual([['changed-value', 'reasoning']]);
    const none = encode({});
    expect(none.value.thinking).toBeUndefined();
    expect(none.warnings).toEqual([]);
  });

  it("leaves thinking off for effort 'none', and keeps larger budgets for 'xhigh' and 'max' under 32,000 output tokens", () => {
    const none = encode({ reasoning: { effort: 'none' } });
    expect(none.value.thinking).toBeUndefined();
    expect(none.value.max_tokens).toBe(4096);
    expect(none.warnings).toEqual([]);
    const budgetOf = (effort: 'xhigh' | 'max'): number => {
      const { thinking } = encode({ reasoning: { effort } }).value;
      return thinking?.type === 'enabled' ? thinking.budget_tokens : 0;
    };
    const max = encode({ reasoning: { effort: 'max' } }).value;
    expect(budgetOf('xhigh')).toBeGreaterThan(16384);
    expect(budgetOf('max')).toBeGreaterThan(budgetOf('xhigh'));
    // Claude Opus 4.x, the smallest thinking model, produces at most 32,000 tokens.
    expect(max.max_tokens).toBeLessThanOrEqual(32_000);
  });

  it('fits the budget under max_tokens, raises it to the minimum, or leaves thinking off', () => {
    const lowered = encode({ reasoning: { budgetTokens: 8000 }, maxOutputTokens: 4000 });
    expect(lowered.value).toMatchObject({ thinking: { budget_tokens: 3999 }, max_tokens: 4000 });
    expect(fields(lowered.warnings)).toEqual([['changed-value', 'reasoning.budgetTokens']]);
    const raised = encode({ reasoning: { budgetTokens: 100 }, maxOutputTokens: 4000 });
    expect(raised.value.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    const off = encode({ reasoning: { budgetTokens: 2000 }, maxOutputTokens: 500 });
    expect(off.value.thinking).toBeUndefined();
    expect(off.value.max_tokens).toBe(500);
    expect(fields(off.warnings)).toEqual([['unsupported-setting', 'reasoning']]);
  });

  it('leaves thinking off for a budget of 0 (Gemini thinkingBudget 0), keeping the sampling', () => {
    const { value, warnings } = encode({ reasoning: { budgetTokens: 0 }, temperature: 0.2 });
    expect(value.thinking).toBeUndefined();
    expect(value).toMatchObject({ max_tokens: 4096, temperature: 0.2 });
    expect(warnings).toEqual([]);
  });

  it('drops temperature, top_k and a low top_p with thinking on, and thinking under forced tool use', () => {
    const { value, warnings } = encode({
      reasoning: { budgetTokens: 2048 },
      temperature: 0.2,
      topK: 5,
      topP: 0.5,
    });
    expect(value).not.toHaveProperty('temperature');
    expect(value).not.toHaveProperty('top_k');
    expect(value).not.toHaveProperty('top_p');
    expect(fields(warnings)).toEqual([
      ['unsupported-setting', 'temperature'],
      ['unsupported-setting', 'topP'],
      ['unsupported-setting', 'topK'],
    ]);
    const forced = encode({
      reasoning: { budgetTokens: 2048 },
      tools: [{ name: 'f', parameters: { type: 'object' } }],
      toolChoice: 'required',
    });
    expect(forced.value.thinking).toBeUndefined();
    expect(fields(forced.warnings)).toEqual([['unsupported-setting', 'reasoning']]);
  });

  it('leaves thinking off when the last tool-use turn has no Anthropic thinking block to open it', () => {
    const toolTurn = (content: Message['content']): Message[] => [
      user('Go'),
      { role: 'assistant', content } as Message,
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', content: [] }] },
    ];
    const call = { type: 'tool-call' as const, id: 'c', name: 'f', arguments: '{}' };
    const unsigned = encode({
      reasoning: { budgetTokens: 2048 },
      messages: toolTurn([{ type: 'thinking', text: 'from DeepSeek' }, call]),
    });
    expect(unsigned.value.thinking).toBeUndefined();
    expect(fields(unsigned.warnings)).toEqual([
      ['unsupported-content', 'messages[1].content[0]'],
      ['unsupported-setting', 'reasoning'],
    ]);
    const signed = encode({
      reasoning: { budgetTokens: 2048 },
      messages: toolTurn([{ type: 'thinking', text: 'mine', signature: 'sig' }, call]),
    });
    expect(signed.value.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(signed.warnings).toEqual([]);
  });

  it('drops thinking Gemini signed, whole and with a warning, and keeps its own and unattributed ones', () => {
    const signature = 'EqQBCkYIBxgCKkBnUyv6+/signature==';
    const { value, warnings } = encode({
      reasoning: { budgetTokens: 2048 },
      messages: [
        user('Q'),
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'Gemini thought.', signature: 'c2lnMQ==', signatureSource: 'gemini' },
            { type: 'thinking', text: '', signature: 'c2lnMg==', signatureSource: 'gemini' },
            { type: 'thinking', text: 'Mine.', signature, signatureSource: 'anthropic-messages' },
            { type: 'thinking', text: 'Older.', signature },
            { type: 'text', text: 'A' },
          ],
        },
        user('Q2'),
      ],
    });
    expect(value.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Mine.', signature },
        { type: 'thinking', thinking: 'Older.', signature },
        { type: 'text', text: 'A' },
      ],
    });
    expect(fields(warnings)).toEqual([
      ['unsupported-content', 'messages[1].content[0]'],
      ['unsupported-content', 'messages[1].content[1]'],
    ]);
    expect(warnings[0]?.message).toContain("signed by 'gemini'");
  });

  it('leaves thinking off when a tool-use turn loses its Gemini-signed thinking', () => {
    const { value, warnings } = encode({
      reasoning: { budgetTokens: 2048 },
      messages: [
        user('Weather?'),
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'Call it.', signature: 'c2lnMQ==', signatureSource: 'gemini' },
            { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{}' },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: [] }] },
      ],
    });
    expect(value.messages[1]?.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'weather', input: {} },
    ]);
    expect(value.thinking).toBeUndefined();
    expect(fields(warnings)).toEqual([
      ['unsupported-content', 'messages[1].content[0]'],
      ['unsupported-setting', 'reasoning'],
    ]);
  });
});
