import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { logRows, startTestGateway, type TestGateway } from '../support/test-gateway.ts';
import { chatStreamText } from '../support/chat-stream.ts';

let mock: MockUpstream;
let test: TestGateway;
let client: OpenAI;
let key: string;

beforeAll(async () => {
  mock = await startMockUpstream();
  test = await startTestGateway();
  await test.addChannel({
    name: 'mock-openai',
    provider: 'openai',
    base_url: `${mock.url}/v1`,
    api_key: 'sk-upstream-secret',
    models: ['gpt-4o-mini', 'alias-model'],
    model_map: { 'alias-model': 'gpt-4o-mini-2024-07-18' },
  });
  key = await test.createKey();
  client = new OpenAI({ apiKey: key, baseURL: `${test.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await test?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

describe('OpenAI SDK through Switchboard to an OpenAI-format upstream', () => {
  it('answers a non-streaming completion as the upstream sent it, and logs the usage', async () => {
    mock.enqueue({
      kind: 'chat',
      content: 'Hello there!',
      usage: { prompt_tokens: 11, completion_tokens: 3 },
    });
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(completion.choices[0]?.message.content).toBe('Hello there!');
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3 });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^req_/);
    expect(Number(response.headers.get('x-switchboard-overhead-ms'))).toBeGreaterThan(0);
    expect(response.headers.get('x-switchboard-channel')).toBe('mock-openai');

    const upstream = mock.requests[0]!;
    expect(upstream.headers.authorization).toBe('Bearer sk-upstream-secret');
    expect(upstream.body).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const [row] = await logRows(test, `?request_id=${requestId}`);
    expect(row).toMatchObject({
      model: 'gpt-4o-mini',
      status: 200,
      stream: false,
      usage: { prompt_tokens: 11, completion_tokens: 3 },
      endpoint: '/v1/chat/completions',
    });
  });

  it('sends a whole answer with its length, not chunked, as is or translated', async () => {
    const cases = [
      {
        path: '/v1/chat/completions',
        headers: { authorization: `Bearer ${key}` },
        body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] },
      },
      {
        // An Anthropic client served by the OpenAI-format channel: the answer is made by the gateway.
        path: '/v1/messages',
        headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' },
        body: { model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: 'Hi ✓' }] },
      },
    ];
    for (const { path, headers, body } of cases) {
      mock.enqueue({
        kind: 'chat',
        content: 'Héllo, wörld ✓',
        usage: { prompt_tokens: 4, completion_tokens: 5 },
      });
      const response = await fetch(`${test.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(response.status, path).toBe(200);
      expect(bytes.toString('utf8'), path).toContain('Héllo, wörld ✓');
      expect(response.headers.get('transfer-encoding'), path).toBeNull();
      expect(response.headers.get('content-length'), path).toBe(String(bytes.length));
    }
  });

  it('passes unknown fields through and rewrites an aliased model', async () => {
    await client.chat.completions.create({
      model: 'alias-model',
      messages: [{ role: 'user', content: 'Hi' }],
      // @ts-expect-error: a provider-specific field the SDK does not know
      vendor_extension: { keep: true },
    });
    expect(mock.requests[0]!.body).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      vendor_extension: { keep: true },
    });
  });

  it('streams chunk by chunk, meters usage, and hides the usage chunk the client did not ask for', async () => {
    mock.enqueue({
      kind: 'chat',
      content: 'one two three four five',
      chunks: 5,
      usage: { prompt_tokens: 7, completion_tokens: 5 },
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    });
    const pieces: string[] = [];
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      pieces.push(chunk.choices[0]?.delta.content ?? '');
    }
    expect(pieces.join('')).toBe('one two three four five');
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
    expect(mock.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const rows = await logRows(test, '?limit=1');
    expect(rows[0]).toMatchObject({
      stream: true,
      status: 200,
      usage: { prompt_tokens: 7, completion_tokens: 5 },
    });
  });

  it('delivers the usage chunk when the client asked for it', async () => {
    mock.enqueue({ kind: 'chat', content: 'hi', usage: { prompt_tokens: 2, completion_tokens: 1 } });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 1 });
  });

  it('keeps tool calls intact, streamed and not, parallel calls included', async () => {
    const toolCalls = [
      { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { id: 'call_b', name: 'get_time', arguments: '{"zone":"Europe/Paris"}' },
    ];
    const tools = [
      { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } },
      { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object' } } },
    ];
    mock.enqueue({ kind: 'chat', toolCalls });
    const whole = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather and time?' }],
      tools,
    });
    expect(whole.choices[0]?.finish_reason).toBe('tool_calls');
    expect(
      whole.choices[0]?.message.tool_calls?.map((call) =>
        call.type === 'function' ? [call.id, call.function.name, call.function.arguments] : [],
      ),
    ).toEqual(toolCalls.map((call) => [call.id, call.name, call.arguments]));

    mock.enqueue({ kind: 'chat', toolCalls });
    const runner = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather and time?' }],
      tools,
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(
      final.choices[0]?.message.tool_calls?.map((call) =>
        call.type === 'function' ? [call.id, call.function.name, call.function.arguments] : [],
      ),
    ).toEqual(toolCalls.map((call) => [call.id, call.name, call.arguments]));
  });

  it('lists exactly the models the key can use', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id).sort()).toEqual(['alias-model', 'gpt-4o-mini']);
    const restricted = new OpenAI({
      apiKey: await test.createKey({ models: ['gpt-4o-mini'] }),
      baseURL: `${test.url}/v1`,
      maxRetries: 0,
    });
    expect((await restricted.models.list()).data.map((model) => model.id)).toEqual(['gpt-4o-mini']);
    await expect(
      restricted.chat.completions.create({
        model: 'alias-model',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 403, code: 'permission_denied' });
  });
});

describe('errors reach the OpenAI SDK in its own shape', () => {
  const expectError = async (promise: Promise<unknown>, status: number, code: string) => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(APIError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(status);
    expect(apiError.code).toBe(code);
    expect(apiError.type).toBe('gateway_error');
    expect(apiError.message).toContain('request id: req_');
  };

  it('refuses an invalid key with 401', async () => {
    const stranger = new OpenAI({ apiKey: `sk-${'x'.repeat(48)}`, baseURL: `${test.url}/v1`, maxRetries: 0 });
    await expectError(
      stranger.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      401,
      'invalid_api_key',
    );
    expect(mock.requests).toHaveLength(0);
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    await expectError(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
      404,
      'model_not_found',
    );
  });

  it('answers a body over the limit with 413', async () => {
    const small = await startTestGateway({ env: { BODY_LIMIT_BYTES: '1024' } });
    try {
      const smallClient = new OpenAI({
        apiKey: await small.createKey(),
        baseURL: `${small.url}/v1`,
        maxRetries: 0,
      });
      await expectError(
        smallClient.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'x'.repeat(4096) }],
        }),
        413,
        'request_too_large',
      );
    } finally {
      await small.close();
    }
  });

  it('answers malformed JSON with 400 invalid_json, and a missing model with 400 naming the field', async () => {
    const post = (body: string) =>
      fetch(`${test.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
      });
    const malformed = await post('{"model": "gpt-4o-mini", "messages": [');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json', type: 'gateway_error' } });
    const missing = await post('{"messages":[{"role":"user","content":"x"}]}');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'invalid_request', param: 'model' } });
  });

  it("passes the upstream's own 400 explanation back, and hides the channel's credential failures", async () => {
    mock.enqueue({
      kind: 'error',
      status: 400,
      body: {
        error: {
          message: "Invalid value for 'temperature'",
          type: 'invalid_request_error',
          param: 'temperature',
          code: null,
        },
      },
    });
    const error = (await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(400);
    expect(error.message).toContain("Invalid value for 'temperature'");
    expect(error.param).toBe('temperature');

    mock.enqueue({
      kind: 'error',
      status: 401,
      body: { error: { message: 'Incorrect API key provided: sk-upst***' } },
    });
    const refused = (await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught)) as APIError;
    expect(refused.status).toBe(502);
    expect(refused.message).not.toContain('sk-upst');

    // The refused key took the channel out of service (see channel-health.test.ts); put it back.
    await test.gateway.routing.disabler.drain();
    const { body } = await test.api('GET', '/api/channel/', undefined, test.adminToken);
    const [channel] = body.data as unknown as { id: number; enabled: boolean; disabled_reason: string }[];
    expect(channel).toMatchObject({ enabled: false, disabled_reason: expect.stringContaining('401') });
    await test.api('PUT', `/api/channel/${channel!.id}`, { enabled: true }, test.adminToken);
  });

  it('aborts the upstream request when the client disconnects, and logs it as 499', async () => {
    mock.enqueue({ kind: 'delay', ms: 5_000, then: { kind: 'chat', content: 'late' } });
    const controller = new AbortController();
    const pending = client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow' }] },
      { signal: controller.signal },
    );
    while (mock.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await mock.waitForAborts(1);
    const rows = await logRows(test, '?limit=1');
    expect(rows[0]).toMatchObject({ status: 499, error_code: 'client_closed' });
  });

  it('aborts a stream upstream when the client stops reading mid-way', async () => {
    mock.enqueue({ kind: 'chat', content: 'a b c d e f g h i j', chunks: 10, delayBetweenChunksMs: 100 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const _chunk of stream) {
      stream.controller.abort();
      break;
    }
    await mock.waitForAborts(1);
  });

  it('ends a stream cut mid-way with an error event, and logs the partial request', async () => {
    mock.enqueue({ kind: 'cut', afterChunks: 3, reply: { kind: 'chat', content: 'a b c d e f', chunks: 6 } });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(APIError);
    expect(received.join('')).not.toBe('');
    const rows = await logRows(test, '?limit=1');
    expect(rows[0]).toMatchObject({ status: 502, error_code: 'upstream_stream_error', stream: true });
    // The cut came before the usage chunk: what was generated is estimated, and marked so.
    expect(rows[0]).toMatchObject({ usage: { estimated: true } });
    expect((rows[0]!.usage as { completion_tokens: number }).completion_tokens).toBeGreaterThan(0);
    expect((rows[0]!.usage as { prompt_tokens: number }).prompt_tokens).toBeGreaterThan(0);
  });

  it('estimates usage, marked as estimated, when an upstream reports none', async () => {
    const frame = (content: string) =>
      `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;
    mock.enqueue({
      kind: 'raw',
      headers: { 'content-type': 'text/event-stream' },
      body: [frame('one'), frame(' two'), frame(' three'), 'data: [DONE]\n\n'],
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'count to three please' }],
      stream: true,
    });
    expect(await chatStreamText(stream)).toBe('one two three');
    const [row] = await logRows(test, '?limit=1');
    expect(row).toMatchObject({ status: 200, usage: { estimated: true, completion_tokens: 3 } });
    expect((row!.usage as { prompt_tokens: number }).prompt_tokens).toBeGreaterThan(4);
  });
});
