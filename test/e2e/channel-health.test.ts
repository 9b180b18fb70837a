import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';

/** Circuit breakers, automatic disabling and re-enabling, channel tests and per-channel figures. */

interface ChannelView {
  id: number;
  name: string;
  enabled: boolean;
  disabled_reason: string | null;
  last_checked_at: string | null;
  last_check_error: string | null;
  health: {
    breaker: 'closed' | 'open' | 'half-open';
    consecutive_failures: number;
    success_rate: number | null;
    requests: number;
    average_latency_ms: number | null;
    last_error: string | null;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function channelView(test: TestGateway, id: number): Promise<ChannelView> {
  const { status, body } = await test.api('GET', `/api/channel/${id}`, undefined, test.adminToken);
  expect(status).toBe(200);
  return body.data as unknown as ChannelView;
}

/** A gateway with a first-choice channel (priority 10) and a spare (priority 0) for `model`. */
async function pair(env: Record<string, string>, model: string) {
  const test = await startTestGateway({ env });
  const first = await startMockUpstream();
  const spare = await startMockUpstream();
  const firstId = await test.addChannel({
    name: 'first',
    provider: 'openai',
    base_url: `${first.url}/v1`,
    api_key: 'sk-first',
    models: [model],
    priority: 10,
  });
  const spareId = await test.addChannel({
    name: 'spare',
    provider: 'openai',
    base_url: `${spare.url}/v1`,
    api_key: 'sk-spare',
    models: [model],
  });
  const client = new OpenAI({ apiKey: await test.createKey(), baseURL: `${test.url}/v1`, maxRetries: 0 });
  const ask = async () => {
    const { response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    return response.headers.get('x-switchboard-channel');
  };
  return {
    test,
    first,
    spare,
    firstId,
    spareId,
    client,
    ask,
    async close() {
      await test.close();
      await first.close();
      await spare.close();
    },
  };
}

describe('circuit breaker, end to end', () => {
  let setup: Awaited<ReturnType<typeof pair>>;

  beforeAll(async () => {
    setup = await pair({ CIRCUIT_BREAKER_FAILURES: '3', CIRCUIT_BREAKER_COOLDOWN_MS: '300' }, 'm');
  });
  afterAll(() => setup?.close());

  it('opens after 3 failures, lets one probe through when half-open, closes when a probe succeeds', async () => {
    const { first, test, firstId, ask } = setup;
    first.setDefault({ kind: 'error', status: 500 });
    for (let i = 0; i < 3; i++) expect(await ask()).toBe('spare');
    expect(first.requests).toHaveLength(3);
    expect((await channelView(test, firstId)).health).toMatchObject({
      breaker: 'open',
      consecutive_failures: 3,
      success_rate: 0,
      requests: 3,
      last_error: expect.stringContaining('500'),
    });

    // Open: the channel is skipped.
    expect(await ask()).toBe('spare');
    expect(first.requests).toHaveLength(3);

    // Half-open after the cooldown: of five concurrent requests exactly one probes, and fails.
    await sleep(320);
    expect((await channelView(test, firstId)).health.breaker).toBe('half-open');
    first.setDefault({ kind: 'delay', ms: 100, then: { kind: 'error', status: 500 } });
    const served = await Promise.all(Array.from({ length: 5 }, () => ask()));
    expect(served).toEqual(Array(5).fill('spare'));
    expect(first.requests).toHaveLength(4);
    expect((await channelView(test, firstId)).health.breaker).toBe('open');

    // The next probe succeeds: closed, and the first channel serves again.
    first.setDefault({ kind: 'echo' });
    await sleep(320);
    expect(await ask()).toBe('first');
    expect((await channelView(test, firstId)).health).toMatchObject({
      breaker: 'closed',
      consecutive_failures: 0,
    });
    expect(await ask()).toBe('first');
  });
});

describe('automatic disabling on refused credentials', () => {
  let setup: Awaited<ReturnType<typeof pair>>;

  beforeAll(async () => {
    setup = await pair({}, 'k');
  });
  afterAll(() => setup?.close());
  beforeEach(() => {
    setup.first.reset();
    setup.spare.reset();
  });

  const systemLogs = (channelId: number) =>
    setup.test.gateway.store.systemLogs.list({ channelId, limit: 10 });

  it('disables a channel on a 401, writes a system log row, and routes around it', async () => {
    const { first, test, firstId, client, ask } = setup;
    first.enqueue({
      kind: 'error',
      status: 401,
      body: { error: { message: 'Incorrect API key provided: sk-firs***', type: 'invalid_request_error' } },
    });
    const refused = (await client.chat.completions
      .create({ model: 'k', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught)) as APIError;
    expect(refused.status).toBe(502);
    expect(refused.message).not.toContain('sk-firs');

    await test.gateway.routing.disabler.drain();
    const view = await channelView(test, firstId);
    expect(view).toMatchObject({ enabled: false, disabled_reason: expect.stringContaining('401') });
    const [logRow] = await systemLogs(firstId);
    expect(logRow).toMatchObject({ level: 'warn', event: 'channel_disabled', channel_id: firstId });
    expect(logRow?.message).toContain("Channel 'first' disabled");

    expect(await ask()).toBe('spare');
    expect(first.requests).toHaveLength(1);
  });

  it('re-enables it when a health check passes, with a system log row', async () => {
    const { first, test, firstId, ask } = setup;
    expect(await test.gateway.routing.healthCheck.runOnce()).toEqual([firstId]);
    expect(first.requests).toHaveLength(1);
    // OpenAI's own API takes max_completion_tokens (the provider catalog says so).
    expect(first.requests[0]?.body).toMatchObject({ model: 'k', max_completion_tokens: 1 });
    const view = await channelView(test, firstId);
    expect(view).toMatchObject({ enabled: true, disabled_reason: null, last_check_error: null });
    expect(view.last_checked_at).not.toBeNull();
    expect((await systemLogs(firstId))[0]).toMatchObject({ level: 'info', event: 'channel_enabled' });
    expect(await ask()).toBe('first');
  });

  it('leaves a channel an admin disabled alone, and healthy channels untested', async () => {
    const { first, test, firstId } = setup;
    await test.api('PUT', `/api/channel/${firstId}`, { enabled: false }, test.adminToken);
    expect(await test.gateway.routing.healthCheck.runOnce()).toEqual([]);
    expect(first.requests).toHaveLength(0);
    expect((await channelView(test, firstId)).enabled).toBe(false);
    await test.api('PUT', `/api/channel/${firstId}`, { enabled: true }, test.adminToken);
  });

  it("reads Gemini's 400 API_KEY_INVALID as refused credentials too", async () => {
    const { test } = setup;
    const gemini = await startMockUpstream();
    try {
      const id = await test.addChannel({
        name: 'gemini-bad-key',
        provider: 'gemini',
        base_url: gemini.url,
        api_key: 'AIza-bad',
        models: ['g'],
      });
      gemini.enqueue({
        kind: 'error',
        status: 400,
        body: {
          error: {
            code: 400,
            message: 'API key not valid. Please pass a valid API key.',
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
          },
        },
      });
      const response = await fetch(`${test.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await test.createKey()}` },
        body: JSON.stringify({ model: 'g', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(502);
      expect(await response.text()).not.toContain('API key not valid');
      await test.gateway.routing.disabler.drain();
      expect(await channelView(test, id)).toMatchObject({
        enabled: false,
        disabled_reason: expect.stringContaining('API key not valid'),
      });
    } finally {
      await gemini.close();
    }
  });
});

describe('the periodic health check', () => {
  it('re-enables an automatically disabled channel on its own', async () => {
    const setup = await pair({ CHANNEL_HEALTH_CHECK_INTERVAL_MS: '50' }, 'p');
    try {
      const { first, test, firstId, client } = setup;
      first.enqueue({ kind: 'error', status: 403 });
      await client.chat.completions
        .create({ model: 'p', messages: [{ role: 'user', content: 'hi' }] })
        .catch(() => undefined);
      await test.gateway.routing.disabler.drain();
      // The check may already be passing by now: the mock answers echo to everything after the 403.
      const deadline = Date.now() + 3000;
      let view = await channelView(test, firstId);
      while (!(view.enabled && view.last_checked_at !== null) && Date.now() < deadline) {
        await sleep(25);
        view = await channelView(test, firstId);
      }
      expect(view).toMatchObject({ enabled: true, disabled_reason: null });
      const events = (await test.gateway.store.systemLogs.list({ channelId: firstId, limit: 10 })).map(
        (row) => row.event,
      );
      expect(events).toEqual(['channel_enabled', 'channel_disabled']);
    } finally {
      await setup.close();
    }
  });
});

describe('POST /api/channel/{id}/test', () => {
  let test: TestGateway;
  let mock: MockUpstream;

  beforeAll(async () => {
    test = await startTestGateway({ env: { CHANNEL_TEST_TIMEOUT_MS: '300' } });
    mock = await startMockUpstream();
  });
  afterAll(async () => {
    await test?.close();
    await mock?.close();
  });
  beforeEach(() => mock.reset());

  const runTest = (id: number | string) =>
    test.api('POST', `/api/channel/${id}/test`, undefined, test.adminToken);

  it("sends a one-token chat to the channel's first model, in its own protocol", async () => {
    const openai = await test.addChannel({
      name: 'openai-test',
      provider: 'openai',
      base_url: `${mock.url}/v1`,
      api_key: 'sk-t',
      models: ['alias', 'other'],
      model_map: { alias: 'gpt-4o-mini' },
    });
    const { status, body } = await runTest(openai);
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ success: true, status: 200, message: 'ok' });
    expect(body.data.latency_ms).toEqual(expect.any(Number));
    expect(mock.requests[0]).toMatchObject({
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', max_completion_tokens: 1, messages: [{ role: 'user', content: 'ping' }] },
    });

    const anthropic = await test.addChannel({
      name: 'anthropic-test',
      provider: 'anthropic',
      base_url: mock.url,
      api_key: 'sk-ant',
      models: ['claude-sonnet-4-5'],
    });
    expect((await runTest(anthropic)).body.data).toMatchObject({ success: true, status: 200 });
    expect(mock.requests[1]).toMatchObject({
      path: '/v1/messages',
      body: { model: 'claude-sonnet-4-5', max_tokens: 1 },
    });
    expect((await channelView(test, anthropic)).last_checked_at).not.toBeNull();
  });

  it('reports a failure with the upstream status and its words, and notes it on the channel', async () => {
    const id = await test.addChannel({
      name: 'failing-test',
      provider: 'openai',
      base_url: `${mock.url}/v1`,
      api_key: 'sk-t',
      models: ['m'],
    });
    mock.enqueue({ kind: 'error', status: 503, body: { error: { message: 'maintenance window' } } });
    const { status, body } = await runTest(id);
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ success: false, status: 503, message: '503: maintenance window' });
    expect(await channelView(test, id)).toMatchObject({
      enabled: true,
      last_check_error: '503: maintenance window',
      health: { last_error: '503: maintenance window' },
    });

    mock.enqueue({ kind: 'hang' });
    expect((await runTest(id)).body.data).toMatchObject({
      success: false,
      status: 0,
      message: 'no answer within 300 ms',
    });
  });

  it('answers 404 for an unknown channel', async () => {
    expect((await runTest(999_999)).status).toBe(404);
  });
});
