import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { estimateTokens } from './estimate-tokens.ts';
import { startMockUpstream, type MockUpstream } from './index.ts';
import { readResponseText, splitSseEvents } from './read-response-text.ts';

type Json = Record<string, unknown>;

interface StreamEvent {
  type: string;
  index?: number;
  message?: Json;
  content_block?: Json;
  delta?: Json;
  usage?: Json;
  error?: Json;
}

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ defaultStreamChunks: 3 });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

const hello = [{ role: 'user', content: 'Hello there' }];

function postMessages(body: Json, init: RequestInit = {}): Promise<Response> {
  return fetch(`${mock.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'sk-ant-upstream',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: hello, ...body }),
    ...init,
  });
}

/** The events of a streamed reply; each frame's `event:` must equal its data's `type`. */
async function streamEvents(body: Json = {}): Promise<{ response: Response; events: StreamEvent[] }> {
  const response = await postMessages({ ...body, stream: true });
  const { text, error } = await readResponseText(response);
  expect(error).toBeUndefined();
  const events = splitSseEvents(text).map(({ event, data }) => {
    const parsed = JSON.parse(data) as StreamEvent;
    expect(event).toBe(parsed.type);
    return parsed;
  });
  return { response, events };
}

function deltasOf(events: StreamEvent[], type: string, field: string): unknown[] {
  return events
    .filter((event) => event.type === 'content_block_delta' && event.delta?.type === type)
    .map((event) => event.delta?.[field]);
}

async function errorOf(response: Response): Promise<{ status: number; type: unknown; message: string }> {
  const body = (await response.json()) as { type: string; error: { type: string; message: string } };
  expect(body.type).toBe('error');
  return { status: response.status, type: body.error.type, message: body.error.message };
}

// Keys in the order of anthropic-text.json (less `inference_geo`).
const messageKeys = ['model', 'id', 'type', 'role', 'content', 'stop_reason', 'stop_sequence', 'usage'];
const usageKeys = [
  'input_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'cache_creation',
  'output_tokens',
  'service_tier',
];

describe('non-streaming messages', () => {
  it('echoes the last user message as a Message object, shaped like anthropic-text.json', async () => {
    const response = await postMessages({ system: 'Be brief.' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const body = (await response.json()) as Json;
    expect(Object.keys(body)).toEqual(messageKeys);
    expect(body.id).toMatch(/^msg_01\w{22}$/);
    expect(body).toMatchObject({
      model: 'claude-sonnet-4-5',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'echo: Hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(Object.keys(body.usage as Json)).toEqual(usageKeys);
    expect(body.usage).toEqual({
      input_tokens: estimateTokens('Be brief.Hello there'),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: estimateTokens('echo: Hello there'),
      service_tier: 'standard',
    });
  });

  it('records the x-api-key and anthropic-version headers', async () => {
    await (await postMessages({})).text();
    const [request] = mock.requests;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers['x-api-key']).toBe('sk-ant-upstream');
    expect(request?.headers['anthropic-version']).toBe('2023-06-01');
    expect(request?.apiKey).toBe('sk-ant-upstream');
  });

  it('sends thinking (with a signature), text and tool_use blocks with parsed input', async () => {
    mock.enqueue({
      kind: 'chat',
      reasoningContent: 'The user wants weather.',
      content: 'Let me check.',
      toolCalls: [
        { name: 'weather', arguments: '{"city":"Paris","days":[1,2]}' },
        { id: 'toolu_fixed', name: 'time', arguments: '' },
      ],
    });
    const body = (await (await postMessages({})).json()) as Json;
    expect(body.stop_reason).toBe('tool_use');
    expect(body.content).toEqual([
      { type: 'thinking', thinking: 'The user wants weather.', signature: expect.any(String) },
      { type: 'text', text: 'Let me check.' },
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_01\w{22}$/),
        name: 'weather',
        input: { city: 'Paris', days: [1, 2] },
      },
      { type: 'tool_use', id: 'toolu_fixed', name: 'time', input: {} },
    ]);
  });

  it('uses a scripted signature, usage with cache reads and writes, and translates finish reasons', async () => {
    mock.enqueue(
      {
        kind: 'chat',
        reasoningContent: 'Hmm.',
        reasoningSignature: 'sig-123',
        content: 'Cut sh',
        finishReason: 'length',
        usage: { prompt_tokens: 100, completion_tokens: 9, cached_tokens: 60, cache_creation_tokens: 30 },
      },
      { kind: 'chat', content: 'x', finishReason: 'pause_turn' },
    );
    const first = (await (await postMessages({})).json()) as Json;
    expect(first.content).toMatchObject([{ type: 'thinking', signature: 'sig-123' }, { type: 'text' }]);
    expect(first.stop_reason).toBe('max_tokens');
    expect(first.usage).toMatchObject({
      input_tokens: 10,
      cache_read_input_tokens: 60,
      cache_creation_input_tokens: 30,
      cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 0 },
      output_tokens: 9,
    });
    expect(((await (await postMessages({})).json()) as Json).stop_reason).toBe('pause_turn');
  });

  it('answers a refusal with no content, as anthropic-refusal-no-details.json', async () => {
    mock.enqueue({ kind: 'chat', finishReason: 'content_filter' });
    const body = (await (await postMessages({})).json()) as Json;
    expect(body).toMatchObject({ content: [], stop_reason: 'refusal' });
  });

  it('echoes text from content blocks and skips messages of only tool results', async () => {
    const messages = [
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'w', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
    ];
    const body = (await (await postMessages({ messages })).json()) as Json;
    expect(body.content).toEqual([{ type: 'text', text: 'echo: Weather?' }]);
  });
});

describe('streamed messages', () => {
  it('frames events exactly like anthropic-text.chunks.txt, with a ping after the first block start', async () => {
    const { response, events } = await streamEvents({ messages: [{ role: 'user', content: 'abcdefghi' }] });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const [start] = events;
    expect(Object.keys(start?.message ?? {})).toEqual([
      'model',
      'id',
      'type',
      'role',
      'content',
      'stop_reason',
      'stop_sequence',
      'usage',
    ]);
    expect(start?.message).toMatchObject({ content: [], stop_reason: null, usage: { output_tokens: 1 } });
    expect(events[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    expect(deltasOf(events, 'text_delta', 'text').join('')).toBe('echo: abcdefghi');
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: estimateTokens('abcdefghi'),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: estimateTokens('echo: abcdefghi'),
      },
    });
  });

  it('streams thinking then a signature_delta, text, and tool input in input_json_delta pieces', async () => {
    const args = '{"city":"Paris","unit":"celsius"}';
    mock.enqueue({
      kind: 'chat',
      reasoningContent: 'Think first.',
      reasoningSignature: 'sig-abc',
      content: 'Checking.',
      toolCalls: [{ id: 'toolu_a', name: 'weather', arguments: args }],
      chunks: 2,
    });
    const { events } = await streamEvents();
    const starts = events.filter((event) => event.type === 'content_block_start');
    expect(starts.map((event) => [event.index, event.content_block])).toEqual([
      [0, { type: 'thinking', thinking: '', signature: '' }],
      [1, { type: 'text', text: '' }],
      [2, { type: 'tool_use', id: 'toolu_a', name: 'weather', input: {} }],
    ]);
    expect(deltasOf(events, 'thinking_delta', 'thinking')).toEqual(['Think ', 'first.']);
    expect(deltasOf(events, 'signature_delta', 'signature')).toEqual(['sig-abc']);
    expect(deltasOf(events, 'text_delta', 'text')).toEqual(['Check', 'ing.']);
    const pieces = deltasOf(events, 'input_json_delta', 'partial_json');
    // Claude opens every tool input with an empty piece.
    expect(pieces[0]).toBe('');
    expect(pieces.join('')).toBe(args);
    expect(pieces).toHaveLength(3);
    // Each block's deltas carry its index, and every started block is stopped.
    for (const event of events.filter((each) => each.type === 'content_block_delta')) {
      const type = event.delta?.type;
      const expected = type === 'text_delta' ? 1 : type === 'input_json_delta' ? 2 : 0;
      expect(event.index).toBe(expected);
    }
    expect(events.filter((event) => event.type === 'content_block_stop').map((event) => event.index)).toEqual(
      [0, 1, 2],
    );
    expect(events.filter((event) => event.type === 'ping')).toHaveLength(1);
    expect(events.at(-2)?.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
  });

  it('streams a call without arguments as one empty partial_json, as anthropic-tool-no-args.chunks.txt', async () => {
    mock.enqueue({ kind: 'chat', toolCalls: [{ name: 'updateIssueList', arguments: '{}' }] });
    const { events } = await streamEvents();
    expect(deltasOf(events, 'input_json_delta', 'partial_json')).toEqual(['']);
  });

  it('streams a refusal as message_start, ping, message_delta, message_stop', async () => {
    mock.enqueue({ kind: 'chat', finishReason: 'content_filter' });
    const { events } = await streamEvents();
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'ping',
      'message_delta',
      'message_stop',
    ]);
    expect(events[2]?.delta).toMatchObject({ stop_reason: 'refusal' });
  });
});

describe('faults in the Anthropic format', () => {
  it('sends Anthropic error bodies for scripted errors', async () => {
    mock.enqueue(
      { kind: 'error', status: 529 },
      { kind: 'error', status: 429 },
      { kind: 'error', status: 401 },
    );
    expect(await errorOf(await postMessages({}))).toEqual({
      status: 529,
      type: 'overloaded_error',
      message: 'Overloaded',
    });
    expect(await errorOf(await postMessages({}))).toMatchObject({ status: 429, type: 'rate_limit_error' });
    expect(await errorOf(await postMessages({}))).toMatchObject({
      status: 401,
      type: 'authentication_error',
    });
  });

  it('answers a body that is not JSON with invalid_request_error', async () => {
    const response = await fetch(`${mock.url}/v1/messages`, { method: 'POST', body: '{oops' });
    expect(await errorOf(response)).toMatchObject({ status: 400, type: 'invalid_request_error' });
  });

  it('cuts a stream after the first frames', async () => {
    mock.enqueue({ kind: 'cut', afterChunks: 3, reply: { kind: 'chat', content: 'one two three' } });
    const response = await postMessages({ stream: true });
    const { text, error } = await readResponseText(response);
    expect(error).toBeDefined();
    expect(splitSseEvents(text).map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
    ]);
  });

  it('sends an overloaded_error event inside a 200 stream', async () => {
    mock.enqueue({ kind: 'chat', content: 'partial answer', streamErrorAfterChunks: 4 });
    const { events } = await streamEvents();
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'error',
    ]);
    expect(events.at(-1)).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  it('resets, hangs and sends raw bytes on this route too', async () => {
    mock.enqueue(
      { kind: 'reset' },
      { kind: 'raw', body: 'event: ping\ndata: {"type":"ping"}\n\n' },
      { kind: 'delay', ms: 30, then: { kind: 'hang' } },
    );
    await expect(postMessages({})).rejects.toThrow();
    expect(await (await postMessages({ stream: true })).text()).toBe(
      'event: ping\ndata: {"type":"ping"}\n\n',
    );
    const controller = new AbortController();
    const pending = postMessages({}, { signal: controller.signal });
    while (mock.requests.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await mock.waitForAborts(1);
  });
});

describe('request validation', () => {
  async function problemOf(body: Json): Promise<string> {
    const { status, type, message } = await errorOf(await postMessages(body));
    expect(status).toBe(400);
    expect(type).toBe('invalid_request_error');
    return message;
  }

  const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } };
  const toolResult = { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' };

  it('requires max_tokens, model and messages', async () => {
    expect(await problemOf({ max_tokens: undefined })).toBe('max_tokens: Field required');
    expect(await problemOf({ model: undefined })).toBe('model: Field required');
    expect(await problemOf({ messages: undefined })).toBe('messages: Field required');
    expect(await problemOf({ messages: [] })).toBe('messages: at least one message is required');
  });

  it('requires alternating roles that start with user, and no system role', async () => {
    expect(await problemOf({ messages: [{ role: 'assistant', content: 'Hi' }] })).toBe(
      'messages: first message must use the "user" role',
    );
    expect(
      await problemOf({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
        ],
      }),
    ).toBe(
      'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
    );
    expect(
      await problemOf({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'a' },
        ],
      }),
    ).toMatch(/^messages: Unexpected role "system"/);
    expect(await problemOf({ messages: [{ role: 'tool', content: 'x' }] })).toBe(
      "messages.0.role: Input should be 'user' or 'assistant'",
    );
  });

  it('requires non-empty content except in a final assistant message', async () => {
    expect(
      await problemOf({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: '' },
          { role: 'user', content: 'b' },
        ],
      }),
    ).toBe(
      'messages.1: all messages must have non-empty content except for the optional final assistant message',
    );
    expect(await problemOf({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] })).toBe(
      'messages: text content blocks must be non-empty',
    );
    expect(
      await problemOf({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'Sure ' },
        ],
      }),
    ).toBe('messages: final assistant content cannot end with trailing whitespace');
    const prefill = await postMessages({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: '' },
      ],
    });
    expect(prefill.status).toBe(200);
  });

  it('requires each tool_result to follow its tool_use, and every tool_use to be answered', async () => {
    expect(
      await problemOf({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [toolUse] },
          { role: 'user', content: [{ ...toolResult, tool_use_id: 'toolu_other' }] },
        ],
      }),
    ).toBe(
      'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_other. ' +
        'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    );
    expect(
      await problemOf({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'No tools here.' },
          { role: 'user', content: [toolResult] },
        ],
      }),
    ).toBe(
      'messages.2: `tool_result` block(s) provided when previous message does not contain any `tool_use` blocks',
    );
    expect(
      await problemOf({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [toolUse, { ...toolUse, id: 'toolu_2' }] },
          { role: 'user', content: [toolResult] },
        ],
      }),
    ).toBe(
      'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_2. ' +
        'Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    );
    const valid = await postMessages({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, toolUse] },
        { role: 'user', content: [toolResult, { type: 'text', text: 'Thanks' }] },
      ],
    });
    expect(valid.status).toBe(200);
  });

  // Gemini and OpenAI take what these refuse; a same-format request must meet the same refusal.
  it('checks the ranges and tool choices the API refuses', async () => {
    expect(await problemOf({ temperature: 1.5 })).toBe('temperature: must be less than or equal to 1');
    expect(await problemOf({ temperature: -0.5 })).toBe('temperature: must be greater than or equal to 0');
    expect(await problemOf({ max_tokens: -1 })).toBe('max_tokens: must be greater than or equal to 0');
    expect(await problemOf({ tool_choice: { type: 'any' } })).toBe(
      'tool_choice.any may only be specified while providing tools',
    );
    const weather = { name: 'weather', input_schema: { type: 'object' } };
    expect(await problemOf({ tools: [weather], tool_choice: { type: 'tool', name: 'time' } })).toBe(
      "Tool 'time' not found in provided tools",
    );
    for (const accepted of [
      { temperature: 1 },
      { tool_choice: { type: 'auto' } },
      { tool_choice: { type: 'none' } },
      { tools: [weather], tool_choice: { type: 'tool', name: 'weather' } },
    ]) {
      expect((await postMessages(accepted)).status, JSON.stringify(accepted)).toBe(200);
    }
  });

  it('refuses a base64 image of a type it does not take (HEIC), in a message or a tool result', async () => {
    const heic = {
      type: 'image',
      source: { type: 'base64', media_type: 'image/heic', data: 'AAAAGGZ0eXBoZWlj' },
    };
    const types = "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'";
    expect(await problemOf({ messages: [{ role: 'user', content: [heic] }] })).toBe(
      `messages.0.content.0.image.source.base64.media_type: ${types}`,
    );
    expect(
      await problemOf({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [toolUse] },
          { role: 'user', content: [{ ...toolResult, content: [{ type: 'text', text: 'photo' }, heic] }] },
        ],
      }),
    ).toBe(`messages.2.content.0.tool_result.content.1.image.source.base64.media_type: ${types}`);
    const png = { ...heic, source: { ...heic.source, media_type: 'image/png' } };
    const valid = await postMessages({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [toolUse] },
        { role: 'user', content: [{ ...toolResult, content: [png] }] },
      ],
    });
    expect(valid.status).toBe(200);
  });

  it('checks extended thinking settings', async () => {
    expect(await problemOf({ thinking: { type: 'enabled', budget_tokens: 500 } })).toBe(
      'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
    );
    expect(await problemOf({ max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 4000 } })).toMatch(
      /^`max_tokens` must be greater than `thinking.budget_tokens`/,
    );
    expect(
      await problemOf({
        max_tokens: 8000,
        temperature: 0.2,
        thinking: { type: 'enabled', budget_tokens: 4000 },
      }),
    ).toMatch(/^`temperature` may only be set to 1 when thinking is enabled/);
    const thinking = { max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 4000 } };
    expect(await problemOf({ ...thinking, top_p: 0.9 })).toBe(
      '`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled',
    );
    expect(await problemOf({ ...thinking, top_k: 40 })).toMatch(
      /^`top_k` must be unset when thinking is enabled/,
    );
    const weather = { name: 'get_weather', input_schema: { type: 'object' } };
    for (const choice of [{ type: 'any' }, { type: 'tool', name: 'get_weather' }]) {
      expect(await problemOf({ ...thinking, tools: [weather], tool_choice: choice })).toBe(
        'Thinking may not be enabled when tool_choice forces tool use.',
      );
    }
    // What thinking takes: temperature 1, top_p from 0.95, a tool choice that forces nothing.
    mock.enqueue({ kind: 'chat', content: 'ok' });
    const taken = await postMessages({
      ...thinking,
      temperature: 1,
      top_p: 0.95,
      tools: [weather],
      tool_choice: { type: 'auto' },
    });
    expect(taken.status).toBe(200);
  });

  it('takes a PDF document block with a title and context, and refuses fields it does not take', async () => {
    const source = { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' };
    const asking = (document: Json) => ({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source, ...document },
            { type: 'text', text: 'Hi' },
          ],
        },
      ],
    });
    mock.enqueue({ kind: 'chat', content: 'ok' });
    expect((await postMessages(asking({ title: 'report.pdf', context: 'Q3' }))).status).toBe(200);
    mock.enqueue({ kind: 'chat', content: 'ok' });
    expect((await postMessages(asking({ title: null }))).status).toBe(200);
    expect(await problemOf(asking({ filename: 'report.pdf' }))).toBe(
      'messages.0.content.0.document.filename: Extra inputs are not permitted',
    );
    expect(await problemOf(asking({ title: 3 }))).toBe(
      'messages.0.content.0.document.title: Input should be a valid string',
    );
    expect(await problemOf(asking({ source: { ...source, media_type: 'text/plain' } }))).toBe(
      "messages.0.content.0.document.source.base64.media_type: Input should be 'application/pdf'",
    );
  });

  it('takes the queued reply of a refused request, but scripted faults still win over validation', async () => {
    mock.enqueue({ kind: 'chat', content: 'spent' }, { kind: 'error', status: 529 });
    expect((await postMessages({ max_tokens: undefined })).status).toBe(400);
    expect((await postMessages({ max_tokens: undefined })).status).toBe(529);
    const body = (await (await postMessages({})).json()) as Json;
    expect(body.content).toEqual([{ type: 'text', text: 'echo: Hello there' }]);
  });
});
