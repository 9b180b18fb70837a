import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { logRows, startTestGateway, type TestGateway } from '../support/test-gateway.ts';
import { chatStreamText, readChatStream } from '../support/chat-stream.ts';

/**
 * Failover before the first byte reaches the client — including errors that arrive inside a 200 —
 * and what happens after it: the client's own error event and a log row with the partial usage.
 * One first-choice channel per upstream format, each backed by an OpenAI-format `backup`.
 */

type Format = 'openai' | 'anthropic' | 'gemini';

const formats: { format: Format; model: string; upstreamModel: string }[] = [
  { format: 'openai', model: 'm-openai', upstreamModel: 'gpt-4o-mini' },
  { format: 'anthropic', model: 'm-anthropic', upstreamModel: 'claude-sonnet-4-5' },
  { format: 'gemini', model: 'm-gemini', upstreamModel: 'gemini-2.5-flash' },
];

let test: TestGateway;
let client: OpenAI;
let backup: MockUpstream;
let backupId: number;
const first = new Map<Format, { mock: MockUpstream; id: number }>();

const firstOf = (format: Format) => first.get(format)!;
const allMocks = () => [backup, ...[...first.values()].map((entry) => entry.mock)];

beforeAll(async () => {
  test = await startTestGateway();
  backup = await startMockUpstream();
  for (const { format, model, upstreamModel } of formats) {
    const mock = await startMockUpstream();
    const id = await test.addChannel({
      name: `first-${format}`,
      provider: format,
      base_url: format === 'openai' ? `${mock.url}/v1` : mock.url,
      api_key: `sk-${format}`,
      models: [model],
      model_map: { [model]: upstreamModel },
      priority: 10,
    });
    first.set(format, { mock, id });
  }
  backupId = await test.addChannel({
    name: 'backup',
    provider: 'openai',
    base_url: `${backup.url}/v1`,
    api_key: 'sk-backup',
    models: formats.map((entry) => entry.model),
  });
  client = new OpenAI({ apiKey: await test.createKey(), baseURL: `${test.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await test?.close();
  await Promise.all(allMocks().map((mock) => mock?.close()));
});
beforeEach(() => {
  for (const mock of allMocks()) mock.reset();
  test.gateway.routing.health.clear();
});

async function streamText(
  model: string,
): Promise<{ text: string; channel: string | null; requestId: string }> {
  const { data: stream, response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true })
    .withResponse();
  const text = await chatStreamText(stream);
  return {
    text,
    channel: response.headers.get('x-switchboard-channel'),
    requestId: response.headers.get('x-request-id')!,
  };
}

const rowOf = async (requestId: string) => (await logRows(test, `?request_id=${requestId}`))[0]!;

describe('an error inside a 200 stream before the first byte', () => {
  it.each(formats)('fails over from a $format upstream whose stream opens with an error', async (entry) => {
    const { mock, id } = firstOf(entry.format);
    mock.enqueue({ kind: 'chat', content: 'never sent', streamErrorAfterChunks: 0 });
    backup.enqueue({ kind: 'chat', content: 'from backup' });
    const { text, channel, requestId } = await streamText(entry.model);
    expect(text).toBe('from backup');
    expect(channel).toBe('backup');
    expect(mock.requests).toHaveLength(1);
    expect(await rowOf(requestId)).toMatchObject({
      status: 200,
      channel_id: backupId,
      attempts: [
        { channel: id, outcome: 'stream_error' },
        { channel: backupId, outcome: 'ok' },
      ],
    });
  });

  it("fails over when Anthropic's error follows message_start and ping, before any text", async () => {
    const { mock, id } = firstOf('anthropic');
    // message_start, content_block_start, ping, then `event: error` (overloaded_error).
    mock.enqueue({ kind: 'chat', content: 'never sent', streamErrorAfterChunks: 3 });
    backup.enqueue({ kind: 'chat', content: 'from backup' });
    const { text, requestId } = await streamText('m-anthropic');
    expect(text).toBe('from backup');
    expect((await rowOf(requestId)).attempts).toEqual([
      { channel: id, outcome: 'stream_error' },
      { channel: backupId, outcome: 'ok' },
    ]);
  });

  it('fails over when the stream breaks off before its first content', async () => {
    const { mock, id } = firstOf('openai');
    // Only the role chunk, then the connection closes.
    mock.enqueue({ kind: 'cut', afterChunks: 1, reply: { kind: 'chat', content: 'never sent' } });
    backup.enqueue({ kind: 'chat', content: 'from backup' });
    const { text, requestId } = await streamText('m-openai');
    expect(text).toBe('from backup');
    expect((await rowOf(requestId)).attempts).toEqual([
      { channel: id, outcome: 'reset' },
      { channel: backupId, outcome: 'ok' },
    ]);
  });

  // A proxy that times the stream out and closes it cleanly, or an upstream that answers 200 with
  // an empty stream: nothing reached the client, so the next channel answers.
  it.each(formats)(
    'fails over from a $format upstream whose stream ends cleanly before any content',
    async (entry) => {
      const { mock, id } = firstOf(entry.format);
      // OpenAI's role chunk or Anthropic's message_start alone; Gemini's first chunk has text.
      const opening = entry.format === 'gemini' ? 0 : 1;
      mock.enqueue({ kind: 'chat', content: 'never sent', streamEndAfterChunks: opening });
      mock.enqueue({ kind: 'raw', body: '' });
      for (let attempt = 0; attempt < 2; attempt++) {
        backup.enqueue({ kind: 'chat', content: 'from backup' });
        const { text, requestId } = await streamText(entry.model);
        expect(text).toBe('from backup');
        expect((await rowOf(requestId)).attempts).toEqual([
          { channel: id, outcome: 'stream_error' },
          { channel: backupId, outcome: 'ok' },
        ]);
      }
    },
  );

  it('fails over on a whole (non-streamed) 200 whose body is an error', async () => {
    const { mock, id } = firstOf('openai');
    mock.enqueue({
      kind: 'raw',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error' } }),
    });
    backup.enqueue({ kind: 'chat', content: 'from backup' });
    const { data, response } = await client.chat.completions
      .create({ model: 'm-openai', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('from backup');
    expect((await rowOf(response.headers.get('x-request-id')!)).attempts).toEqual([
      { channel: id, outcome: 'error_body' },
      { channel: backupId, outcome: 'ok' },
    ]);
  });
});

describe('a stream cut after the first byte', () => {
  it("ends with the OpenAI client's error, and logs the partial usage and the interrupted attempt", async () => {
    const { mock, id } = firstOf('openai');
    mock.enqueue({ kind: 'cut', afterChunks: 3, reply: { kind: 'chat', content: 'a b c d e f', chunks: 6 } });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'm-openai', messages: [{ role: 'user', content: 'hi' }], stream: true })
      .withResponse();
    const { text, failure } = await readChatStream(stream);
    expect(failure).toBeInstanceOf(APIError);
    expect(text).toBe('a b ');
    expect(backup.requests).toHaveLength(0);
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      status: 502,
      error_code: 'upstream_stream_error',
      stream: true,
      attempts: [{ channel: id, outcome: 'interrupted' }],
      usage: { estimated: true },
    });
    expect((row.usage as { completion_tokens: number }).completion_tokens).toBeGreaterThan(0);
    const { body } = await test.api('GET', `/api/channel/${id}`, undefined, test.adminToken);
    expect((body.data.health as { last_error: string }).last_error).toContain('connection failed');
  });

  it("ends an Anthropic client's stream with `event: error` (translated from an OpenAI upstream)", async () => {
    const { mock } = firstOf('openai');
    mock.enqueue({ kind: 'cut', afterChunks: 3, reply: { kind: 'chat', content: 'a b c d e f', chunks: 6 } });
    const key = await test.createKey();
    const response = await fetch(`${test.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'm-openai',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('"text":"a "');
    const events = text.trim().split('\n\n');
    expect(events.at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{/);
  });
});

describe('Retry-After', () => {
  it('moves on to the next channel at once on a 429; the channel rests for its Retry-After', async () => {
    const { mock, id } = firstOf('openai');
    mock.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '5' } });
    const ask = () =>
      client.chat.completions
        .create({ model: 'm-openai', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
    const startedAt = Date.now();
    const first = await ask();
    // The backup answers after a short backoff, not after the other channel's five seconds.
    expect(first.response.headers.get('x-switchboard-channel')).toBe('backup');
    expect(Date.now() - startedAt).toBeLessThan(900);
    expect((await rowOf(first.response.headers.get('x-request-id')!)).attempts).toEqual([
      { channel: id, outcome: '429' },
      { channel: backupId, outcome: 'ok' },
    ]);

    // Meanwhile the rate-limited channel rests: the next request does not even try it.
    const { body } = await test.api('GET', `/api/channel/${id}`, undefined, test.adminToken);
    expect((body.data.health as { resting_until: string | null }).resting_until).not.toBeNull();
    const second = await ask();
    expect(second.response.headers.get('x-switchboard-channel')).toBe('backup');
    expect(mock.requests).toHaveLength(1);
  });

  it('moves on at once when the Retry-After is longer than the budget', async () => {
    const { mock } = firstOf('openai');
    mock.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '120' } });
    backup.enqueue({ kind: 'chat', content: 'from backup' });
    const startedAt = Date.now();
    const completion = await client.chat.completions.create({
      model: 'm-openai',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('from backup');
    expect(Date.now() - startedAt).toBeLessThan(900);
  });
});

describe('non-retryable failures', () => {
  it('sends a 422 straight back, without trying another channel', async () => {
    const { mock, id } = firstOf('openai');
    mock.enqueue({ kind: 'error', status: 422, body: { error: { message: 'unprocessable', type: 'x' } } });
    const error = (await client.chat.completions
      .create({ model: 'm-openai', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(422);
    expect(backup.requests).toHaveLength(0);
    const [row] = await logRows(test, '?limit=1');
    expect(row?.attempts).toEqual([{ channel: id, outcome: '422' }]);
  });
});

describe('the attempt and time budgets', () => {
  const failing: MockUpstream[] = [];
  const gateways: TestGateway[] = [];

  /** A gateway with three channels for model `budgeted`, one per failing mock. */
  async function gatewayWith(env: Record<string, string>): Promise<TestGateway> {
    const gateway = await startTestGateway({
      env: { UPSTREAM_RETRY_BACKOFF_BASE_MS: '1', UPSTREAM_RETRY_BACKOFF_MAX_MS: '1', ...env },
    });
    gateways.push(gateway);
    for (const [index, mock] of failing.entries()) {
      await gateway.addChannel({
        name: `failing-${index}`,
        provider: 'openai',
        base_url: `${mock.url}/v1`,
        api_key: 'k',
        models: ['budgeted'],
      });
    }
    return gateway;
  }

  const ask = async (gateway: TestGateway) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gateway.createKey()}` },
      body: JSON.stringify({ model: 'budgeted', messages: [{ role: 'user', content: 'hi' }] }),
    });

  beforeAll(async () => {
    for (let index = 0; index < 3; index++) failing.push(await startMockUpstream());
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await Promise.all(failing.map((mock) => mock.close()));
  });

  it('stops at UPSTREAM_MAX_ATTEMPTS channels', async () => {
    const limited = await gatewayWith({ UPSTREAM_MAX_ATTEMPTS: '2' });
    for (const mock of failing) mock.setDefault({ kind: 'error', status: 500 });
    const response = await ask(limited);
    expect(response.status).toBe(502);
    expect(failing.reduce((sum, mock) => sum + mock.requests.length, 0)).toBe(2);
    const [row] = await logRows(limited, '?limit=1');
    expect(row?.attempts).toEqual([
      { channel: expect.any(Number), outcome: '500' },
      { channel: expect.any(Number), outcome: '500' },
    ]);
  });

  it('starts no attempt once UPSTREAM_RETRY_BUDGET_MS is spent', async () => {
    const budgeted = await gatewayWith({
      UPSTREAM_RETRY_BUDGET_MS: '100',
      UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '300',
    });
    for (const mock of failing) {
      mock.reset();
      mock.setDefault({ kind: 'hang' });
    }
    const response = await ask(budgeted);
    expect(response.status).toBe(504);
    // The first channel's 300 ms timeout outlasts the 100 ms budget: no second attempt starts.
    expect(failing.reduce((sum, mock) => sum + mock.requests.length, 0)).toBe(1);
    const [row] = await logRows(budgeted, '?limit=1');
    expect(row?.attempts).toEqual([{ channel: expect.any(Number), outcome: 'timeout' }]);
  });
});
