import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { logRows, startTestGateway, type TestGateway } from '../support/test-gateway.ts';
import { chatStreamText, readChatStream } from '../support/chat-stream.ts';

let primary: MockUpstream;
let backup: MockUpstream;
let test: TestGateway;
let client: OpenAI;

const ask = (model = 'gpt-4o-mini') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

beforeAll(async () => {
  primary = await startMockUpstream();
  backup = await startMockUpstream();
  test = await startTestGateway({
    env: { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '300', UPSTREAM_IDLE_TIMEOUT_MS: '300' },
  });
  await test.addChannel({
    name: 'primary',
    provider: 'openai',
    base_url: `${primary.url}/v1`,
    api_key: 'k1',
    models: ['gpt-4o-mini', 'solo'],
    priority: 10,
  });
  await test.addChannel({
    name: 'backup',
    provider: 'openai',
    base_url: `${backup.url}/v1`,
    api_key: 'k2',
    models: ['gpt-4o-mini'],
    priority: 0,
  });
  // Nothing listens on port 9 of the loopback: a connection refused at once.
  await test.addChannel({
    name: 'dead',
    provider: 'openai',
    base_url: 'http://127.0.0.1:9/v1',
    api_key: 'k',
    models: ['dead-only'],
  });
  client = new OpenAI({ apiKey: await test.createKey(), baseURL: `${test.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await test?.close();
  await primary?.close();
  await backup?.close();
});
beforeEach(() => {
  primary.reset();
  backup.reset();
  // Each case starts with healthy channels: no open breaker, no Retry-After rest left by the last.
  test.gateway.routing.health.clear();
});

describe('a failing channel before the first byte', () => {
  it.each([
    ['a 500', { kind: 'error', status: 500 } as const],
    ['a 429', { kind: 'error', status: 429, headers: { 'retry-after': '1' } } as const],
    ['a reset socket', { kind: 'reset' } as const],
    ['no answer within the first-byte timeout', { kind: 'hang' } as const],
  ])('fails over on %s to the next channel', async (_name, fault) => {
    primary.enqueue(fault);
    backup.enqueue({ kind: 'chat', content: 'from backup' });
    const { data, response } = await ask().withResponse();
    expect(data.choices[0]?.message.content).toBe('from backup');
    expect(response.headers.get('x-switchboard-channel')).toBe('backup');
    expect(primary.requests).toHaveLength(1);
  });

  it('prefers the higher-priority channel while it is healthy', async () => {
    await ask();
    await ask();
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(0);
  });

  it('returns the last failure in OpenAI shape when no channel is left', async () => {
    primary.enqueue({ kind: 'error', status: 503 });
    const error = (await ask('solo').catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_error');

    const refused = (await ask('dead-only').catch((caught: unknown) => caught)) as APIError;
    expect(refused.status).toBe(503);
    expect(refused.code).toBe('upstream_unavailable');

    primary.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '7' } });
    const limited = (await ask('solo').catch((caught: unknown) => caught)) as APIError;
    expect(limited.status).toBe(429);
    expect(limited.headers?.get('retry-after')).toBe('7');
  });

  it('answers an upstream redirect with 502: it is not the client to follow', async () => {
    primary.enqueue({ kind: 'error', status: 302, headers: { location: 'https://elsewhere.example/' } });
    const error = (await ask('solo').catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_error');
    expect(error.headers?.get('location')).toBeNull();
  });

  it('does not fail over on a client error: the 400 goes straight back', async () => {
    primary.enqueue({
      kind: 'error',
      status: 400,
      body: { error: { message: 'bad messages', type: 'invalid_request_error' } },
    });
    const error = (await ask().catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(400);
    expect(backup.requests).toHaveLength(0);
    const [row] = await logRows(test, '?limit=1');
    expect(row).toMatchObject({ status: 400, error_code: 'invalid_request' });
  });
});

describe('a streamed request answered whole', () => {
  // An upstream that does not stream answers JSON: one that is no answer fails over while another
  // channel can still answer, rather than after, as a 502.
  it('fails over when the whole body is no answer', async () => {
    primary.enqueue({ kind: 'raw', headers: { 'content-type': 'application/json' }, body: '{}' });
    backup.enqueue({ kind: 'chat', content: 'from backup' });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    expect(await chatStreamText(stream)).toBe('from backup');
    const [row] = await logRows(test, '?limit=1');
    expect(row).toMatchObject({
      status: 200,
      attempts: [
        expect.objectContaining({ outcome: 'error_body' }),
        expect.objectContaining({ outcome: 'ok' }),
      ],
    });
  });
});

describe('a stream that stalls after the first byte', () => {
  it('ends with an error event once the idle timeout passes, and logs the partial stream', async () => {
    // The first content arrives at once; the rest 1 s later, against a 300 ms idle timeout.
    const frame = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'solo', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    primary.enqueue({
      kind: 'raw',
      body: [
        frame({ role: 'assistant', content: '' }) + frame({ content: 'first ' }),
        frame({ content: 'second third' }) + frame({}, 'stop') + 'data: [DONE]\n\n',
      ],
      delayBetweenPartsMs: 1000,
    });
    const stream = await client.chat.completions.create({
      model: 'solo',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('did not answer in time');
    expect(received.join('')).toBe('first ');
    const [row] = await logRows(test, '?limit=1');
    expect(row).toMatchObject({ status: 502, error_code: 'upstream_stream_error', stream: true });
  });
});

describe('how a stream that began ends', () => {
  const chunk = (delta: object, finish: string | null = null) =>
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'solo',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  /** Streams `solo`, returning the text received and what the SDK raised, if anything. */
  const streamSolo = async () => {
    const stream = await client.chat.completions.create({
      model: 'solo',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    return readChatStream(stream);
  };
  /** Streams `solo`, which must end cleanly with `expected`, logged as a success. */
  const expectCleanEnd = async (expected: string) => {
    const { text, failure } = await streamSolo();
    expect(failure).toBeUndefined();
    expect(text).toBe(expected);
    const [row] = await logRows(test, '?limit=1');
    expect(row).toMatchObject({ status: 200 });
  };

  // Valid SSE, though not written as OpenAI writes it: no space after `data:`, an `id:` line first.
  it('takes a stream written otherwise for finished when it says so', async () => {
    for (const frame of [
      (data: string) => `data:${data}\n\n`,
      (data: string) => `id: 1\ndata: ${data}\n\n`,
    ]) {
      primary.enqueue({
        kind: 'raw',
        body: [chunk({ role: 'assistant', content: 'Hi' }), chunk({}, 'stop'), '[DONE]'].map(frame).join(''),
      });
      await expectCleanEnd('Hi');
    }
  });

  it("tells the client of the upstream's mid-stream error once, however the upstream then ends", async () => {
    primary.enqueue({
      kind: 'raw',
      body: [
        `data: ${chunk({ role: 'assistant', content: 'Hi' })}\n\ndata: {"error":{"message":"boom","type":"server_error"}}\n\n`,
        `data: ${chunk({ content: ' late' })}\n\n`,
      ],
      delayBetweenPartsMs: 1000,
    });
    const response = await fetch(`${test.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'solo', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    const raw = await response.text();
    expect(raw.match(/"error"/g)).toHaveLength(1);
    expect(raw).toContain('boom');
    const [row] = await logRows(test, '?limit=1');
    expect(row).toMatchObject({ status: 502, error_code: 'upstream_stream_error' });
  });

  it('ends a stream whose connection is lost after its finish as a success, its cut frame dropped', async () => {
    primary.enqueue({
      kind: 'raw',
      body: `data: ${chunk({ role: 'assistant', content: 'Hi' })}\n\ndata: ${chunk({}, 'stop')}\n\ndata: {"id":"chatcmpl-1","choices":[],"us`,
      reset: true,
    });
    await expectCleanEnd('Hi');
  });

  // With two choices, one's finish is not the answer's: the other was cut.
  it('does not take one finished choice of several for the answer', async () => {
    const second = (delta: object, finish: string | null = null) =>
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'solo',
        choices: [{ index: 1, delta, finish_reason: finish }],
      });
    primary.enqueue({
      kind: 'raw',
      body: [
        chunk({ role: 'assistant', content: 'Hi' }),
        second({ role: 'assistant', content: 'Yo' }),
        second({}, 'stop'),
      ]
        .map((data) => `data: ${data}\n\n`)
        .join(''),
      reset: true,
    });
    const stream = await client.chat.completions.create({
      model: 'solo',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
      n: 2,
    });
    const failure = await (async () => {
      for await (const _part of stream) {
        // drained
      }
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(APIError);
    const [row] = await logRows(test, '?limit=1');
    expect(row).toMatchObject({ status: 502, error_code: 'upstream_stream_error' });
  });

  it('drops a frame cut short before the error event it is followed by', async () => {
    primary.enqueue({
      kind: 'raw',
      body: `data: ${chunk({ role: 'assistant', content: 'Hi' })}\n\ndata: {"id":"chatcmpl-1","cho`,
    });
    const { text, failure } = await streamSolo();
    expect(text).toBe('Hi');
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('ended before its answer did');
  });
});

describe('a stream that sends no content for long', () => {
  // Past 64 KB held back without content (keep-alive comments here), the stream is the client's;
  // if it then ends without an answer, the client is told so and the request is logged as failed.
  it('ends with an error event when it ends without an answer', async () => {
    primary.enqueue({
      kind: 'raw',
      body: [
        ': keep-alive\n\n'.repeat(6_000),
        'data: {"id":"c","choices":[{"index":0,"delta":{"role":"assistant"}}]}\n\n',
      ],
    });
    const stream = await client.chat.completions.create({
      model: 'solo',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const failure = await (async () => {
      for await (const _chunk of stream) {
        // drained
      }
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('ended before its answer did');
    const [row] = await logRows(test, '?limit=1');
    expect(row).toMatchObject({ status: 502, error_code: 'upstream_stream_error', stream: true });
  });
});

describe('a URL that cannot be decoded', () => {
  it('is answered in the format of the surface it was meant for', async () => {
    const post = (path: string) =>
      fetch(`${test.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    const gemini = await post('/v1beta/models/%zz:generateContent');
    expect(gemini.status).toBe(400);
    expect(await gemini.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
    const anthropic = await post('/v1/messages/%zz');
    expect(anthropic.status).toBe(400);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const openai = await post('/v1/chat/%zz');
    expect(openai.status).toBe(400);
    expect(await openai.json()).toMatchObject({ error: { type: 'gateway_error', code: 'invalid_request' } });
  });
});

describe('a 2xx answer that is no answer', () => {
  it.each([
    ['an HTML page', 'text/html; charset=utf-8', '<!doctype html><title>Just a moment...</title>'],
    ['an empty body', 'application/json', ''],
    ['null', 'application/json', 'null'],
    ['an array', 'application/json', '[]'],
  ])('fails over on %s, and is a 502 when no channel is left', async (_name, type, body) => {
    primary.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': type }, body });
    backup.enqueue({ kind: 'chat', content: 'from backup' });
    const { data } = await ask().withResponse();
    expect(data.choices[0]?.message.content).toBe('from backup');
    primary.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': type }, body });
    const error = (await ask('solo').catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(502);
    expect(error.message).toContain('not a JSON object');
  });
});
