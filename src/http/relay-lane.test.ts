import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.ts';
import type { RelayReply, RelayRequest } from './relay-exchange.ts';
import { RelayLane, type LaneRoute } from './relay-lane.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The fallback stands for Fastify: it answers 299 so a test sees who served the request. */
const FALLBACK = 299;

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** What the echo route saw of a request, as it answers it. */
const echo: LaneRoute = {
  surface: 'openai',
  handle: async (request: RelayRequest, reply: RelayReply) => {
    reply.hijack();
    const body = request.body as Buffer;
    reply.raw.writeHead(200, { 'content-type': 'application/json' });
    reply.raw.end(
      JSON.stringify({
        id: request.id,
        ip: request.ip,
        url: request.url,
        route: request.routeOptions.url,
        body: body.toString('utf8'),
        contentType: request.headers['content-type'],
      }),
    );
  },
};

async function serve(
  routes: Record<string, LaneRoute>,
  options: { trustedProxies?: string[]; bodyLimitBytes?: number; logLines?: unknown[] } = {},
): Promise<{ url: string; port: number; lane: RelayLane }> {
  const lines = options.logLines ?? [];
  const lane = new RelayLane({
    bodyLimitBytes: options.bodyLimitBytes ?? 1024,
    trustedProxies: options.trustedProxies ?? [],
    logger: pino({ level: 'error' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
  });
  for (const [path, route] of Object.entries(routes)) lane.add(path, route);
  const server = http.createServer((request, response) => {
    if (lane.take(request, response)) return;
    request.resume();
    request.on('end', () => {
      response.writeHead(FALLBACK, { 'content-type': 'text/plain' });
      response.end('fastify');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, lane };
}

/** One request with exactly these headers (no Content-Length unless given, so chunked can be sent). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | string[],
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
      );
    });
    request.on('error', reject);
    const pieces = body === undefined ? [] : Array.isArray(body) ? body : [body];
    // Pieces a tick apart, so the body arrives in several reads.
    const next = (index: number): void => {
      if (index === pieces.length) {
        request.end();
        return;
      }
      request.write(pieces[index]);
      setTimeout(() => next(index + 1), 5);
    };
    next(0);
  });
}

const json = (body: string, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'content-length': String(Buffer.byteLength(body)),
  ...extra,
});

describe('the relay lane', () => {
  it('serves a plain JSON POST to its exact path, with the whole body, a request id and the route', async () => {
    const { port } = await serve({ '/v1/chat/completions': echo });
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'héllo ✓' }] });
    const answer = await send(port, 'POST', '/v1/chat/completions', json(body), [
      body.slice(0, 10),
      body.slice(10, 30),
      body.slice(30),
    ]);
    expect(answer.status).toBe(200);
    const seen = JSON.parse(answer.body) as Record<string, string>;
    expect(seen).toMatchObject({
      body,
      url: '/v1/chat/completions',
      route: '/v1/chat/completions',
      ip: '127.0.0.1',
    });
    expect(seen.id).toMatch(/^req_/);
    // A client's sane id is kept, as Fastify's genReqId keeps it.
    const traced = await send(
      port,
      'POST',
      '/v1/chat/completions',
      json(body, { 'x-request-id': 'trace-42' }),
      body,
    );
    expect(JSON.parse(traced.body)).toMatchObject({ id: 'trace-42' });
  });

  it('takes JSON with parameters and in any case', async () => {
    const { port } = await serve({ '/v1/messages': echo });
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/json;charset=UTF-8',
    ]) {
      const answer = await send(port, 'POST', '/v1/messages', { ...json('{}'), 'content-type': type }, '{}');
      expect(answer.status, type).toBe(200);
    }
  });

  it('leaves everything that is not the plain case to Fastify', async () => {
    const { port } = await serve({ '/v1/chat/completions': echo }, { bodyLimitBytes: 64 });
    const body = '{"model":"m"}';
    const cases: [string, string, string, Record<string, string>, string | undefined][] = [
      ['another method', 'PUT', '/v1/chat/completions', json(body), body],
      ['a query string', 'POST', '/v1/chat/completions?x=1', json(body), body],
      ['a trailing slash', 'POST', '/v1/chat/completions/', json(body), body],
      ['another path', 'POST', '/v1/embeddings', json(body), body],
      ['no content type', 'POST', '/v1/chat/completions', { 'content-length': String(body.length) }, body],
      [
        'another content type',
        'POST',
        '/v1/chat/completions',
        { ...json(body), 'content-type': 'text/plain' },
        body,
      ],
      [
        'a type that only starts like JSON',
        'POST',
        '/v1/chat/completions',
        { ...json(body), 'content-type': 'application/jsonx' },
        body,
      ],
      [
        'a chunked body',
        'POST',
        '/v1/chat/completions',
        { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        body,
      ],
      ['an empty body', 'POST', '/v1/chat/completions', json(''), ''],
      ['a body over the limit', 'POST', '/v1/chat/completions', json('x'.repeat(65)), 'x'.repeat(65)],
    ];
    for (const [what, method, path, headers, sent] of cases) {
      const answer = await send(port, method, path, headers, sent);
      expect(answer.status, what).toBe(FALLBACK);
    }
    // At the limit exactly, the lane serves it.
    const full = `"${'x'.repeat(62)}"`;
    expect((await send(port, 'POST', '/v1/chat/completions', json(full), full)).status).toBe(200);
  });

  it('leaves every request to Fastify once closed (which answers 503 while closing)', async () => {
    const { port, lane } = await serve({ '/v1/chat/completions': echo });
    lane.close();
    expect((await send(port, 'POST', '/v1/chat/completions', json('{}'), '{}')).status).toBe(FALLBACK);
  });

  it("reads the client's address as Fastify's trustProxy does", async () => {
    const direct = await serve({ '/v1/chat/completions': echo });
    const forwarded = { 'x-forwarded-for': '203.0.113.7' };
    const ipThrough = async (port: number, extra: Record<string, string>) =>
      (
        JSON.parse((await send(port, 'POST', '/v1/chat/completions', json('{}', extra), '{}')).body) as {
          ip: string;
        }
      ).ip;
    // No trusted proxy: the socket's address, whatever the client claims.
    expect(await ipThrough(direct.port, forwarded)).toBe('127.0.0.1');
    const behind = await serve({ '/v1/chat/completions': echo }, { trustedProxies: ['127.0.0.1'] });
    expect(await ipThrough(behind.port, forwarded)).toBe('203.0.113.7');
    expect(await ipThrough(behind.port, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' })).toBe(
      '203.0.113.7',
    );
    expect(await ipThrough(behind.port, {})).toBe('127.0.0.1');
    // A proxy that is not trusted names no one.
    const other = await serve({ '/v1/chat/completions': echo }, { trustedProxies: ['10.0.0.1'] });
    expect(await ipThrough(other.port, forwarded)).toBe('127.0.0.1');
  });

  it("renders a route's error in its surface's format, with its headers, the request id and the overhead", async () => {
    const refuse: LaneRoute = {
      surface: 'anthropic',
      handle: async (_request, reply) => {
        reply.header('X-Switchboard-Warnings', 'dropped: logprobs');
        throw new GatewayError(429, 'rate_limited', 'Too many requests', { headers: { 'Retry-After': '7' } });
      },
    };
    const { port } = await serve({ '/v1/messages': refuse });
    const answer = await send(port, 'POST', '/v1/messages', json('{}', { 'x-request-id': 'trace-7' }), '{}');
    expect(answer.status).toBe(429);
    expect(answer.headers).toMatchObject({
      'retry-after': '7',
      'x-request-id': 'trace-7',
      'x-switchboard-warnings': 'dropped: logprobs',
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(answer.body)),
    });
    expect(Number(answer.headers['x-switchboard-overhead-ms'])).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(answer.body)).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Too many requests (request id: trace-7)' },
    });
  });

  it('answers a fault with a 500 that says nothing of it, and logs it', async () => {
    const logLines: unknown[] = [];
    const broken: LaneRoute = {
      surface: 'openai',
      handle: async () => {
        throw new Error('secret detail');
      },
    };
    const { port } = await serve({ '/v1/chat/completions': broken }, { logLines });
    const answer = await send(port, 'POST', '/v1/chat/completions', json('{}'), '{}');
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain('secret detail');
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: 'internal_error', type: 'gateway_error' },
    });
    expect(logLines).toEqual([
      expect.objectContaining({ msg: 'unhandled error', requestId: expect.stringMatching(/^req_/) }),
    ]);
  });

  it('answers a route that throws before it is a promise, or ends without answering, with a 500', async () => {
    const logLines: unknown[] = [];
    const sync: LaneRoute = {
      surface: 'openai',
      handle: () => {
        throw new Error('thrown at once');
      },
    };
    const silent: LaneRoute = { surface: 'openai', handle: async () => {} };
    const { port } = await serve({ '/v1/chat/completions': sync, '/v1/messages': silent }, { logLines });
    for (const path of ['/v1/chat/completions', '/v1/messages']) {
      const answer = await send(port, 'POST', path, json('{}'), '{}');
      expect(answer.status, path).toBe(500);
      expect(JSON.parse(answer.body), path).toMatchObject({ error: { code: 'internal_error' } });
    }
    expect(logLines).toHaveLength(2);
  });

  it('still answers an error whose header Node cannot send, without that header', async () => {
    const logLines: unknown[] = [];
    const odd: LaneRoute = {
      surface: 'openai',
      handle: async () => {
        throw new GatewayError(503, 'upstream_unavailable', 'Down', {
          headers: { 'retry-after': 'soon \u0100' },
        });
      },
    };
    const { port } = await serve({ '/v1/chat/completions': odd }, { logLines });
    const answer = await send(
      port,
      'POST',
      '/v1/chat/completions',
      json('{}', { 'x-request-id': 'trace-9' }),
      '{}',
    );
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBeUndefined();
    expect(answer.headers['x-request-id']).toBe('trace-9');
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'upstream_unavailable' } });
    expect(logLines).toEqual([expect.objectContaining({ msg: 'error answer header refused' })]);
  });

  it('sends nothing more for an error once the route has answered', async () => {
    const late: LaneRoute = {
      surface: 'openai',
      handle: async (_request, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/plain' });
        reply.raw.end('done');
        throw new GatewayError(502, 'upstream_error', 'too late');
      },
    };
    const { port } = await serve({ '/v1/chat/completions': late });
    const answer = await send(port, 'POST', '/v1/chat/completions', json('{}'), '{}');
    expect(answer).toMatchObject({ status: 200, body: 'done' });
  });

  it('runs no route for a body that breaks off, and goes on serving', async () => {
    let calls = 0;
    const counted: LaneRoute = {
      surface: 'openai',
      handle: async (request, reply) => {
        calls += 1;
        await echo.handle(request, reply);
      },
    };
    const { port } = await serve({ '/v1/chat/completions': counted });
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model":',
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(0);
    expect((await send(port, 'POST', '/v1/chat/completions', json('{}'), '{}')).status).toBe(200);
    expect(calls).toBe(1);
  });
});
