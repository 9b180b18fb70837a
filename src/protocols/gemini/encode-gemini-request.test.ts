import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.ts';
import { embedSignature } from '../../core/tool-call-id.ts';
import { skipThoughtSignature } from './encode-gemini-contents.ts';
import { encodeGeminiRequest } from './encode-gemini-request.ts';
import type { GeminiRequest } from './gemini-wire-types.ts';

const request = (fields: Partial<ChatRequest>): ChatRequest => ({
  model: 'gemini-2.5-flash',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  stream: false,
  ...fields,
});

const encode = (fields: Partial<ChatRequest>, model = 'gemini-2.5-flash') => {
  const { value, warnings } = encodeGeminiRequest(request(fields), model);
  return { value: value as unknown as GeminiRequest, warnings };
};

describe('encodeGeminiRequest', () => {
  it('sends roles user and model, tool results as function responses of a user turn, merged turns', () => {
    const { value, warnings } = encode({
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Oslo?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
            { type: 'tool-call', id: 'call_2', name: 'weather', arguments: '{"city":"Oslo"}' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'sunny' }] },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_2',
              content: [{ type: 'text', text: '{"temp":-3}' }],
              isError: false,
            },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      ],
    });
    expect(value).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris and Oslo?' }] },
        {
          role: 'model',
          parts: [
            { text: 'Checking.' },
            { functionCall: { id: 'call_1', name: 'weather', args: { city: 'Paris' } } },
            { functionCall: { id: 'call_2', name: 'weather', args: { city: 'Oslo' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'call_1', name: 'weather', response: { output: 'sunny' } } },
            { functionResponse: { id: 'call_2', name: 'weather', response: { temp: -3 } } },
            { text: 'Thanks' },
          ],
        },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it('appends a mid-conversation system message to the system instruction, with a warning', () => {
    const { value, warnings } = encode({
      system: [{ type: 'text', text: 'First.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'a' }] },
        { role: 'system', content: [{ type: 'text', text: 'Now speak French.' }] },
        { role: 'user', content: [{ type: 'text', text: 'b' }] },
      ],
    });
    expect(value.systemInstruction).toEqual({ parts: [{ text: 'First.' }, { text: 'Now speak French.' }] });
    expect(value.contents).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
    expect(warnings).toEqual([expect.objectContaining({ type: 'changed-value', field: 'messages[1]' })]);
  });

  it('sends errors as {error}, and names a result with no known call "unknown" with a warning', () => {
    const { value, warnings } = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'x',
              name: 'lookup',
              content: [{ type: 'text', text: 'boom' }],
              isError: true,
            },
            { type: 'tool-result', toolCallId: 'y', content: [{ type: 'text', text: '[1,2]' }] },
          ],
        },
      ],
    });
    expect(value.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'go' },
          { functionResponse: { id: 'x', name: 'lookup', response: { error: 'boom' } } },
          { functionResponse: { id: 'y', name: 'unknown', response: { output: '[1,2]' } } },
        ],
      },
    ]);
    expect(warnings).toEqual([expect.objectContaining({ field: 'messages[1].content[1]' })]);
  });

  it('sends base64 and data: images inline, URLs as fileData with a guessed type', () => {
    const { value, warnings } = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
            { type: 'image', source: { kind: 'url', url: 'data:image/jpeg;base64,BBBB' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a/cat.WEBP?size=2' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/render' }, detail: 'high' },
          ],
        },
      ],
    });
    expect(value.contents).toEqual([
      {
        role: 'user',
        parts: [
          { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
          { inlineData: { mimeType: 'image/jpeg', data: 'BBBB' } },
          { fileData: { fileUri: 'https://example.com/a/cat.WEBP?size=2', mimeType: 'image/webp' } },
          { fileData: { fileUri: 'https://example.com/render' } },
        ],
      },
    ]);
    expect(warnings.map((warning) => warning.field)).toEqual([
      'messages[0].content[3].detail',
      'messages[0].content[3]',
    ]);
  });

  it('cleans function parameters, leaves out empty ones, and maps the tool choice', () => {
    const { value, warnings } = encode({
      tools: [
        {
          name: 'search',
          description: 'Search the web',
          parameters: {
            type: 'object',
            properties: { q: { type: 'string' } },
            required: ['q'],
            additionalProperties: false,
          },
          strict: true,
        },
        { name: 'now', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: { type: 'tool', name: 'search' },
    });
    expect(value.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'search',
            description: 'Search the web',
            parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
          },
          { name: 'now' },
        ],
      },
    ]);
    expect(value.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['search'] },
    });
    expect(warnings.map((warning) => [warning.type, warning.field])).toEqual([
      ['unsupported-setting', 'tools[0].strict'],
      ['changed-value', 'tools[0].parameters'],
    ]);
  });

  it.each([
    ['auto', 'AUTO'],
    ['none', 'NONE'],
    ['required', 'ANY'],
  ] as const)('tool choice %s → mode %s', (toolChoice, mode) => {
    const tools = [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } }];
    expect(encode({ tools, toolChoice }).value.toolConfig).toEqual({ functionCallingConfig: { mode } });
  });

  // As the OpenAI and Anthropic encoders do: a forced choice that cannot be sent is said, not dropped.
  it.each(['required', { type: 'tool', name: 'search' }] as const)(
    'leaves off a forced tool choice %j without tools, with a warning',
    (toolChoice) => {
      const { value, warnings } = encode({ toolChoice });
      expect(value.toolConfig).toBeUndefined();
      expect(warnings).toEqual([
        expect.objectContaining({ type: 'unsupported-setting', field: 'toolChoice' }),
      ]);
    },
  );

  it.each(['auto', 'none'] as const)('leaves off tool choice %s without tools, silently', (toolChoice) => {
    const { value, warnings } = encode({ toolChoice });
    expect(value.toolConfig).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('fills generationConfig, keeping five stop sequences and one candidate, with warnings', () => {
    const { value, warnings } = encode({
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 256,
      stopSequences: ['1', '2', '3', '4', '5', '6'],
      seed: 3,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      choiceCount: 2,
      responseFormat: { type: 'json-object' },
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }],
      parallelToolCalls: false,
      user: 'u-1',
    });
    expect(value.generationConfig).toEqual({
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 256,
      stopSequences: ['1', '2', '3', '4', '5'],
      seed: 3,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      candidateCount: 1,
      responseMimeType: 'application/json',
    });
    expect(warnings.map((warning) => warning.field)).toEqual(['stop', 'n', 'parallel_tool_calls', 'user']);
    // Without a function to call, one-at-a-time asks for nothing: no warning.
    expect(encode({ parallelToolCalls: false }).warnings).toEqual([]);
  });

  it('sends a JSON schema as responseJsonSchema, or cleaned as responseSchema to models before 2.5', () => {
    const responseFormat = {
      type: 'json-schema' as const,
      name: 'answer',
      description: 'The answer',
      schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
    };
    expect(encode({ responseFormat }).value.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: { ...responseFormat.schema, description: 'The answer' },
    });
    const old = encode({ responseFormat }, 'gemini-2.0-flash');
    expect(old.value.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'string' } }, description: 'The answer' },
    });
    expect(old.warnings).toEqual([expect.objectContaining({ field: 'response_format.json_schema' })]);
  });

  it.each([
    [{ budgetTokens: 2048 }, { thinkingBudget: 2048, includeThoughts: true }, 0],
    [{ budgetTokens: 0 }, { thinkingBudget: 0 }, 0],
    [{}, { includeThoughts: true }, 0],
    [{ effort: 'low' as const }, { thinkingBudget: 1024, includeThoughts: true }, 1],
    [{ effort: 'none' as const }, { thinkingBudget: 0 }, 0],
    [{ effort: 'xhigh' as const }, { thinkingBudget: 24576, includeThoughts: true }, 1],
    [{ effort: 'high' as const, budgetTokens: 100 }, { thinkingBudget: 100, includeThoughts: true }, 1],
  ])('reasoning %j → thinkingConfig %j', (reasoning, thinkingConfig, warningCount) => {
    const { value, warnings } = encode({ reasoning });
    expect(value.generationConfig).toEqual({ thinkingConfig });
    expect(warnings).toHaveLength(warningCount);
  });

  // ai.google.dev/gemini-api/docs/thinking: 2.5 Pro and 3 Pro cannot turn thinking off (a budget of
  // 0 is refused with a 400); 2.5 Flash can.
  it.each([
    ['gemini-2.5-pro', { budgetTokens: 0 }, { thinkingBudget: 128 }],
    ['gemini-2.5-pro-preview-06-05', { effort: 'none' as const }, { thinkingBudget: 128 }],
    ['gemini-3-pro-preview', { effort: 'none' as const }, { thinkingLevel: 'LOW' }],
    ['models/gemini-3.1-pro-preview', { budgetTokens: 0 }, { thinkingLevel: 'LOW' }],
  ])(
    'thinking off for %s, which must think, is its least thinking %j with a warning',
    (model, reasoning, least) => {
      const { value, warnings } = encode({ reasoning }, model);
      expect(value.generationConfig).toEqual({ thinkingConfig: least });
      expect(warnings).toEqual([expect.objectContaining({ type: 'changed-value', field: 'reasoning' })]);
    },
  );

  it('turns thinking off for a model that can, without a warning', () => {
    const { value, warnings } = encode({ reasoning: { effort: 'none' } }, 'gemini-2.5-flash-lite');
    expect(value.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 0 } });
    expect(warnings).toEqual([]);
  });

  it('sends thought signatures back: on thinking, on calls, and from inside an id', () => {
    const { value } = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'Hmm.', signature: 'c2lnMQ==' },
            { type: 'text', text: 'Answer.' },
            { type: 'thinking', text: '', signature: 'c2lnMg==' },
            { type: 'tool-call', id: 'call_a', name: 'f', arguments: '{}', signature: 'c2lnMw==' },
            { type: 'tool-call', id: embedSignature('call_b', 'c2lnNA=='), name: 'f', arguments: '' },
            { type: 'thinking', text: '', redactedData: 'opaque' },
          ],
        },
      ],
    });
    expect(value.contents).toEqual([
      { role: 'user', parts: [{ text: 'q' }] },
      {
        role: 'model',
        parts: [
          { text: 'Hmm.', thought: true, thoughtSignature: 'c2lnMQ==' },
          { text: 'Answer.', thoughtSignature: 'c2lnMg==' },
          { functionCall: { id: 'call_a', name: 'f', args: {} }, thoughtSignature: 'c2lnMw==' },
          {
            functionCall: { id: embedSignature('call_b', 'c2lnNA=='), name: 'f', args: {} },
            thoughtSignature: 'c2lnNA==',
          },
        ],
      },
    ]);
  });

  it("leaves off Anthropic's thinking signatures with a warning, keeping the thought text", () => {
    const { value, warnings } = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            {
              type: 'thinking',
              text: 'Claude thinks.',
              signature: 'EqQBCkYIBxgC',
              signatureSource: 'anthropic-messages',
            },
            { type: 'thinking', text: '', signature: 'EqQBCkYIBxgD', signatureSource: 'anthropic-messages' },
            { type: 'text', text: 'Answer.' },
            { type: 'thinking', text: '', signature: 'c2lnMg==', signatureSource: 'gemini' },
          ],
        },
      ],
    });
    expect(value.contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: 'Claude thinks.', thought: true },
        { text: 'Answer.', thoughtSignature: 'c2lnMg==' },
      ],
    });
    expect(warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-content', field: 'messages[1]' }),
    ]);
  });

  it("replays unsigned calls to Gemini 3 with Google's skip value, once per model turn", () => {
    const messages: ChatRequest['messages'] = [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', id: 'call_a', name: 'f', arguments: '{}' },
          { type: 'tool-call', id: 'call_b', name: 'f', arguments: '{}' },
        ],
      },
    ];
    const gemini3 = encode({ messages }, 'gemini-3-pro-preview');
    const parts = gemini3.value.contents?.[1]?.parts ?? [];
    expect(parts.map((part) => part.thoughtSignature)).toEqual([skipThoughtSignature, undefined]);
    expect(gemini3.warnings).toEqual([expect.objectContaining({ type: 'other', field: 'messages' })]);
    const gemini25 = encode({ messages });
    expect(gemini25.value.contents?.[1]?.parts.every((part) => part.thoughtSignature === undefined)).toBe(
      true,
    );
    expect(gemini25.warnings).toEqual([]);
  });

  it('sends a call whose arguments are not a JSON object with {} and a warning', () => {
    const { value, warnings } = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_a', name: 'f', arguments: '{"a":' }] },
      ],
    });
    expect(value.contents?.[1]?.parts).toEqual([{ functionCall: { id: 'call_a', name: 'f', args: {} } }]);
    expect(warnings).toEqual([expect.objectContaining({ type: 'changed-value', field: 'messages[1]' })]);
  });
});
