import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import { decodeGeminiRequest } from './decode-gemini-request.ts';

const decode = (body: unknown, pathModel = 'models/gemini-2.5-flash', pathStream = false) =>
  decodeGeminiRequest(body, { pathModel, pathStream });

const errorOf = (body: unknown): GatewayError => {
  try {
    decode(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
};

const user = (text: string) => ({ role: 'user', parts: [{ text }] });

describe('decodeGeminiRequest', () => {
  it('takes the model and streaming from the path, without the models/ prefix', () => {
    const { value, warnings } = decode({ contents: [user('hi')] }, 'models/gemini-2.5-pro', true);
    expect(value).toEqual({
      model: 'gemini-2.5-pro',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: true,
    });
    expect(warnings).toEqual([]);
  });

  it('reads snake_case field names as Google does, to the same request', () => {
    const camel = {
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        {
          role: 'user',
          parts: [{ text: 'Look' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
        },
        { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'c2ln' }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { output: 'ok' } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object' } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } },
      generationConfig: {
        maxOutputTokens: 100,
        topP: 0.5,
        topK: 3,
        stopSequences: ['x'],
        candidateCount: 1,
        responseMimeType: 'application/json',
        thinkingConfig: { thinkingBudget: 256, includeThoughts: true },
      },
    };
    const snake = {
      system_instruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        {
          role: 'user',
          parts: [{ text: 'Look' }, { inline_data: { mime_type: 'image/png', data: 'iVBORw0KGgo=' } }],
        },
        {
          role: 'model',
          parts: [{ function_call: { name: 'f', args: { a: 1 } }, thought_signature: 'c2ln' }],
        },
        { role: 'user', parts: [{ function_response: { name: 'f', response: { output: 'ok' } } }] },
      ],
      tools: [{ function_declarations: [{ name: 'f', parameters_json_schema: { type: 'object' } }] }],
      tool_config: { function_calling_config: { mode: 'ANY', allowed_function_names: ['f'] } },
      generation_config: {
        max_output_tokens: 100,
        top_p: 0.5,
        top_k: 3,
        stop_sequences: ['x'],
        candidate_count: 1,
        response_mime_type: 'application/json',
        thinking_config: { thinking_budget: 256, include_thoughts: true },
      },
    };
    const fromCamel = decode(camel);
    expect(decode(snake)).toEqual(fromCamel);
    expect(fromCamel.value).toMatchObject({
      system: [{ type: 'text', text: 'Be brief.' }],
      toolChoice: { type: 'tool', name: 'f' },
      maxOutputTokens: 100,
      topP: 0.5,
      topK: 3,
      stopSequences: ['x'],
      choiceCount: 1,
      responseFormat: { type: 'json-object' },
      reasoning: { budgetTokens: 256 },
    });
    expect(fromCamel.value.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Look' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
      ],
    });
  });

  it('gives calls without ids a stable id from their position, and answers parallel calls in order', () => {
    const body = {
      contents: [
        user('weather in two cities'),
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' },
            { functionCall: { name: 'weather', args: { city: 'Oslo' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'weather', response: { output: 'sunny' } } },
            { functionResponse: { name: 'weather', response: { error: 'no station' } } },
          ],
        },
      ],
    };
    const first = decode(body).value;
    expect(first.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            id: 'call_c1_p0',
            name: 'weather',
            arguments: '{"city":"Paris"}',
            signature: 'c2ln',
          },
          { type: 'tool-call', id: 'call_c1_p1', name: 'weather', arguments: '{"city":"Oslo"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_c1_p0',
            name: 'weather',
            content: [{ type: 'text', text: 'sunny' }],
          },
          {
            type: 'tool-result',
            toolCallId: 'call_c1_p1',
            name: 'weather',
            content: [{ type: 'text', text: 'no station' }],
            isError: true,
          },
        ],
      },
    ]);
    // The next turn of the same conversation names the calls the same way.
    expect(decode(body).value.messages).toEqual(first.messages);
  });

  it('keeps ids the client sends, and matches responses by them', () => {
    const { value } = decode({
      contents: [
        user('go'),
        {
          role: 'model',
          parts: [
            { functionCall: { id: 'call_b', name: 'f', args: {} } },
            { functionCall: { id: 'call_a', name: 'f', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'call_a', name: 'f', response: { x: 1 } } },
            { functionResponse: { name: 'f', response: { y: 2 } } },
          ],
        },
      ],
    });
    expect(value.messages[2]).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'call_a',
          name: 'f',
          content: [{ type: 'text', text: '{"x":1}' }],
        },
        {
          type: 'tool-result',
          toolCallId: 'call_b',
          name: 'f',
          content: [{ type: 'text', text: '{"y":2}' }],
        },
      ],
    });
  });

  it('splits a user turn into tool results and user content, in order', () => {
    const { value } = decode({
      contents: [
        user('go'),
        { role: 'model', parts: [{ functionCall: { name: 'f' } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'f', response: { output: 'done' } } }, { text: 'and now?' }],
        },
      ],
    });
    expect(value.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(value.messages[1]).toMatchObject({ content: [{ arguments: '{}' }] });
  });

  it('joins thought parts into one thinking part, closed by the signature; answer signatures follow the text', () => {
    const { value } = decode({
      contents: [
        user('q'),
        {
          role: 'model',
          parts: [
            { text: 'Let me ', thought: true },
            { text: 'think.', thought: true },
            { text: '', thought: true, thoughtSignature: 'c2lnMQ==' },
            { text: 'Answer.', thoughtSignature: 'c2lnMg==' },
          ],
        },
        user('more'),
      ],
    });
    expect(value.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', text: 'Let me think.', signature: 'c2lnMQ==', signatureSource: 'gemini' },
        { type: 'text', text: 'Answer.' },
        { type: 'thinking', text: '', signature: 'c2lnMg==', signatureSource: 'gemini' },
      ],
    });
  });

  it('turns image files into image URLs, an inline PDF into a document, and drops other media with a warning', () => {
    const { value, warnings } = decode({
      contents: [
        {
          parts: [
            { fileData: { fileUri: 'https://example.com/cat.jpg' } },
            { fileData: { fileUri: 'https://example.com/clip', mimeType: 'video/mp4' } },
            { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
            { inlineData: { mimeType: 'audio/mpeg', data: 'SUQz' } },
            { text: 'what is this?' },
          ],
        },
      ],
    });
    expect(value.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'document', mediaType: 'application/pdf', data: 'JVBERi0=' },
          { type: 'text', text: 'what is this?' },
        ],
      },
    ]);
    expect(warnings.map((warning) => warning.field)).toEqual([
      'contents[0].parts[1].fileData',
      'contents[0].parts[3].inlineData',
    ]);
  });

  it('reads generation settings, a response schema and thinking', () => {
    const { value, warnings } = decode({
      contents: [user('hi')],
      generationConfig: {
        temperature: 0.2,
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.3,
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING' } } },
        thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true },
        responseModalities: ['TEXT'],
        responseLogprobs: true,
      },
    });
    expect(value).toMatchObject({
      temperature: 0.2,
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
      responseFormat: {
        type: 'json-schema',
        name: 'response',
        schema: { type: 'object', properties: { a: { type: 'string' } } },
      },
      reasoning: { effort: 'high' },
    });
    expect(warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', field: 'generationConfig.responseLogprobs' }),
    ]);
  });

  it.each([
    [{ thinkingBudget: 0 }, { budgetTokens: 0, includeThoughts: false }],
    [{ thinkingBudget: -1 }, { includeThoughts: false }],
    [{ includeThoughts: true }, { includeThoughts: true }],
    [{ includeThoughts: false }, undefined],
    [
      { thinkingBudget: 2048, thinkingLevel: 'LOW' },
      { budgetTokens: 2048, effort: 'low', includeThoughts: false },
    ],
    [
      { thinkingBudget: 2048, includeThoughts: true },
      { budgetTokens: 2048, includeThoughts: true },
    ],
  ])('thinkingConfig %j → reasoning %j', (thinkingConfig, reasoning) => {
    expect(decode({ contents: [user('hi')], generationConfig: { thinkingConfig } }).value.reasoning).toEqual(
      reasoning,
    );
  });

  it('warns about safety settings and cached content, which cannot be relayed', () => {
    const { warnings } = decode({
      contents: [user('hi')],
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/abc',
    });
    expect(warnings.map((warning) => [warning.type, warning.field])).toEqual([
      ['unsupported-setting', 'safetySettings'],
      ['unsupported-setting', 'cachedContent'],
    ]);
  });

  it.each([
    [[], 'body'],
    [{ contents: [] }, 'contents'],
    [{ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, 'contents[0].role'],
    [{ contents: [user('a'), user('b'), { role: 'user', parts: [{ nothing: 1 }] }] }, 'contents[2].parts[0]'],
    [{ contents: [{ role: 'user', parts: [{ text: 3 }] }] }, 'contents[0].parts[0].text'],
    [{ contents: [{ role: 'user', parts: [] }] }, 'contents[0].parts'],
    [
      { contents: [{ role: 'model', parts: [{ functionCall: { args: {} } }] }] },
      'contents[0].parts[0].functionCall.name',
    ],
    [{ contents: [{ role: 'user', parts: [{ functionCall: { name: 'f' } }] }] }, 'contents[0].parts[0]'],
    [{ contents: [user('a')], generationConfig: { temperature: 'hot' } }, 'generationConfig.temperature'],
    [
      { contents: [user('a')], tools: [{ functionDeclarations: [{ description: 'x' }] }] },
      'tools[0].functionDeclarations[0].name',
    ],
  ])('refuses %j with a 400 naming %s', (body, param) => {
    const error = errorOf(body);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    if (param !== 'body') expect(error.param).toBe(param);
  });

  it('needs a model in the path', () => {
    expect(() => decodeGeminiRequest({ contents: [user('hi')] }, {})).toThrow(GatewayError);
  });
});

describe('a Google SDK chat history kept chunk by chunk', () => {
  it('joins consecutive model contents into one assistant turn, so results match their calls', () => {
    const { value } = decodeGeminiRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'Weather and time?' }] },
          { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
          { role: 'model', parts: [{ functionCall: { name: 'get_time', args: {} } }] },
          { role: 'model', parts: [{ text: '' }] },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_weather', response: { output: '21C' } } },
              { functionResponse: { name: 'get_time', response: { output: '14:05' } } },
            ],
          },
        ],
      },
      { pathModel: 'gemini-2.0-flash', pathStream: false },
    );
    expect(value.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
    const calls = value.messages[1]!.content.filter((part) => part.type === 'tool-call');
    expect(calls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    const results = value.messages[2]!.content.map((part) =>
      part.type === 'tool-result' ? part.toolCallId : '',
    );
    expect(results).toEqual(calls.map((call) => call.id));
  });
});
