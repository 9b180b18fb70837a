import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import { embedSignature } from '../../core/tool-call-id.ts';
import { decodeAnthropicRequest } from './decode-anthropic-request.ts';
import { documentSettingsWarnings, extendedThinkingDocs } from '../../../test/support/anthropic-words.ts';
import { toolResultTurn } from '../../core/conversation.test-support.ts';

const minimal = { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] };

function rejection(body: unknown): GatewayError {
  try {
    decodeAnthropicRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

/** A base64 PDF source as a client sends it, and the core document it is decoded to. */
const pdf = { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' };
const pdfDocument = { type: 'document', mediaType: 'application/pdf', data: 'JVBERi0xLjQK' };

/** A request whose one turn is a user's of `content`, decoded. */
const decodeUserTurn = (content: unknown[]) =>
  decodeAnthropicRequest({ ...minimal, messages: [{ role: 'user', content }] });

/** The 400 `invalid_request` naming `param` that `body` is refused with. */
function invalidRequest(body: unknown, param: string | null): GatewayError {
  const error = rejection(body);
  expect(error.status).toBe(400);
  expect(error.code).toBe('invalid_request');
  expect(error.param).toBe(param);
  return error;
}

describe('decodeAnthropicRequest', () => {
  it('decodes a minimal request', () => {
    expect(decodeAnthropicRequest(minimal)).toEqual({
      value: {
        model: 'claude-sonnet-4-5',
        system: [],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
        stream: false,
        maxOutputTokens: 1024,
      },
      warnings: [],
    });
  });

  it('decodes every setting', () => {
    const { value, warnings } = decodeAnthropicRequest({
      ...minimal,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Answer in French.' },
      ],
      tools: [
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      stream: true,
      // Thinking with a budget would refuse the sampling settings and the forced choice above.
      thinking: { type: 'disabled' },
      metadata: { user_id: 'user-42' },
    });
    expect(warnings).toEqual([]);
    expect(value).toEqual({
      model: 'claude-sonnet-4-5',
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      stream: true,
      tools: [
        { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: 'required',
      parallelToolCalls: false,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 1024,
      stopSequences: ['END'],
      reasoning: { budgetTokens: 0 },
      user: 'user-42',
    });
  });

  it('maps a string system and every tool_choice', () => {
    expect(decodeAnthropicRequest({ ...minimal, system: 'Be brief.' }).value.system).toEqual([
      { type: 'text', text: 'Be brief.' },
    ]);
    const choices: [unknown, unknown][] = [
      [{ type: 'auto' }, 'auto'],
      [{ type: 'any' }, 'required'],
      [{ type: 'none' }, 'none'],
      [
        { type: 'tool', name: 'f' },
        { type: 'tool', name: 'f' },
      ],
    ];
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    for (const [choice, expected] of choices) {
      expect(decodeAnthropicRequest({ ...minimal, tools, tool_choice: choice }).value.toolChoice).toEqual(
        expected,
      );
    }
    const parallel = decodeAnthropicRequest({
      ...minimal,
      tool_choice: { type: 'auto', disable_parallel_tool_use: false },
    });
    expect(parallel.value.parallelToolCalls).toBe(true);
  });

  it('splits a user turn with tool results into one tool message per result, then the rest', () => {
    const { value } = decodeAnthropicRequest({
      ...minimal,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Two calls.', signature: 'sig-1' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_a', name: 'weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_b', name: 'weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_a', content: '18°C' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_b',
              content: [{ type: 'text', text: 'unavailable' }],
              is_error: true,
            },
            { type: 'text', text: 'And tomorrow?' },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          ],
        },
      ],
    });
    expect(value.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'Two calls.', signature: 'sig-1', signatureSource: 'anthropic-messages' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', id: 'toolu_a', name: 'weather', arguments: '{"city":"Paris"}' },
          { type: 'tool-call', id: 'toolu_b', name: 'weather', arguments: '{"city":"Rome"}' },
        ],
      },
      toolResultTurn('toolu_a', [{ type: 'text', text: '18°C' }], { name: 'weather' }),
      toolResultTurn('toolu_b', [{ type: 'text', text: 'unavailable' }], { name: 'weather', isError: true }),
      {
        role: 'user',
        content: [
          { type: 'text', text: 'And tomorrow?' },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
        ],
      },
    ]);
  });

  it('decodes base64 images, redacted thinking and tool results with image content', () => {
    const { value } = decodeAnthropicRequest({
      ...minimal,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [
                { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } },
              ],
            },
          ],
        },
      ],
    });
    expect(value.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: '', redactedData: 'opaque' },
          { type: 'tool-call', id: 'toolu_1', name: 'screenshot', arguments: '{}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_1',
            name: 'screenshot',
            content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/' } }],
          },
        ],
      },
    ]);
  });

  it('recovers a Gemini thought signature from a tool-call id the gateway gave out', () => {
    const signature = 'CiIBVKhc7oDPN4m1/ZG+o0e8xYUVWt6m';
    const id = embedSignature('call_abc', signature);
    const { value } = decodeAnthropicRequest({
      ...minimal,
      messages: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: [{ type: 'tool_use', id, name: 'f', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }] },
      ],
    });
    expect(value.messages[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'tool-call', id, name: 'f', arguments: '{"a":1}', signature }],
    });
    expect(value.messages[2]).toMatchObject({ role: 'tool', content: [{ toolCallId: id, name: 'f' }] });
  });

  it('treats an empty thinking signature as none', () => {
    const { value } = decodeAnthropicRequest({
      ...minimal,
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: '' }] },
      ],
    });
    expect(value.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'thinking', text: 'hmm' }] });
  });

  it('drops server tools, server tool blocks, documents and unknown fields with warnings', () => {
    const { value, warnings } = decodeAnthropicRequest({
      ...minimal,
      tools: [
        { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
        { name: 'f', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } },
            { type: 'text', text: 'Summarise', cache_control: { type: 'ephemeral' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } },
            { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
            { type: 'text', text: 'Found it.', citations: [{ type: 'web_search_result_location' }] },
          ],
        },
      ],
      thinking: { type: 'disabled' },
      service_tier: 'auto',
      metadata: { user_id: 'u', trace: 'x' },
    });
    expect(value.tools).toEqual([{ name: 'f', parameters: { type: 'object' } }]);
    expect(value.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Summarise' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Found it.' }] },
    ]);
    // Thinking off said explicitly: a budget of 0, so an upstream that thinks by default does not.
    expect(value.reasoning).toEqual({ budgetTokens: 0 });
    expect(value.user).toBe('u');
    expect(warnings.map((warning) => [warning.type, warning.field])).toEqual([
      ['unsupported-content', 'messages[0].content[0]'],
      // Reported once per request, however many blocks carry it.
      ['unsupported-setting', 'messages[0].content[1].cache_control'],
      ['unsupported-content', 'messages[1].content[0]'],
      ['unsupported-content', 'messages[1].content[1]'],
      ['unsupported-content', 'messages[1].content[2].citations'],
      ['unsupported-tool', 'tools[0]'],
      ['unsupported-setting', 'metadata.trace'],
      ['unsupported-setting', 'service_tier'],
    ]);
  });

  it.each([
    [[], 'The request body must be a JSON object', null],
    [{ ...minimal, model: undefined }, "'model' is required", 'model'],
    [{ ...minimal, model: 7 }, "'model' is required", 'model'],
    [{ ...minimal, max_tokens: undefined }, "'max_tokens' is required", 'max_tokens'],
    [{ ...minimal, max_tokens: 1.5 }, 'expected an integer', 'max_tokens'],
    [{ ...minimal, max_tokens: 0 }, 'at least 1', 'max_tokens'],
    [{ ...minimal, messages: undefined }, "'messages' is required", 'messages'],
    [{ ...minimal, messages: [] }, "'messages' is required", 'messages'],
    [{ ...minimal, messages: [{ role: 'system', content: 'x' }] }, 'Invalid', 'messages[0].role'],
    [{ ...minimal, messages: [{ content: 'x' }] }, 'is required', 'messages[0].role'],
    [{ ...minimal, messages: [{ role: 'user', content: 5 }] }, 'expected an array', 'messages[0].content'],
    [
      { ...minimal, messages: [{ role: 'user', content: [{ type: 'video' }] }] },
      "'video'",
      'messages[0].content[0].type',
    ],
    [
      {
        ...minimal,
        messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'x', name: 'f', input: {} }] }],
      },
      'not a block type of user messages',
      'messages[0].content[0].type',
    ],
    [
      { ...minimal, messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 'x' }] }] },
      'not a block type of assistant messages',
      'messages[0].content[0].type',
    ],
    [
      { ...minimal, messages: [{ role: 'user', content: [{ type: 'text' }] }] },
      'string',
      'messages[0].content[0].text',
    ],
    [
      { ...minimal, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'ftp' } }] }] },
      'base64',
      'messages[0].content[0].source.type',
    ],
    [
      {
        ...minimal,
        messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'x', name: 'f', input: [] }] }],
      },
      'object',
      'messages[0].content[0].input',
    ],
    [{ ...minimal, system: 5 }, 'array', 'system'],
    [{ ...minimal, system: [{ type: 'image' }] }, "'text'", 'system[0].type'],
    [{ ...minimal, stream: 'yes' }, 'boolean', 'stream'],
    [{ ...minimal, temperature: '0.2' }, 'number', 'temperature'],
    [{ ...minimal, top_k: -1 }, 'at least 0', 'top_k'],
    [{ ...minimal, stop_sequences: ['a', 1] }, 'string', 'stop_sequences[1]'],
    [{ ...minimal, tools: [{ name: 'f' }] }, 'object', 'tools[0].input_schema'],
    [{ ...minimal, tools: {} }, 'array', 'tools'],
    [{ ...minimal, tool_choice: { type: 'sometimes' } }, "'auto'", 'tool_choice.type'],
    [{ ...minimal, tool_choice: { type: 'tool' } }, 'string', 'tool_choice.name'],
    [{ ...minimal, thinking: { type: 'enabled' } }, 'is required', 'thinking.budget_tokens'],
    [{ ...minimal, metadata: { user_id: 5 } }, 'string', 'metadata.user_id'],
  ])('rejects invalid input with a 400 naming the field (%#)', (body, message, param) => {
    expect(invalidRequest(body, param).message).toContain(message);
  });

  it("keeps a PDF document's title as the document's name; a null or empty title is none", () => {
    const { value, warnings } = decodeUserTurn([
      { type: 'document', source: pdf, title: 'Q3 report.pdf' },
      { type: 'document', source: pdf, title: null },
      { type: 'document', source: pdf, title: '' },
    ]);
    expect(value.messages).toEqual([
      { role: 'user', content: [{ ...pdfDocument, name: 'Q3 report.pdf' }, pdfDocument, pdfDocument] },
    ]);
    expect(warnings).toEqual([]);
    expect(() => decodeUserTurn([{ type: 'document', source: pdf, title: 3 }])).toThrow(
      /messages\[0\]\.content\[0\]\.title/,
    );
  });

  // Dropped silently, the client thought the model read the context and would cite the document.
  it("drops a PDF document's context and citations with a warning each, once per request", () => {
    const { value, warnings } = decodeUserTurn([
      { type: 'document', source: pdf, context: 'Unaudited figures', citations: { enabled: true } },
      { type: 'document', source: pdf, context: 'Audited', citations: { enabled: true } },
      { type: 'text', text: 'Compare them' },
    ]);
    expect(value.messages).toEqual([
      { role: 'user', content: [pdfDocument, pdfDocument, { type: 'text', text: 'Compare them' }] },
    ]);
    expect(warnings).toEqual(documentSettingsWarnings('messages[0].content[0]'));
  });

  it('says nothing of an empty or null context, or of citations turned off', () => {
    const { warnings } = decodeUserTurn([
      { type: 'document', source: pdf, context: '', citations: { enabled: false } },
      { type: 'document', source: pdf, context: null, citations: null },
    ]);
    expect(warnings).toEqual([]);
  });

  it('drops the context of a PDF in a tool result with a warning too', () => {
    const { warnings } = decodeAnthropicRequest({
      ...minimal,
      messages: [
        { role: 'user', content: 'Fetch the invoice' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'fetch', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'document', source: pdf, context: 'The March invoice' }],
            },
          ],
        },
      ],
    });
    expect(warnings.map((warning) => [warning.type, warning.field])).toEqual([
      ['unsupported-content', 'messages[2].content[0].content[0].context'],
    ]);
  });
});

// Gemini and OpenAI would answer these; Anthropic refuses them, so an Anthropic client must get the
// same refusal whichever channel serves it.
describe('decodeAnthropicRequest: what the Messages API itself refuses', () => {
  const weather = { name: 'get_weather', input_schema: { type: 'object', properties: {} } };
  const thinking = { ...minimal, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } };

  it.each([
    [{ ...minimal, temperature: 1.5 }, 'temperature', 'temperature: must be less than or equal to 1'],
    [{ ...minimal, temperature: -0.5 }, 'temperature', 'temperature: must be greater than or equal to 0'],
    [
      { ...minimal, tools: [weather], tool_choice: { type: 'tool', name: 'get_time' } },
      'tool_choice.name',
      "Tool 'get_time' not found in provided tools",
    ],
    [
      { ...minimal, tool_choice: { type: 'tool', name: 'get_weather' } },
      'tool_choice.name',
      "Tool 'get_weather' not found in provided tools",
    ],
    [
      { ...minimal, tool_choice: { type: 'any' } },
      'tool_choice',
      'tool_choice.any may only be specified while providing tools',
    ],
    [
      { ...minimal, tools: [], tool_choice: { type: 'any' } },
      'tool_choice',
      'tool_choice.any may only be specified while providing tools',
    ],
    [
      { ...thinking, thinking: { type: 'enabled', budget_tokens: 1000 } },
      'thinking.budget_tokens',
      'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
    ],
    [
      { ...thinking, max_tokens: 2048 },
      'max_tokens',
      `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. ${extendedThinkingDocs}#max-tokens-and-context-window-size`,
    ],
    [
      { ...thinking, temperature: 0.2 },
      'temperature',
      `\`temperature\` may only be set to 1 when thinking is enabled. ${extendedThinkingDocs}#important-considerations-when-using-extended-thinking`,
    ],
    [
      { ...thinking, top_p: 0.9 },
      'top_p',
      '`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled',
    ],
    [
      { ...thinking, top_k: 40 },
      'top_k',
      `\`top_k\` must be unset when thinking is enabled. ${extendedThinkingDocs}#important-considerations-when-using-extended-thinking`,
    ],
    [
      { ...thinking, tools: [weather], tool_choice: { type: 'any' } },
      'tool_choice',
      'Thinking may not be enabled when tool_choice forces tool use.',
    ],
    [
      { ...thinking, tools: [weather], tool_choice: { type: 'tool', name: 'get_weather' } },
      'tool_choice',
      'Thinking may not be enabled when tool_choice forces tool use.',
    ],
  ])("is a 400 in Anthropic's words (%#)", (body, param, message) => {
    expect(invalidRequest(body, param).message).toBe(message);
  });

  it('takes what the Messages API takes: the ends of the range, auto and none without tools, a server tool by name', () => {
    expect(decodeAnthropicRequest({ ...minimal, temperature: 1 }).value.temperature).toBe(1);
    expect(decodeAnthropicRequest({ ...minimal, temperature: 0 }).value.temperature).toBe(0);
    for (const type of ['auto', 'none']) {
      expect(() => decodeAnthropicRequest({ ...minimal, tool_choice: { type } })).not.toThrow();
    }
    const search = { type: 'web_search_20250305', name: 'web_search' };
    const forced = {
      ...minimal,
      tools: [search, weather],
      tool_choice: { type: 'tool', name: 'web_search' },
    };
    expect(() => decodeAnthropicRequest(forced)).not.toThrow();
  });

  it('takes what thinking with a budget takes: temperature 1, top_p from 0.95, a choice that forces nothing', () => {
    const { value } = decodeAnthropicRequest({
      ...thinking,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      max_tokens: 1025,
      temperature: 1,
      top_p: 0.95,
      tools: [weather],
      tool_choice: { type: 'auto' },
    });
    expect(value).toMatchObject({ reasoning: { budgetTokens: 1024 }, temperature: 1, topP: 0.95 });
    expect(value.toolChoice).toBe('auto');
    expect(() =>
      decodeAnthropicRequest({ ...thinking, tools: [weather], tool_choice: { type: 'none' } }),
    ).not.toThrow();
  });

  // With interleaved thinking the budget is the whole turn's: it may exceed max_tokens.
  it('takes a budget above max_tokens from a client with the interleaved-thinking beta', () => {
    const over = { ...thinking, max_tokens: 1024, thinking: { type: 'enabled', budget_tokens: 8192 } };
    const betas = 'token-efficient-tools-2025-02-19,interleaved-thinking-2025-05-14';
    const { value } = decodeAnthropicRequest(over, { anthropicBeta: betas });
    expect(value).toMatchObject({ maxOutputTokens: 1024, reasoning: { budgetTokens: 8192 } });
    expect(invalidRequest(over, 'max_tokens').message).toMatch(/^`max_tokens` must be greater than/);
  });

  // Adaptive thinking has no budget: the rules of one do not apply to it.
  it('does not hold adaptive thinking to the rules of a budget', () => {
    const { value } = decodeAnthropicRequest({
      ...minimal,
      thinking: { type: 'adaptive' },
      top_k: 40,
      tools: [weather],
      tool_choice: { type: 'any' },
    });
    expect(value).toMatchObject({ reasoning: {}, topK: 40, toolChoice: 'required' });
  });
});

// A server tool is dropped on the way to another format; a choice forcing it would force a function
// the upstream never received.
describe('decodeAnthropicRequest: a tool choice forcing a dropped server tool', () => {
  const weather = { name: 'get_weather', input_schema: { type: 'object', properties: {} } };
  const search = { type: 'web_search_20250305', name: 'web_search' };

  it('becomes auto, with a warning that says so', () => {
    const { value, warnings } = decodeAnthropicRequest({
      ...minimal,
      tools: [search, weather],
      tool_choice: { type: 'tool', name: 'web_search', disable_parallel_tool_use: true },
    });
    expect(value.tools).toEqual([{ name: 'get_weather', parameters: weather.input_schema }]);
    expect(value.toolChoice).toBe('auto');
    expect(value.parallelToolCalls).toBe(false);
    expect(warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-tool', field: 'tools[0]' }),
      {
        type: 'changed-value',
        field: 'tool_choice',
        message: "tool_choice forced 'web_search', a server tool that was dropped; sent as auto",
      },
    ]);
  });

  it('a choice forcing a declared function is kept', () => {
    const { value, warnings } = decodeAnthropicRequest({
      ...minimal,
      tools: [search, weather],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
    expect(value.toolChoice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(warnings.map((warning) => warning.field)).toEqual(['tools[0]']);
  });
});

describe('decodeAnthropicRequest: adaptive thinking and output_config', () => {
  const base = { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] };

  it('adaptive thinking is reasoning on, at the effort output_config names', () => {
    expect(decodeAnthropicRequest({ ...base, thinking: { type: 'adaptive' } }).value.reasoning).toEqual({});
    const withEffort = decodeAnthropicRequest({
      ...base,
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high' },
    });
    expect(withEffort.value.reasoning).toEqual({ effort: 'high' });
    expect(withEffort.warnings).toEqual([]);
  });

  it('effort without thinking is reported, not made into thinking; an unknown effort is a 400', () => {
    const decoded = decodeAnthropicRequest({ ...base, output_config: { effort: 'low' } });
    expect(decoded.value.reasoning).toBeUndefined();
    expect(decoded.warnings).toEqual([expect.objectContaining({ field: 'output_config.effort' })]);
    expect(() => decodeAnthropicRequest({ ...base, output_config: { effort: 'huge' } })).toThrow(
      /output_config\.effort/,
    );
  });
});

describe('decodeAnthropicRequest: output_config.format', () => {
  const base = { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] };
  const schema = { type: 'object', properties: { a: { type: 'string' } } };

  it('a json_schema format is the core JSON-schema response format', () => {
    const decoded = decodeAnthropicRequest({
      ...base,
      output_config: { format: { type: 'json_schema', schema } },
    });
    expect(decoded.value.responseFormat).toEqual({ type: 'json-schema', name: 'response', schema });
    expect(decoded.warnings).toEqual([]);
  });

  it('another type, or no schema, is a 400 naming the field', () => {
    expect(() =>
      decodeAnthropicRequest({ ...base, output_config: { format: { type: 'xml', schema } } }),
    ).toThrow(/output_config\.format\.type/);
    expect(() =>
      decodeAnthropicRequest({ ...base, output_config: { format: { type: 'json_schema' } } }),
    ).toThrow(/output_config\.format\.schema/);
  });
});
