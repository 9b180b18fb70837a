import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.ts';

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

function ask(text: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-upstream-1' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: text }] }),
    ...init,
  });
}

async function contentOf(response: Response): Promise<unknown> {
  const body = (await response.json()) as { choices: { message: { content: unknown } }[] };
  return body.choices[0]?.message.content;
}

describe('scripting', () => {
  it('answers with queued replies in order, then the default echo', async () => {
    mock.enqueue({ kind: 'chat', content: 'first' }, { kind: 'chat', content: 'second' });
    mock.enqueue({ kind: 'error', status: 503 });
    expect(await contentOf(await ask('a'))).toBe('first');
    expect(await contentOf(await ask('b'))).toBe('second');
    expect((await ask('c')).status).toBe(503);
    expect(await contentOf(await ask('d'))).toBe('echo: d');
  });

  it('uses the scripted default once the queue is empty, until reset', async () => {
    mock.setDefault({ kind: 'chat', content: 'always' });
    mock.enqueue({ kind: 'chat', content: 'once' });
    expect(await contentOf(await ask('a'))).toBe('once');
    expect(await contentOf(await ask('b'))).toBe('always');
    expect(await contentOf(await ask('c'))).toBe('always');
    mock.reset();
    expect(await contentOf(await ask('e'))).toBe('echo: e');
  });

  it('does not spend queued replies on the model list', async () => {
    mock.enqueue({ kind: 'chat', content: 'kept' });
    expect((await fetch(`${mock.url}/v1/models`)).status).toBe(200);
    expect(await contentOf(await ask('a'))).toBe('kept');
  });

  it('hands out queued replies in arrival order to concurrent requests', async () => {
    mock.enqueue(
      ...Array.from({ length: 20 }, (_, index) => ({ kind: 'chat' as const, content: String(index) })),
    );
    const contents = await Promise.all(Array.from({ length: 20 }, () => ask('x').then(contentOf)));
    expect(contents.map(Number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, index) => index),
    );
  });
});

describe('recorded requests', () => {
  it('records method, path, lowercased headers and the parsed body', async () => {
    const before = Date.now();
    await (
      await ask('hello', { headers: { Authorization: 'Bearer sk-upstream-2', 'X-Trace': 't1' } })
    ).text();
    expect(mock.requests).toHaveLength(1);
    const [request] = mock.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] },
    });
    expect(request?.headers.authorization).toBe('Bearer sk-upstream-2');
    expect(request?.headers['x-trace']).toBe('t1');
    expect(request?.receivedAt).toBeGreaterThanOrEqual(before);
  });

  it('records a body that is not JSON as text, and GETs with an empty body', async () => {
    await (await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: 'plain text' })).text();
    await (await fetch(`${mock.url}/v1/models?limit=1`)).text();
    expect(mock.requests.map((request) => [request.method, request.path, request.body])).toEqual([
      ['POST', '/v1/chat/completions', 'plain text'],
      ['GET', '/v1/models?limit=1', ''],
    ]);
  });

  it('empties the same array on reset', async () => {
    const requests = mock.requests;
    await (await ask('a')).text();
    expect(requests).toHaveLength(1);
    mock.reset();
    expect(requests).toHaveLength(0);
    expect(mock.requests).toBe(requests);
  });
});

describe('startMockUpstream options', () => {
  it('listens on the given host and port', async () => {
    const probe = await startMockUpstream();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const fixed = await startMockUpstream({ host: '127.0.0.1', port });
    try {
      expect(fixed.url).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`${fixed.url}/v1/models`)).status).toBe(200);
    } finally {
      await fixed.close();
    }
  });

  it('does not record requests when recordRequests is false', async () => {
    const quiet = await startMockUpstream({ recordRequests: false });
    try {
      await (await fetch(`${quiet.url}/v1/models`)).text();
      expect(quiet.requests).toHaveLength(0);
    } finally {
      await quiet.close();
    }
  });
});
