import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { estimateTokens } from './estimate-tokens.ts';
import { startMockUpstream, type MockUpstream } from './index.ts';
import { readResponseText, splitSseData } from './read-response-text.ts';

type Json = Record<string, unknown>;

interface Chunk {
  id: string;
  object: string;
  created: number;
  model: string;
  system_fingerprint: string;
  choices: { index: number; delta: Json; logprobs: null; finish_reason: string | null }[];
  usage?: Json | null;
}

interface StreamedToolCall {
  index: number;
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ defaultStreamChunks: 4 });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

function postChat(body: Json): Promise<Response> {
  return fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-upstream' },
    body: JSON.stringify(body),
  });
}

const userMessages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hello there' },
];

async function streamChunks(body: Json): Promise<{ response: Response; data: string[]; chunks: Chunk[] }> {
  const response = await postChat({ model: 'gpt-4.1-nano', messages: userMessages, stream: true, ...body });
  const { text, error } = await readResponseText(response);
  expect(error).toBeUndefined();
  const data = splitSseData(text);
  expect(data.at(-1)).toBe('[DONE]');
  return { response, data, chunks: data.slice(0, -1).map((payload) => JSON.parse(payload) as Chunk) };
}

function choiceOf(chunk: Chunk) {
  const choice = chunk.choices[0];
  if (choice === undefined) throw new Error('chunk without a choice');
  return choice;
}

function contentOf(chunks: Chunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

// Keys in the order of openai-text.json / openai-text.chunks.txt (less the random `obfuscation`).
const completionKeys = [
  'id',
  'object',
  'created',
  'model',
  'choices',
  'usage',
  'service_tier',
  'system_fingerprint',
];
const chunkKeys = ['id', 'object', 'created', 'model', 'service_tier', 'system_fingerprint', 'choices'];
const usageKeys = [
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'prompt_tokens_details',
  'completion_tokens_details',
];

describe('non-streaming chat completion', () => {
  it('echoes the last user message in the shape of openai-text.json', async () => {
    const response = await postChat({ model: 'gpt-4.1-nano', messages: userMessages });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const body = (await response.json()) as Json;
    expect(Object.keys(body)).toEqual(completionKeys);
    expect(body.id).toMatch(/^chatcmpl-\w+$/);
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('gpt-4.1-nano');
    expect(body.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'echo: Hello there', refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    const promptTokens = estimateTokens('Be brief.Hello there');
    const completionTokens = estimateTokens('echo: Hello there');
    expect(body.usage).toEqual({
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
  });

  it('reads text from content-part arrays', async () => {
    const messages = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'part one, ' },
          { type: 'text', text: 'two' },
        ],
      },
    ];
    const body = (await (await postChat({ model: 'm', messages })).json()) as {
      choices: { message: Json }[];
    };
    expect(body.choices[0]?.message.content).toBe('echo: part one, two');
  });

  it('sends tool calls with null content and finish_reason tool_calls', async () => {
    mock.enqueue({
      kind: 'chat',
      toolCalls: [
        { id: 'call_1', name: 'weather', arguments: '{"location":"Paris"}' },
        { name: 'time', arguments: '{}' },
      ],
    });
    const body = (await (await postChat({ model: 'gpt-4o', messages: userMessages })).json()) as {
      choices: { message: Json; finish_reason: string }[];
    };
    const choice = body.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message).toMatchObject({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"location":"Paris"}' } },
        {
          id: expect.stringMatching(/^call_\w+$/),
          type: 'function',
          function: { name: 'time', arguments: '{}' },
        },
      ],
    });
  });

  it('uses the scripted model, usage, finish reason and reasoning', async () => {
    mock.enqueue({
      kind: 'chat',
      content: 'Hi',
      reasoningContent: 'Thinking.',
      model: 'gpt-4o-2024-08-06',
      finishReason: 'length',
      usage: { prompt_tokens: 100, completion_tokens: 7, cached_tokens: 64, reasoning_tokens: 3 },
    });
    const body = (await (await postChat({ model: 'alias', messages: userMessages })).json()) as {
      model: string;
      choices: { message: Json; finish_reason: string }[];
      usage: Json;
    };
    expect(body.model).toBe('gpt-4o-2024-08-06');
    expect(body.choices[0]?.finish_reason).toBe('length');
    expect(body.choices[0]?.message).toMatchObject({ content: 'Hi', reasoning_content: 'Thinking.' });
    expect(body.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 7,
      total_tokens: 107,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });
});

describe('streaming chat completion', () => {
  it('frames chunks like OpenAI, without usage when include_usage is absent', async () => {
    const { response, chunks } = await streamChunks({});
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    for (const chunk of chunks) {
      expect(Object.keys(chunk)).toEqual(chunkKeys);
      expect(chunk).toMatchObject({
        object: 'chat.completion.chunk',
        model: 'gpt-4.1-nano',
        id: chunks[0]?.id,
      });
      expect(chunk.id).toMatch(/^chatcmpl-\w+$/);
      expect(chunk.choices).toHaveLength(1);
    }
    expect(choiceOf(chunks[0] as Chunk)).toEqual({
      index: 0,
      delta: { role: 'assistant', content: '', refusal: null },
      logprobs: null,
      finish_reason: null,
    });
    // Role chunk, the default 4 content pieces, the finish chunk.
    expect(chunks).toHaveLength(6);
    expect(contentOf(chunks)).toBe('echo: Hello there');
    expect(chunks.slice(0, -1).every((chunk) => choiceOf(chunk).finish_reason === null)).toBe(true);
    expect(choiceOf(chunks.at(-1) as Chunk)).toEqual({
      index: 0,
      delta: {},
      logprobs: null,
      finish_reason: 'stop',
    });
  });

  it('adds "usage": null to every chunk and a final usage chunk when include_usage is set', async () => {
    const { chunks } = await streamChunks({ stream_options: { include_usage: true } });
    const usageChunk = chunks.at(-1) as Chunk;
    for (const chunk of chunks.slice(0, -1)) {
      expect(Object.keys(chunk)).toEqual([...chunkKeys, 'usage']);
      expect(chunk.usage).toBeNull();
    }
    expect(Object.keys(usageChunk)).toEqual([...chunkKeys, 'usage']);
    expect(usageChunk.choices).toEqual([]);
    expect(Object.keys(usageChunk.usage ?? {})).toEqual(usageKeys);
    expect(usageChunk.usage).toMatchObject({
      prompt_tokens: estimateTokens('Be brief.Hello there'),
      completion_tokens: estimateTokens('echo: Hello there'),
    });
    expect(choiceOf(chunks.at(-2) as Chunk).finish_reason).toBe('stop');
  });

  it('splits content into the scripted number of chunks', async () => {
    mock.enqueue(
      { kind: 'chat', content: 'abcdefghij', chunks: 3 },
      { kind: 'chat', content: 'ab', chunks: 10 },
    );
    const three = await streamChunks({});
    expect(three.chunks.slice(1, -1).map((chunk) => choiceOf(chunk).delta.content)).toEqual([
      'abcd',
      'efg',
      'hij',
    ]);
    const short = await streamChunks({});
    expect(short.chunks.slice(1, -1).map((chunk) => choiceOf(chunk).delta.content)).toEqual(['a', 'b']);
  });

  it('streams parallel tool calls by index, with id and name only in the first piece', async () => {
    const calls = [
      { id: 'call_weather', name: 'weather', arguments: '{"location":"San Francisco","unit":"celsius"}' },
      { id: 'call_time', name: 'time', arguments: '{"zone":"America/Los_Angeles"}' },
    ];
    mock.enqueue({ kind: 'chat', toolCalls: calls, chunks: 3 });
    const { chunks } = await streamChunks({ stream_options: { include_usage: true } });
    expect(choiceOf(chunks[0] as Chunk).delta).toEqual({ role: 'assistant', content: null, refusal: null });

    const pieces = chunks.flatMap(
      (chunk) => (chunk.choices[0]?.delta.tool_calls ?? []) as StreamedToolCall[],
    );
    const byIndex = new Map<number, StreamedToolCall[]>();
    for (const piece of pieces) byIndex.set(piece.index, [...(byIndex.get(piece.index) ?? []), piece]);
    expect([...byIndex.keys()]).toEqual([0, 1]);
    calls.forEach((call, index) => {
      const [first, ...rest] = byIndex.get(index) ?? [];
      expect(first).toEqual({
        index,
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: '' },
      });
      expect(rest).toHaveLength(3);
      for (const piece of rest) expect(Object.keys(piece)).toEqual(['index', 'function']);
      expect(rest.map((piece) => piece.function.arguments).join('')).toBe(call.arguments);
    });
    // Call 0 is streamed whole before call 1 starts.
    expect(pieces.map((piece) => piece.index)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(choiceOf(chunks.at(-2) as Chunk)).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    expect(chunks.at(-1)?.choices).toEqual([]);
  });

  it('streams text before tool calls and generates call ids', async () => {
    mock.enqueue({
      kind: 'chat',
      content: 'Checking.',
      toolCalls: [{ name: 'weather', arguments: '{"a":1}' }],
    });
    const { chunks } = await streamChunks({});
    expect(choiceOf(chunks[0] as Chunk).delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(contentOf(chunks)).toBe('Checking.');
    const firstCallChunk = chunks.findIndex((chunk) => chunk.choices[0]?.delta.tool_calls !== undefined);
    const lastTextChunk = chunks.findLastIndex((chunk) => chunk.choices[0]?.delta.content !== undefined);
    expect(firstCallChunk).toBeGreaterThan(lastTextChunk);
    const first = (choiceOf(chunks[firstCallChunk] as Chunk).delta.tool_calls as StreamedToolCall[])[0];
    expect(first?.id).toMatch(/^call_\w+$/);
    expect(choiceOf(chunks.at(-1) as Chunk).finish_reason).toBe('tool_calls');
  });

  it('streams reasoning_content before content, as DeepSeek does', async () => {
    mock.enqueue({ kind: 'chat', reasoningContent: 'Let me think.', content: 'Done.', chunks: 2 });
    const { chunks } = await streamChunks({});
    const deltas = chunks.map((chunk) => choiceOf(chunk).delta);
    expect(deltas.slice(1, 5)).toEqual([
      { content: null, reasoning_content: 'Let me ' },
      { content: null, reasoning_content: 'think.' },
      { content: 'Don' },
      { content: 'e.' },
    ]);
  });

  it('paces frames by delayBetweenChunksMs', async () => {
    mock.enqueue({ kind: 'chat', content: 'abc', chunks: 3, delayBetweenChunksMs: 30 });
    const started = Date.now();
    const { reads, error } = await readResponseText(
      await postChat({ model: 'm', messages: [], stream: true }),
    );
    expect(error).toBeUndefined();
    // Five frames and [DONE], 30 ms apart.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(reads.length).toBeGreaterThan(1);
  });
});

describe('request validation', () => {
  async function problemOf(body: Json): Promise<Json> {
    const response = await postChat({ model: 'gpt-4.1-nano', messages: userMessages, ...body });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: Json };
    expect(error.type).toBe('invalid_request_error');
    return error;
  }

  it('refuses tool_choice and parallel_tool_calls without tools, as OpenAI does', async () => {
    expect(await problemOf({ tool_choice: 'auto' })).toMatchObject({
      message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      param: 'tool_choice',
    });
    expect(await problemOf({ tools: [], parallel_tool_calls: false })).toMatchObject({
      message:
        "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.",
      param: 'parallel_tool_calls',
    });
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const accepted = await postChat({
      model: 'gpt-4.1-nano',
      messages: userMessages,
      tools,
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(accepted.status).toBe(200);
  });

  it('refuses more than 4 stop sequences, as OpenAI does', async () => {
    expect(await problemOf({ stop: ['a', 'b', 'c', 'd', 'e'] })).toMatchObject({
      message:
        "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.",
      param: 'stop',
      code: 'array_above_max_length',
    });
    const accepted = await postChat({
      model: 'gpt-4.1-nano',
      messages: userMessages,
      stop: ['a', 'b', 'c', 'd'],
    });
    expect(accepted.status).toBe(200);
  });

  it('refuses a tool message that does not follow tool_calls or another tool message', async () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } };
    const second = { ...call, id: 'call_2' };
    const messages = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: null, tool_calls: [call, second] },
      { role: 'tool', tool_call_id: 'call_1', content: 'one' },
      { role: 'user', content: 'look' },
      { role: 'tool', tool_call_id: 'call_2', content: 'two' },
    ];
    expect(await problemOf({ messages })).toMatchObject({
      message:
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      param: 'messages.[4].role',
    });
    const inOrder = [messages[0], messages[1], messages[2], messages[4], messages[3]];
    expect((await postChat({ model: 'gpt-4.1-nano', messages: inOrder })).status).toBe(200);
  });

  it('refuses an inline image of a type vision does not take (HEIC), as OpenAI does', async () => {
    const asking = (url: string) => [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url } },
        ],
      },
    ];
    expect(await problemOf({ messages: asking('data:image/heic;base64,AAAAGGZ0eXBoZWlj') })).toEqual({
      message:
        "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_image_format',
    });
    for (const url of ['data:image/jpg;base64,/9j/4AAQ', 'https://example.com/cat.heic']) {
      expect((await postChat({ model: 'gpt-4.1-nano', messages: asking(url) })).status).toBe(200);
    }
  });
});

describe('other routes', () => {
  it('lists models', async () => {
    const response = await fetch(`${mock.url}/v1/models`);
    const body = (await response.json()) as { object: string; data: Json[] };
    expect(body.object).toBe('list');
    expect(body.data[0]).toEqual({
      id: 'gpt-4o',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'system',
    });
  });

  it('answers unknown paths with an OpenAI 404', async () => {
    const response = await fetch(`${mock.url}/v1/nothing`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: 'Invalid URL (POST /v1/nothing)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('answers a body that is not JSON with an OpenAI 400', async () => {
    const response = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: 'not json' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: Json };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
  });

  it('serves Azure deployment paths', async () => {
    const response = await fetch(
      `${mock.url}/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21`,
      {
        method: 'POST',
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      },
    );
    expect(response.status).toBe(200);
    expect(mock.requests[0]?.path).toBe('/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21');
  });
});
