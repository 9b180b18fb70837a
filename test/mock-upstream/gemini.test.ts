import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { estimateTokens } from './estimate-tokens.ts';
import { startMockUpstream, type MockUpstream } from './index.ts';
import { readResponseText, splitSseEvents } from './read-response-text.ts';

type Json = Record<string, unknown>;

interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { name: string; args?: Json; id?: string };
}

interface Candidate {
  content?: { parts: Part[]; role: string };
  finishReason?: string;
  index: number;
  safetyRatings?: Json[];
}

interface GenerateContentResponse {
  candidates: Candidate[];
  usageMetadata: Record<string, unknown>;
  modelVersion: string;
  responseId: string;
}

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ defaultStreamChunks: 3 });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

const hello = [{ role: 'user', parts: [{ text: 'Hello there' }] }];

function post(path: string, body: Json): Promise<Response> {
  return fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'AIza-upstream' },
    body: JSON.stringify(body),
  });
}

function generate(body: Json = {}, model = 'gemini-2.5-flash'): Promise<Response> {
  return post(`/v1beta/models/${model}:generateContent`, { contents: hello, ...body });
}

async function generated(body: Json = {}, model?: string): Promise<GenerateContentResponse> {
  const response = await generate(body, model);
  expect(response.status).toBe(200);
  return (await response.json()) as GenerateContentResponse;
}

async function streamChunks(body: Json = {}, model = 'gemini-2.5-flash'): Promise<GenerateContentResponse[]> {
  const response = await post(`/v1beta/models/${model}:streamGenerateContent?alt=sse`, {
    contents: hello,
    ...body,
  });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const { text, error } = await readResponseText(response);
  expect(error).toBeUndefined();
  return splitSseEvents(text, '\r\n').map(({ data }) => JSON.parse(data) as GenerateContentResponse);
}

function candidateOf(response: GenerateContentResponse): Candidate {
  const [candidate] = response.candidates;
  if (candidate === undefined) throw new Error('no candidate');
  return candidate;
}

function partsOf(response: GenerateContentResponse): Part[] {
  return candidateOf(response).content?.parts ?? [];
}

async function errorOf(response: Response): Promise<{ code: number; message: string; status: string }> {
  const body = (await response.json()) as { error: { code: number; message: string; status: string } };
  expect(body.error.code).toBe(response.status);
  return body.error;
}

describe('generateContent', () => {
  it('echoes the last user text as a GenerateContentResponse, shaped like google-text.json', async () => {
    const response = await generate({ systemInstruction: { parts: [{ text: 'Be brief.' }] } });
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const body = (await response.json()) as GenerateContentResponse;
    expect(Object.keys(body)).toEqual(['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
    expect(body.candidates).toEqual([
      { content: { parts: [{ text: 'echo: Hello there' }], role: 'model' }, finishReason: 'STOP', index: 0 },
    ]);
    const prompt = estimateTokens('Be brief.Hello there');
    const output = estimateTokens('echo: Hello there');
    expect(body.usageMetadata).toEqual({
      promptTokenCount: prompt,
      candidatesTokenCount: output,
      totalTokenCount: prompt + output,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
    });
    expect(body.modelVersion).toBe('gemini-2.5-flash');
    expect(body.responseId).toMatch(/^\w{23}$/);
  });

  it('takes the model from the path and records the key from the header or ?key=', async () => {
    await (await generate({}, 'gemini-2.0-flash')).text();
    await (
      await fetch(`${mock.url}/v1beta/models/gemini-2.5-pro:generateContent?key=AIza-query`, {
        method: 'POST',
        body: JSON.stringify({ contents: hello }),
      })
    ).json();
    expect(mock.requests.map((request) => [request.path, request.apiKey])).toEqual([
      ['/v1beta/models/gemini-2.0-flash:generateContent', 'AIza-upstream'],
      ['/v1beta/models/gemini-2.5-pro:generateContent?key=AIza-query', 'AIza-query'],
    ]);
    expect(mock.requests[0]?.headers['x-goog-api-key']).toBe('AIza-upstream');
  });

  it('sends function calls with args objects and no ids, and scripted thought signatures', async () => {
    mock.enqueue({
      kind: 'chat',
      toolCalls: [
        {
          id: 'ignored',
          name: 'weather',
          arguments: '{"location":"San Francisco"}',
          thoughtSignature: 'sig-1',
        },
        { name: 'time', arguments: '' },
      ],
    });
    const body = await generated();
    expect(candidateOf(body).finishReason).toBe('STOP');
    expect(partsOf(body)).toEqual([
      { functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: 'sig-1' },
      { functionCall: { name: 'time' } },
    ]);
  });

  it('sends thoughts as thought parts and counts them apart from the candidates', async () => {
    mock.enqueue({
      kind: 'chat',
      reasoningContent: 'Count the r letters.',
      reasoningSignature: 'sig-text',
      content: 'There are 3.',
      usage: { prompt_tokens: 9, completion_tokens: 40, reasoning_tokens: 30, cached_tokens: 4 },
    });
    const body = await generated();
    expect(partsOf(body)).toEqual([
      { text: 'Count the r letters.', thought: true },
      { text: 'There are 3.', thoughtSignature: 'sig-text' },
    ]);
    expect(body.usageMetadata).toEqual({
      promptTokenCount: 9,
      candidatesTokenCount: 10,
      totalTokenCount: 49,
      cachedContentTokenCount: 4,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 9 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }],
      thoughtsTokenCount: 30,
    });
  });

  it('translates finish reasons, and blocks for safety with no content', async () => {
    mock.enqueue(
      { kind: 'chat', content: 'Cut sh', finishReason: 'length' },
      { kind: 'chat', finishReason: 'content_filter' },
      { kind: 'chat', finishReason: 'RECITATION' },
    );
    expect(candidateOf(await generated()).finishReason).toBe('MAX_TOKENS');
    const blocked = candidateOf(await generated());
    expect(blocked.content).toBeUndefined();
    expect(blocked.finishReason).toBe('SAFETY');
    expect(blocked.safetyRatings).toContainEqual(expect.objectContaining({ blocked: true }));
    expect(candidateOf(await generated())).toEqual({ finishReason: 'RECITATION', index: 0 });
  });

  it('serves the same path under /v1', async () => {
    const response = await post('/v1/models/gemini-2.5-flash:generateContent', { contents: hello });
    expect(partsOf((await response.json()) as GenerateContentResponse)).toEqual([
      { text: 'echo: Hello there' },
    ]);
  });
});

describe('streamGenerateContent', () => {
  it('frames `data:` chunks with CRLF and ends with the finishReason, as google-text.chunks.txt', async () => {
    const chunks = await streamChunks({ contents: [{ parts: [{ text: 'abcdefghijkl' }] }] });
    expect(chunks).toHaveLength(3);
    expect(chunks.map((chunk) => partsOf(chunk)[0]?.text).join('')).toBe('echo: abcdefghijkl');
    expect(chunks.map((chunk) => candidateOf(chunk).finishReason)).toEqual([undefined, undefined, 'STOP']);
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    for (const chunk of chunks) {
      expect(Object.keys(chunk)).toEqual(['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
      expect(candidateOf(chunk).content?.role).toBe('model');
    }
    // Usage is cumulative: each chunk carries the count so far, the last the whole.
    const counts = chunks.map((chunk) => chunk.usageMetadata.candidatesTokenCount as number);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(estimateTokens('echo: abcdefghijkl'));
    expect(chunks.at(-1)?.usageMetadata.totalTokenCount).toBe(
      estimateTokens('abcdefghijkl') + estimateTokens('echo: abcdefghijkl'),
    );
  });

  it('streams thoughts first, text in pieces and all function calls whole in one chunk', async () => {
    mock.enqueue({
      kind: 'chat',
      reasoningContent: 'Plan.',
      content: 'Calling.',
      toolCalls: [
        { name: 'a', arguments: '{"x":1}' },
        { name: 'b', arguments: '{"y":[true]}' },
      ],
      chunks: 2,
      usage: { prompt_tokens: 5, completion_tokens: 20, reasoning_tokens: 8 },
    });
    const chunks = await streamChunks();
    expect(chunks.map(partsOf)).toEqual([
      [{ text: 'Pla', thought: true }],
      [{ text: 'n.', thought: true }],
      [{ text: 'Call' }],
      [{ text: 'ing.' }],
      [{ functionCall: { name: 'a', args: { x: 1 } } }, { functionCall: { name: 'b', args: { y: [true] } } }],
    ]);
    expect(chunks.map((chunk) => chunk.usageMetadata.thoughtsTokenCount)).toEqual([4, 8, 8, 8, 8]);
    expect(chunks.map((chunk) => chunk.usageMetadata.candidatesTokenCount)).toEqual([
      undefined,
      undefined,
      4,
      8,
      12,
    ]);
    expect(chunks.at(-1)?.usageMetadata.totalTokenCount).toBe(25);
    expect(candidateOf(chunks.at(-1) as GenerateContentResponse).finishReason).toBe('STOP');
  });

  it('streams a safety block as one chunk without content', async () => {
    mock.enqueue({ kind: 'chat', finishReason: 'content_filter' });
    const chunks = await streamChunks();
    expect(chunks).toHaveLength(1);
    expect(candidateOf(chunks[0] as GenerateContentResponse)).toMatchObject({
      finishReason: 'SAFETY',
      index: 0,
    });
    expect(candidateOf(chunks[0] as GenerateContentResponse).content).toBeUndefined();
  });

  it('streams a JSON array when the request has no alt=sse', async () => {
    const response = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent', { contents: hello });
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const chunks = JSON.parse(await response.text()) as GenerateContentResponse[];
    expect(chunks).toHaveLength(3);
    expect(chunks.map((chunk) => partsOf(chunk)[0]?.text).join('')).toBe('echo: Hello there');
  });

  it('cuts a stream, and sends a mid-stream 503 error chunk', async () => {
    mock.enqueue(
      { kind: 'cut', afterChunks: 1 },
      { kind: 'chat', content: 'abcdef', streamErrorAfterChunks: 1 },
    );
    const cut = await readResponseText(
      await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', { contents: hello }),
    );
    expect(cut.error).toBeDefined();
    expect(splitSseEvents(cut.text, '\r\n')).toHaveLength(1);
    const response = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      contents: hello,
    });
    const { text, error } = await readResponseText(response);
    expect(error).toBeUndefined();
    const data = splitSseEvents(text, '\r\n').map(({ data: payload }) => JSON.parse(payload) as Json);
    expect(data).toHaveLength(2);
    expect(data[1]).toEqual({
      error: {
        code: 503,
        message: 'The model is overloaded. Please try again later.',
        status: 'UNAVAILABLE',
      },
    });
  });

  it('sends Google error bodies for scripted errors and bodies that are not JSON', async () => {
    mock.enqueue({ kind: 'error', status: 429 });
    expect(await errorOf(await generate())).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    const response = await fetch(`${mock.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: 'nope',
    });
    expect(await errorOf(response)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });
});

describe('request validation', () => {
  async function problemOf(body: Json, model?: string): Promise<string> {
    const response = await generate(body, model);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.status).toBe('INVALID_ARGUMENT');
    return error.message;
  }

  const call = { functionCall: { name: 'weather', args: { city: 'Paris' } } };
  const answer = { functionResponse: { name: 'weather', response: { result: 'sunny' } } };

  it('requires contents with parts and user/model roles', async () => {
    expect(await problemOf({ contents: undefined })).toBe(
      '* GenerateContentRequest.contents: contents is not specified\n',
    );
    expect(await problemOf({ contents: [] })).toBe(
      '* GenerateContentRequest.contents: contents is not specified\n',
    );
    expect(await problemOf({ contents: [{ role: 'assistant', parts: [{ text: 'a' }] }] })).toBe(
      'Please use a valid role: user, model.',
    );
    expect(await problemOf({ contents: [{ role: 'system', parts: [{ text: 'a' }] }] })).toBe(
      'Please use a valid role: user, model.',
    );
    expect(await problemOf({ contents: [...hello, { role: 'model', parts: [] }] })).toBe(
      '* GenerateContentRequest.contents[1].parts: contents.parts must not be empty.\n',
    );
  });

  it('refuses JSON Schema keywords Gemini does not know in function declarations, naming their paths', async () => {
    const response = await generate({
      tools: [
        {
          functionDeclarations: [
            {
              name: 'search',
              parameters: {
                $schema: 'http://json-schema.org/draft-07/schema#',
                type: 'object',
                properties: {
                  query: { type: 'string' },
                  filters: {
                    type: 'array',
                    items: { type: 'object', additionalProperties: false, properties: {} },
                  },
                  mode: { type: ['string', 'null'] },
                },
              },
            },
          ],
        },
      ],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; details: Json[] } };
    const path = 'tools[0].function_declarations[0].parameters';
    const expected = [
      `Invalid JSON payload received. Unknown name "$schema" at '${path}': Cannot find field.`,
      `Invalid JSON payload received. Unknown name "additionalProperties" at '${path}.properties[1].value.items': Cannot find field.`,
      `Invalid JSON payload received. Unknown name "type" at '${path}.properties[2].value': Proto field is not repeating, cannot start list.`,
    ];
    expect(body.error.message).toBe(expected.join('\n'));
    expect(body.error.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [
          { field: path, description: expected[0] },
          { field: `${path}.properties[1].value.items`, description: expected[1] },
          { field: `${path}.properties[2].value`, description: expected[2] },
        ],
      },
    ]);
  });

  // ai.google.dev/gemini-api/docs/thinking: each model's range of budgets; -1 is dynamic thinking.
  it("refuses a thinking budget outside the model's range, and 0 to a model that must think", async () => {
    const thinking = (thinkingBudget: number) => ({
      generationConfig: { thinkingConfig: { thinkingBudget } },
    });
    expect(await problemOf(thinking(0), 'gemini-2.5-pro')).toBe(
      'Budget 0 is invalid. This model only works in thinking mode.',
    );
    expect(await problemOf(thinking(100), 'gemini-2.5-pro')).toBe(
      'The thinking budget 100 is invalid. Please choose a value between 128 and 32768.',
    );
    expect(await problemOf(thinking(256), 'gemini-2.5-flash-lite')).toBe(
      'The thinking budget 256 is invalid. Please choose a value between 512 and 24576.',
    );
    expect(await problemOf(thinking(32_768), 'gemini-2.5-flash')).toBe(
      'The thinking budget 32768 is invalid. Please choose a value between 1 and 24576.',
    );
    const taken: [number, string][] = [
      [32_768, 'gemini-2.5-pro'],
      [-1, 'gemini-2.5-pro'],
      [0, 'gemini-2.5-flash-lite'],
      [512, 'gemini-2.5-flash-lite'],
      [24_576, 'gemini-2.5-flash'],
    ];
    for (const [budget, model] of taken) expect((await generate(thinking(budget), model)).status).toBe(200);
  });

  it('refuses fields the request does not have, and takes snake_case names', async () => {
    expect(await problemOf({ max_tokens: 100 })).toBe(
      'Invalid JSON payload received. Unknown name "max_tokens": Cannot find field.',
    );
    expect(await problemOf({ generationConfig: { maxTokens: 100 } })).toBe(
      `Invalid JSON payload received. Unknown name "maxTokens" at 'generation_config': Cannot find field.`,
    );
    const snake = await generate({
      system_instruction: { parts: [{ text: 'Be brief.' }] },
      generation_config: { max_output_tokens: 100, thinking_config: { thinking_budget: 0 } },
      tools: [
        { function_declarations: [{ name: 'f', parameters_json_schema: { additionalProperties: false } }] },
      ],
    });
    expect(snake.status).toBe(200);
  });

  it('requires function responses to answer the function call turn right before them', async () => {
    expect(await problemOf({ contents: [...hello, { role: 'user', parts: [answer] }] })).toBe(
      'Please ensure that function response turn comes immediately after a function call turn.',
    );
    expect(
      await problemOf({
        contents: [...hello, { role: 'model', parts: [call, call] }, { role: 'user', parts: [answer] }],
      }),
    ).toBe(
      'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
    );
    expect(
      await problemOf({
        contents: [
          ...hello,
          { role: 'model', parts: [{ text: 'Let me check.' }] },
          { role: 'model', parts: [call] },
        ],
      }),
    ).toBe(
      'Please ensure that function call turn comes immediately after a user turn or after a function response turn.',
    );
    const valid = await generate({
      contents: [
        ...hello,
        { role: 'model', parts: [{ text: 'Checking.' }, call, call] },
        { role: 'user', parts: [answer, answer] },
      ],
    });
    expect(valid.status).toBe(200);
  });

  it('requires Gemini 3 function calls of the current turn to come back with their thought signature', async () => {
    const contents = [...hello, { role: 'model', parts: [call] }, { role: 'user', parts: [answer] }];
    expect(await problemOf({ contents }, 'gemini-3-pro-preview')).toMatch(
      /^Function call is missing a thought_signature in functionCall parts\. .* `default_api:weather` , position 2\./,
    );
    expect((await generate({ contents }, 'gemini-2.5-flash')).status).toBe(200);
    const signed = [...hello, { role: 'model', parts: [{ ...call, thoughtSignature: 'sig' }] }, contents[2]];
    expect((await generate({ contents: signed }, 'gemini-3-pro-preview')).status).toBe(200);
    // Only the current turn counts: an unsigned call before the last user text is accepted.
    const earlier = [...contents, { role: 'model', parts: [{ text: 'Sunny.' }] }, ...hello];
    expect((await generate({ contents: earlier }, 'gemini-3-pro-preview')).status).toBe(200);
  });
});

describe('model list', () => {
  it('lists models in Google’s shape and serves one model', async () => {
    const own = await startMockUpstream({ geminiModels: ['gemini-2.5-flash', 'gemini-3-pro-preview'] });
    try {
      const list = (await (await fetch(`${own.url}/v1beta/models`)).json()) as { models: Json[] };
      expect(list.models.map((model) => model.name)).toEqual([
        'models/gemini-2.5-flash',
        'models/gemini-3-pro-preview',
      ]);
      expect(list.models[0]).toMatchObject({
        displayName: expect.any(String),
        inputTokenLimit: expect.any(Number),
        supportedGenerationMethods: expect.arrayContaining(['generateContent']),
      });
      const one = await fetch(`${own.url}/v1beta/models/gemini-2.5-flash`);
      expect(await one.json()).toMatchObject({ name: 'models/gemini-2.5-flash' });
      const missing = await fetch(`${own.url}/v1beta/models/gemini-9`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    } finally {
      await own.close();
    }
  });
});
