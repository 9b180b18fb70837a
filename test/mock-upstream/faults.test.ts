import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.ts';
import { readResponseText, splitSseData } from './read-response-text.ts';

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

function postChat(options: { stream?: boolean; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: options.stream,
    }),
    signal: options.signal ?? null,
  });
}

describe('error replies', () => {
  it('sends the OpenAI error shape for the status by default', async () => {
    mock.enqueue(
      { kind: 'error', status: 429 },
      { kind: 'error', status: 500 },
      { kind: 'error', status: 418 },
    );
    const tooMany = await postChat();
    expect(tooMany.status).toBe(429);
    expect(tooMany.headers.get('content-type')).toBe('application/json');
    expect(await tooMany.json()).toEqual({
      error: {
        message: expect.stringContaining('Rate limit'),
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect(await (await postChat()).json()).toMatchObject({
      error: { type: 'server_error', param: null, code: null },
    });
    expect(await (await postChat()).json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('sends a scripted body and headers', async () => {
    mock.enqueue(
      {
        kind: 'error',
        status: 429,
        body: { error: { message: 'slow down' } },
        headers: { 'retry-after': '7' },
      },
      {
        kind: 'error',
        status: 502,
        body: '<html>Bad Gateway</html>',
        headers: { 'content-type': 'text/html' },
      },
    );
    const limited = await postChat();
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toEqual({ error: { message: 'slow down' } });
    const badGateway = await postChat();
    expect(badGateway.status).toBe(502);
    expect(badGateway.headers.get('content-type')).toBe('text/html');
    expect(await badGateway.text()).toBe('<html>Bad Gateway</html>');
  });
});

describe('delay', () => {
  it('waits before sending anything, headers included', async () => {
    mock.enqueue({ kind: 'delay', ms: 150, then: { kind: 'chat', content: 'late' } });
    const started = Date.now();
    const response = await postChat();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: 'late' } }] });
    expect(mock.aborted).toBe(0);
  });

  it('counts a client that leaves during the delay as aborted', async () => {
    mock.enqueue({ kind: 'delay', ms: 5_000, then: { kind: 'echo' } });
    const controller = new AbortController();
    const pending = postChat({ signal: controller.signal });
    await waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await mock.waitForAborts(1);
    expect(mock.aborted).toBe(1);
  });
});

describe('cut', () => {
  it('sends the first frames of a stream, then closes the connection', async () => {
    mock.enqueue({ kind: 'cut', afterChunks: 2, reply: { kind: 'chat', content: 'one two three four' } });
    const response = await postChat({ stream: true });
    expect(response.status).toBe(200);
    const { text, error } = await readResponseText(response);
    expect(error).toBeDefined();
    const data = splitSseData(text);
    expect(data).toHaveLength(2);
    expect(JSON.parse(data[1] ?? '')).toMatchObject({ choices: [{ delta: { content: 'one ' } }] });
    expect(mock.aborted).toBe(0);
  });

  it('never sends the last frame, however late the cut', async () => {
    mock.enqueue({
      kind: 'cut',
      afterChunks: 1_000,
      reply: { kind: 'chat', content: 'abc', delayBetweenChunksMs: 5 },
    });
    const { text, error } = await readResponseText(await postChat({ stream: true }));
    expect(error).toBeDefined();
    const data = splitSseData(text);
    expect(data).not.toContain('[DONE]');
    expect(JSON.parse(data.at(-1) ?? '')).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
  });

  it('can end a stream cleanly before its finish reason and [DONE]', async () => {
    mock.enqueue({ kind: 'chat', content: 'one two three four', chunks: 4, streamEndAfterChunks: 3 });
    const { text, error } = await readResponseText(await postChat({ stream: true }));
    expect(error).toBeUndefined();
    const data = splitSseData(text);
    expect(data).toHaveLength(3);
    expect(data.join('\n')).not.toContain('finish_reason":"');
    expect(data).not.toContain('[DONE]');
  });

  it('cuts a non-streaming body halfway', async () => {
    mock.enqueue({ kind: 'cut', afterChunks: 1, reply: { kind: 'chat', content: 'x'.repeat(200) } });
    const response = await postChat();
    expect(response.status).toBe(200);
    const { text, error } = await readResponseText(response);
    expect(error).toBeDefined();
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(Number(response.headers.get('content-length')));
  });

  it('can cut right after the headers', async () => {
    mock.enqueue({ kind: 'cut', afterChunks: 0 });
    const response = await postChat({ stream: true });
    const { text, error } = await readResponseText(response);
    expect(error).toBeDefined();
    expect(text).toBe('');
  });
});

describe('reset and hang', () => {
  it('reset closes the connection without a response', async () => {
    mock.enqueue({ kind: 'reset' });
    await expect(postChat()).rejects.toThrow();
    expect(mock.requests).toHaveLength(1);
    expect(mock.aborted).toBe(0);
    expect((await postChat()).status).toBe(200);
  });

  it('hang never answers; the client giving up counts as aborted', async () => {
    mock.enqueue({ kind: 'hang' }, { kind: 'hang' });
    const first = new AbortController();
    const second = new AbortController();
    const settled = Promise.allSettled([
      postChat({ signal: first.signal }),
      postChat({ signal: second.signal }),
    ]);
    await waitForRequests(2);
    first.abort();
    await mock.waitForAborts(1);
    second.abort();
    await mock.waitForAborts(2);
    await settled;
    expect(mock.aborted).toBe(2);
  });

  it('counts a client that leaves mid-stream, but not one that read everything', async () => {
    await (await postChat({ stream: true })).text();
    mock.enqueue({ kind: 'chat', content: 'a slow stream', chunks: 10, delayBetweenChunksMs: 50 });
    const controller = new AbortController();
    const response = await postChat({ stream: true, signal: controller.signal });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    await mock.waitForAborts(1);
    expect(mock.aborted).toBe(1);
  });

  it('waitForAborts rejects when the aborts do not come', async () => {
    await expect(mock.waitForAborts(1, 50)).rejects.toThrow(/expected 1 aborted/);
  });

  it('closes while requests hang, without counting them as aborted', async () => {
    const own = await startMockUpstream();
    own.setDefault({ kind: 'hang' });
    const settled = Promise.allSettled(
      [1, 2, 3].map(() =>
        fetch(`${own.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [] }) }),
      ),
    );
    while (own.requests.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    for (const result of await settled) expect(result.status).toBe('rejected');
    expect(own.aborted).toBe(0);
  });
});

describe('raw', () => {
  it('writes the exact bytes, part by part, with the given status and headers', async () => {
    const parts = [
      'data: {"a":',
      '1}\r\n\r\n',
      ': keep-alive comment\n\n',
      'event: error\ndata: {"error":{}}\n\n',
    ];
    mock.enqueue({
      kind: 'raw',
      status: 200,
      headers: { 'x-upstream': 'raw' },
      body: parts,
      delayBetweenPartsMs: 20,
    });
    const response = await postChat({ stream: true });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-upstream')).toBe('raw');
    const { text, reads, error } = await readResponseText(response);
    expect(error).toBeUndefined();
    expect(text).toBe(parts.join(''));
    // Separate writes 20 ms apart arrive as separate reads (a busy machine may still merge a few).
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });

  it('writes a single string body with any status and content type', async () => {
    mock.enqueue({
      kind: 'raw',
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: '{"oops":true}',
    });
    const response = await postChat();
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"oops":true}');
  });
});

async function waitForRequests(count: number): Promise<void> {
  while (mock.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}
