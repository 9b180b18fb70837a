import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.ts';
import type { OpenAiChatRequestBody } from './openai-chat-wire-types.ts';
import { encodeOpenAiChatRequest } from './encode-openai-chat-request.ts';
import { toolCallTurn, toolResultTurn } from '../../core/conversation.test-support.ts';

const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude-sonnet-4-5',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  stream: false,
  ...overrides,
});

function encode(overrides: Partial<ChatRequest> = {}) {
  const { value, warnings } = encodeOpenAiChatRequest(request(overrides), 'gpt-4o');
  return { value: value as unknown as OpenAiChatRequestBody, warnings };
}

const fields = (warnings: { type: string; field?: string }[]) =>
  warnings.map((warning) => [warning.type, warning.field]);

const weather = { name: 'get_weather', parameters: { type: 'object', properties: {} } };

describe('encodeOpenAiChatRequest', () => {
  it('sends tool_choice and parallel_tool_calls along with the tools', () => {
    const { value, warnings } = encode({
      tools: [weather],
      toolChoice: 'required',
      parallelToolCalls: false,
    });
    expect(value.tools).toHaveLength(1);
    expect(value.tool_choice).toBe('required');
    expect(value.parallel_tool_calls).toBe(false);
    expect(warnings).toEqual([]);
  });

  // OpenAI answers 400 ("'tool_choice' is only allowed when 'tools' are specified"), e.g. for an
  // Anthropic request whose only tools were server tools, dropped in decoding.
  it('sends no tool_choice or parallel_tool_calls without tools; a forced choice is a warning', () => {
    for (const tools of [undefined, []]) {
      const forced = encode({
        tools,
        toolChoice: { type: 'tool', name: 'web_search' },
        parallelToolCalls: true,
      });
      expect(forced.value).not.toHaveProperty('tools');
      expect(forced.value).not.toHaveProperty('tool_choice');
      expect(forced.value).not.toHaveProperty('parallel_tool_calls');
      expect(fields(forced.warnings)).toEqual([['unsupported-setting', 'toolChoice']]);
    }
    expect(fields(encode({ toolChoice: 'required' }).warnings)).toEqual([
      ['unsupported-setting', 'toolChoice'],
    ]);
    // Without tools, 'auto' and 'none' both mean no tool call: nothing is lost.
    const auto = encode({ toolChoice: 'auto', parallelToolCalls: false });
    expect(auto.value).not.toHaveProperty('tool_choice');
    expect(auto.value).not.toHaveProperty('parallel_tool_calls');
    expect(auto.warnings).toEqual([]);
    expect(encode({ toolChoice: 'none' }).warnings).toEqual([]);
  });

  it('sends a PDF under the name the client gave it, and as document.pdf when it gave none', () => {
    const pdf = { type: 'document' as const, mediaType: 'application/pdf' as const, data: 'JVBERi0xLjQK' };
    const { value, warnings } = encode({
      messages: [{ role: 'user', content: [{ ...pdf, name: 'Q3 report.pdf' }, pdf] }],
    });
    const fileData = 'data:application/pdf;base64,JVBERi0xLjQK';
    expect(value.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'file', file: { file_data: fileData, filename: 'Q3 report.pdf' } },
          { type: 'file', file: { file_data: fileData, filename: 'document.pdf' } },
        ],
      },
    ]);
    expect(warnings).toEqual([]);
  });

  // OpenAI tool messages take text only; the model still sees the images in a user message placed
  // after all the tool messages (a user message between two of them is refused).
  it('sends images of tool results in a user message after the tool messages, with a warning', () => {
    const png = { kind: 'base64' as const, mediaType: 'image/png', data: 'iVBORw0KGgo=' };
    const { value, warnings } = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Screenshots?' }] },
        toolCallTurn(['call_1', 'screenshot', '{}'], ['call_2', 'screenshot', '{}']),
        toolResultTurn('call_1', [
          { type: 'text', text: 'home page' },
          { type: 'image', source: png },
        ]),
        toolResultTurn('call_2', [
          { type: 'image', source: { kind: 'url', url: 'https://example.com/b.png' } },
        ]),
        { role: 'user', content: [{ type: 'text', text: 'Compare them.' }] },
      ],
    });
    expect(value.messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'call_1', content: 'home page' },
      { role: 'tool', tool_call_id: 'call_2', content: '' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'The result of tool call call_1 included this image:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'text', text: 'The result of tool call call_2 included this image:' },
          { type: 'image_url', image_url: { url: 'https://example.com/b.png' } },
        ],
      },
      { role: 'user', content: 'Compare them.' },
    ]);
    expect(fields(warnings)).toEqual([['changed-value', 'tool_result.content']]);
  });
});

// Reasoning models reason at their default effort (medium) unless told otherwise, so thinking off
// sent as no effort at all was billed as medium reasoning (platform.openai.com/docs/api-reference/chat).
describe('thinking off, to an OpenAI reasoning model', () => {
  const encodeFor = (reasoning: ChatRequest['reasoning'], model: string) => {
    const { value, warnings } = encodeOpenAiChatRequest(request({ reasoning }), model);
    return { value: value as unknown as OpenAiChatRequestBody, warnings };
  };

  it.each([
    ['gpt-5', 'minimal'],
    ['gpt-5-mini', 'minimal'],
    ['gpt-5-nano-2025-08-07', 'minimal'],
    ['gpt-5-pro', 'high'],
    ['o1', 'low'],
    ['o3-mini', 'low'],
    ['o4-mini-2025-04-16', 'low'],
  ])('%s, which cannot turn it off, gets its least effort %s, with a warning', (model, least) => {
    for (const reasoning of [{ budgetTokens: 0 }, { effort: 'none' as const }]) {
      const { value, warnings } = encodeFor(reasoning, model);
      expect(value.reasoning_effort).toBe(least);
      expect(warnings).toEqual([
        {
          type: 'changed-value',
          field: 'reasoning',
          message: `${model} cannot turn reasoning off; reasoning_effort '${least}', its least, was sent`,
        },
      ]);
    }
  });

  it.each(['gpt-5.1', 'gpt-5.2-2025-12-11'])("%s takes 'none': it gets that, without a warning", (model) => {
    for (const reasoning of [{ budgetTokens: 0 }, { effort: 'none' as const }]) {
      const { value, warnings } = encodeFor(reasoning, model);
      expect(value.reasoning_effort).toBe('none');
      expect(warnings).toEqual([]);
    }
  });

  // Non-reasoning models refuse any reasoning_effort; variants not in the table keep what they got.
  it.each(['gpt-4o', 'gpt-5-chat-latest', 'o1-mini', 'deepseek-chat'])(
    '%s, not known to reason, gets no effort for a budget of 0',
    (model) => {
      const { value, warnings } = encodeFor({ budgetTokens: 0 }, model);
      expect(value).not.toHaveProperty('reasoning_effort');
      expect(warnings).toEqual([]);
    },
  );

  it('a budget of 0 with an effort level still reports the effort ignored', () => {
    const { value, warnings } = encodeFor({ budgetTokens: 0, effort: 'high' }, 'o3');
    expect(value.reasoning_effort).toBe('low');
    expect(fields(warnings)).toEqual([
      ['unsupported-setting', 'reasoning.effort'],
      ['changed-value', 'reasoning'],
    ]);
  });
});

// OpenAI refuses with a 400 an effort the model does not take ("Unsupported value: 'minimal' is not
// supported with the 'gpt-5.1' model. Supported values are: 'none', 'low', 'medium', and 'high'.");
// a translated request may carry any (a Gemini client's MINIMAL, an Anthropic client's 'max').
describe('an effort the OpenAI reasoning model does not take', () => {
  const encodeFor = (reasoning: ChatRequest['reasoning'], model: string) => {
    const { value, warnings } = encodeOpenAiChatRequest(request({ reasoning }), model);
    return { value: value as unknown as OpenAiChatRequestBody, warnings };
  };

  it.each([
    // Ties go to the lower effort: 'minimal' to gpt-5.1 and later is 'none', their fastest.
    ['gpt-5.1', 'minimal', 'none'],
    ['gpt-5.2-2025-12-11', 'minimal', 'none'],
    ['gpt-5.1', 'xhigh', 'high'],
    ['gpt-5.1', 'max', 'high'],
    ['gpt-5.2', 'max', 'xhigh'],
    ['gpt-5', 'xhigh', 'high'],
    ['gpt-5-mini', 'max', 'high'],
    ['gpt-5-pro', 'low', 'high'],
    ['gpt-5-pro', 'minimal', 'high'],
    ['o3', 'minimal', 'low'],
    ['o4-mini', 'xhigh', 'high'],
  ] as const)('%s, asked %s, gets %s, the nearest it takes, with a warning', (model, asked, sent) => {
    const { value, warnings } = encodeFor({ effort: asked }, model);
    expect(value.reasoning_effort).toBe(sent);
    expect(warnings).toEqual([
      {
        type: 'changed-value',
        field: 'reasoning_effort',
        message: `${model} does not take reasoning_effort '${asked}'; '${sent}', the nearest it takes, was sent`,
      },
    ]);
  });

  it.each([
    ['gpt-5', 'minimal'],
    ['gpt-5-nano', 'high'],
    ['gpt-5.1', 'low'],
    ['gpt-5.2', 'xhigh'],
    ['gpt-5-pro', 'high'],
    ['o1', 'medium'],
  ] as const)('%s takes %s: it is sent as it is, without a warning', (model, effort) => {
    const { value, warnings } = encodeFor({ effort }, model);
    expect(value.reasoning_effort).toBe(effort);
    expect(warnings).toEqual([]);
  });

  // Models not known to reason, or variants not in the table, get the effort as they did.
  it.each(['gpt-4o', 'gpt-5.1-codex-max', 'o1-mini', 'deepseek-reasoner'])(
    '%s, not in the table, gets the effort as asked',
    (model) => {
      for (const effort of ['minimal', 'xhigh', 'max'] as const) {
        const { value, warnings } = encodeFor({ effort }, model);
        expect(value.reasoning_effort).toBe(effort);
        expect(warnings).toEqual([]);
      }
    },
  );

  it('a budget goes as the nearest effort the model takes, the warning naming both', () => {
    const { value, warnings } = encodeFor({ budgetTokens: 1000 }, 'gpt-5-pro');
    expect(value.reasoning_effort).toBe('high');
    expect(warnings).toEqual([
      {
        type: 'changed-value',
        field: 'thinking.budget_tokens',
        message:
          "a thinking budget of 1000 tokens was sent as reasoning_effort 'high', the nearest gpt-5-pro takes",
      },
    ]);
    expect(encodeFor({ budgetTokens: 1000 }, 'o3').warnings).toEqual([
      {
        type: 'changed-value',
        field: 'thinking.budget_tokens',
        message: "a thinking budget of 1000 tokens was sent as reasoning_effort 'low'",
      },
    ]);
  });
});
