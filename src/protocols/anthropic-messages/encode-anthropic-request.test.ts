import { describe, expect, it } from 'vitest';
import { user, assistant, encode, fields } from './encode-request.test-support.ts';
import { toolCallTurn, toolResultTurn } from '../../core/conversation.test-support.ts';
import { toolUseTurn } from './anthropic-turns.test-support.ts';

describe('encodeAnthropicRequest', () => {
  it('sends the upstream model and a default max_tokens of 4096 when the client gave none', () => {
    expect(encode()).toEqual({
      value: {
        model: 'claude-up',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
        max_tokens: 4096,
      },
      warnings: [],
    });
    expect(encode({ maxOutputTokens: 200 }).value.max_tokens).toBe(200);
  });

  it('puts the system prompt at the top level: one part as a string, several as blocks', () => {
    expect(encode({ system: [{ type: 'text', text: 'Be brief.' }] }).value.system).toBe('Be brief.');
    expect(
      encode({
        system: [
          { type: 'text', text: 'A' },
          { type: 'text', text: 'B' },
        ],
      }).value.system,
    ).toEqual([
      { type: 'text', text: 'A' },
      { type: 'text', text: 'B' },
    ]);
  });

  it('appends a mid-conversation system message to the top-level system, with a changed-value warning', () => {
    const { value, warnings } = encode({
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        user('Hi'),
        assistant('Hello'),
        { role: 'system', content: [{ type: 'text', text: 'Now in French.' }] },
        user('Ça va ?'),
      ],
    });
    expect(value.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Now in French.' },
    ]);
    expect(value.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
      { role: 'user', content: [{ type: 'text', text: 'Ça va ?' }] },
    ]);
    expect(fields(warnings)).toEqual([['changed-value', 'messages[2]']]);
  });

  it('merges consecutive same-role turns so that roles alternate', () => {
    const { value } = encode({
      messages: [
        user('one'),
        user('two'),
        assistant('three'),
        { role: 'system', content: [{ type: 'text', text: 'x' }] },
        assistant('four'),
        user('five'),
      ],
    });
    expect(value.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'three' },
          { type: 'text', text: 'four' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'five' }] },
    ]);
  });

  it('puts tool results into one user turn, in order, merged with the user message after them', () => {
    const { value, warnings } = encode({
      messages: [
        user('Weather?'),
        toolCallTurn(['call_1', 'weather', '{"city":"Paris"}'], ['call_2', 'weather', '{"city":"Rome"}']),
        toolResultTurn('call_1', [{ type: 'text', text: '18' }], { name: 'weather' }),
        toolResultTurn('call_2', [{ type: 'text', text: 'down' }], { isError: true }),
        user('Thanks'),
      ],
    });
    expect(warnings).toEqual([]);
    expect(value.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      toolUseTurn(['call_1', 'weather', { city: 'Paris' }], ['call_2', 'weather', { city: 'Rome' }]),
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18' },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'down', is_error: true },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('moves tool results in front of text that came before them in the same turn', () => {
    const { value, warnings } = encode({
      messages: [
        user('Go'),
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'f', arguments: '{}' }] },
        user('(note)'),
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', content: [] }] },
      ],
    });
    expect(value.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'c' },
        { type: 'text', text: '(note)' },
      ],
    });
    expect(fields(warnings)).toEqual([['changed-value', 'messages']]);
  });

  it('sends tool-result content with images as blocks, and sanitises ids Anthropic would refuse', () => {
    const { value } = encode({
      messages: [
        user('Look'),
        {
          role: 'assistant',
          content: [{ type: 'tool-call', id: 'functions.shot:0', name: 'shot', arguments: '' }],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'functions.shot:0',
              content: [
                { type: 'text', text: 'Here' },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
              ],
            },
          ],
        },
      ],
    });
    expect(value.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Look' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'functions_shot_0', name: 'shot', input: {} }] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'functions_shot_0',
            content: [
              { type: 'text', text: 'Here' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            ],
          },
        ],
      },
    ]);
  });

  it('sends arguments that are not a JSON object as {} with a warning', () => {
    const { value, warnings } = encode({
      messages: [
        user('Go'),
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'f', arguments: '{"a":' }] },
      ],
    });
    expect(value.messages[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'c', name: 'f', input: {} }],
    });
    expect(fields(warnings)).toEqual([['changed-value', 'messages[1].content[0].arguments']]);
  });

  it('maps images: base64, http URLs, and data URLs (as base64)', () => {
    const { value, warnings } = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' }, detail: 'auto' },
            { type: 'image', source: { kind: 'url', url: 'data:image/webp;base64,UklGR' }, detail: 'high' },
          ],
        },
      ],
    });
    expect(value.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'UklGR' } },
        ],
      },
    ]);
    expect(fields(warnings)).toEqual([['unsupported-setting', 'messages[0].content[2].detail']]);
  });

  it("names JPEG images image/jpeg, the only JPEG media type Anthropic takes, whatever the client's label", () => {
    const { value, warnings } = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'url', url: 'data:image/jpg;base64,/9j/' } },
            { type: 'image', source: { kind: 'base64', mediaType: 'IMAGE/JPG', data: '/9j/' } },
            { type: 'image', source: { kind: 'base64', mediaType: 'Image/PNG', data: 'iVBO' } },
          ],
        },
      ],
    });
    const content = value.messages[0]?.content;
    expect(
      Array.isArray(content) ? content.map((block) => block.type === 'image' && block.source) : [],
    ).toEqual([
      { type: 'base64', media_type: 'image/jpeg', data: '/9j/' },
      { type: 'base64', media_type: 'image/jpeg', data: '/9j/' },
      { type: 'base64', media_type: 'image/png', data: 'iVBO' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('sends signed thinking back unchanged, redacted thinking as is, and drops unsigned thinking with a warning', () => {
    const signature = 'EqQBCkYIBxgCKkBnUyv6+/signature==';
    const { value, warnings } = encode({
      messages: [
        user('Q'),
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'Let me think.', signature },
            { type: 'thinking', text: '', redactedData: 'EmwKAhgB' },
            { type: 'thinking', text: 'DeepSeek reasoning' },
            { type: 'text', text: 'A' },
          ],
        },
        user('Q2'),
      ],
    });
    expect(value.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Let me think.', signature },
        { type: 'redacted_thinking', data: 'EmwKAhgB' },
        { type: 'text', text: 'A' },
      ],
    });
    expect(fields(warnings)).toEqual([['unsupported-content', 'messages[1].content[2]']]);
  });

  it('leaves out empty text and messages left empty, and opens with a user turn', () => {
    const { value, warnings } = encode({
      messages: [assistant('Hello! How can I help?'), user(''), assistant(''), user('Hi')],
    });
    expect(value.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: '.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello! How can I help?' }] },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ]);
    expect(fields(warnings)).toEqual([['changed-value', 'messages']]);
  });

  it('trims trailing whitespace off a final assistant prefill', () => {
    const { value, warnings } = encode({ messages: [user('Hi'), assistant('{"answer": ')] });
    expect(value.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: '{"answer":' }] });
    expect(fields(warnings)).toEqual([['changed-value', 'messages']]);
  });

  it('maps tools, tool choice and parallel calls', () => {
    const tools = [
      { name: 'f', description: 'F', parameters: { type: 'object', properties: { a: { type: 'string' } } } },
    ];
    expect(encode({ tools, toolChoice: 'required', parallelToolCalls: false }).value).toMatchObject({
      tools: [
        {
          name: 'f',
          description: 'F',
          input_schema: { type: 'object', properties: { a: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(encode({ tools, parallelToolCalls: false }).value.tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(encode({ tools, toolChoice: { type: 'tool', name: 'f' } }).value.tool_choice).toEqual({
      type: 'tool',
      name: 'f',
    });
    expect(encode({ tools, toolChoice: 'none', parallelToolCalls: false }).value.tool_choice).toEqual({
      type: 'none',
    });
    expect(encode({ tools, toolChoice: 'auto', parallelToolCalls: true }).value.tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: false,
    });
    // OpenAI allows a tool without parameters; Anthropic needs an object schema.
    expect(encode({ tools: [{ name: 'g', parameters: {} }] }).value.tools).toEqual([
      { name: 'g', input_schema: { type: 'object', properties: {} } },
    ]);
    const strict = encode({ tools: [{ name: 'g', parameters: { type: 'object' }, strict: true }] });
    expect(fields(strict.warnings)).toEqual([['unsupported-setting', 'tools[0].strict']]);
    const noTools = encode({ toolChoice: 'required' });
    expect(noTools.value.tool_choice).toBeUndefined();
    expect(fields(noTools.warnings)).toEqual([['unsupported-setting', 'toolChoice']]);
  });

  it('maps sampling settings, stop sequences, streaming and the user, dropping what Anthropic lacks', () => {
    const { value, warnings } = encode({
      temperature: 1.5,
      topP: 0.8,
      topK: 20,
      stopSequences: ['END'],
      stream: true,
      user: 'u-1',
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      choiceCount: 2,
    });
    expect(value).toMatchObject({
      temperature: 1,
      top_p: 0.8,
      top_k: 20,
      stop_sequences: ['END'],
      stream: true,
      metadata: { user_id: 'u-1' },
    });
    expect(value).not.toHaveProperty('seed');
    expect(fields(warnings)).toEqual([
      ['unsupported-setting', 'seed'],
      ['unsupported-setting', 'presencePenalty'],
      ['unsupported-setting', 'frequencyPenalty'],
      ['unsupported-setting', 'choiceCount'],
      ['changed-value', 'temperature'],
    ]);
    expect(encode({ choiceCount: 1 }).warnings).toEqual([]);
  });

  it('leaves out whitespace-only stop sequences, which Anthropic refuses, with a warning', () => {
    const some = encode({ stopSequences: ['\n', 'END', ' \t', ''] });
    expect(some.value.stop_sequences).toEqual(['END']);
    expect(fields(some.warnings)).toEqual([['changed-value', 'stopSequences']]);
    const none = encode({ stopSequences: ['\n\n'] });
    expect(none.value).not.toHaveProperty('stop_sequences');
    expect(fields(none.warnings)).toEqual([['changed-value', 'stopSequences']]);
  });

  it("gives a PDF the client named (an OpenAI client's file name) that name as its title, and no title otherwise", () => {
    const pdf = { type: 'document' as const, mediaType: 'application/pdf' as const, data: 'JVBERi0xLjQK' };
    const source = { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' };
    const { value, warnings } = encode({
      messages: [{ role: 'user', content: [{ ...pdf, name: 'report.pdf' }, pdf] }],
    });
    expect(value.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'document', source, title: 'report.pdf' },
          { type: 'document', source },
        ],
      },
    ]);
    expect(warnings).toEqual([]);
  });
});
