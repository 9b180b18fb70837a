import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { startTestGateway, type TestGateway, mockAnthropicChannel } from '../support/test-gateway.ts';

// The relay lane (src/http/relay-lane.ts) serves the busiest relay routes without Fastify's request
// pipeline. Whatever a client sends, it must get the same answer as from Fastify: the same requests
// go to a gateway with the lane and one without, and their answers are compared.

interface Sent {
  what: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Run against a key limited to one request a minute (a 429 with its headers). */
  limited?: boolean;
}

interface Seen {
  status: number;
  headers: Record<string, string>;
  body: string;
}

let mock: MockUpstream;
const gateways = new Map<'lane' | 'fastify', TestGateway>();
const gateway = (name: 'lane' | 'fastify'): TestGateway => gateways.get(name)!;
const keys = { lane: { open: '', limited: '' }, fastify: { open: '', limited: '' } };
const BODY_LIMIT = 4096;

beforeAll(async () => {
  mock = await startMockUpstream();
  const env = { BODY_LIMIT_BYTES: String(BODY_LIMIT) };
  gateways.set('lane', await startTestGateway({ env }));
  gateways.set('fastify', await startTestGateway({ env: { ...env, RELAY_LANE: 'false' } }));
  for (const name of ['lane', 'fastify'] as const) {
    const test = gateway(name);
    await test.addChannel({
      name: 'mock-openai',
      provider: 'openai',
      base_url: `${mock.url}/v1`,
      api_key: 'sk-upstream',
      models: ['gpt-4o-mini'],
    });
    await test.addChannel(mockAnthropicChannel(mock.url));
    keys[name].open = await test.createKey();
    keys[name].limited = await test.createKey({ rpm: 1 });
  }
});
afterAll(async () => {
  for (const test of gateways.values()) await test.close();
  await mock?.close();
});

/** What differs between two gateways by design: ids, times, the overhead figure, balances. */
function normalized(text: string): string {
  return text
    .replace(/req_[0-9a-z]+/g, 'req_ID')
    .replace(/(chatcmpl|msg)[-_][A-Za-z0-9_-]+/g, '$1-ID')
    .replace(/"created":\d+/g, '"created":T');
}

const HEADERS_COMPARED = [
  'content-type',
  'content-length',
  'transfer-encoding',
  'retry-after',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-credits-consumed',
  'x-switchboard-channel',
];

async function call(name: 'lane' | 'fastify', sent: Sent): Promise<Seen> {
  const key = sent.limited ? keys[name].limited : keys[name].open;
  const headers = { ...sent.headers };
  for (const [header, value] of Object.entries(headers)) headers[header] = value.replace('KEY', key);
  const response = await fetch(`${gateway(name).url}${sent.path}`, {
    method: 'POST',
    headers,
    body: sent.body,
  });
  const body = await response.text();
  const seen: Record<string, string> = {};
  for (const header of HEADERS_COMPARED) {
    const value = response.headers.get(header);
    if (value !== null) seen[header] = header === 'content-length' ? 'present' : value;
  }
  expect(response.headers.get('x-request-id'), `${name}: ${sent.what}`).toMatch(/\S/);
  expect(
    Number(response.headers.get('x-switchboard-overhead-ms')),
    `${name}: ${sent.what}`,
  ).toBeGreaterThanOrEqual(0);
  return { status: response.status, headers: seen, body: normalized(body) };
}

const openai = { 'content-type': 'application/json', authorization: 'Bearer KEY' };
const anthropic = {
  'content-type': 'application/json',
  'x-api-key': 'KEY',
  'anthropic-version': '2023-06-01',
};
const chat = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], ...extra });
const messages = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Say hello' }],
    ...extra,
  });

const CASES: Sent[] = [
  { what: 'a whole answer', path: '/v1/chat/completions', headers: openai, body: chat() },
  { what: 'a stream', path: '/v1/chat/completions', headers: openai, body: chat({ stream: true }) },
  {
    what: 'a translated answer',
    path: '/v1/chat/completions',
    headers: openai,
    body: chat({ model: 'claude-sonnet-4-5' }),
  },
  { what: 'the prefixed alias', path: '/api/v1/chat/completions', headers: openai, body: chat() },
  { what: 'an Anthropic client', path: '/v1/messages', headers: anthropic, body: messages() },
  { what: 'an Anthropic stream', path: '/v1/messages', headers: anthropic, body: messages({ stream: true }) },
  {
    what: 'an Anthropic client served by an OpenAI channel',
    path: '/v1/messages',
    headers: anthropic,
    body: messages({ model: 'gpt-4o-mini', stream: true }),
  },
  {
    what: 'JSON with a charset',
    path: '/v1/chat/completions',
    headers: { ...openai, 'content-type': 'application/json; charset=utf-8' },
    body: chat(),
  },
  { what: 'malformed JSON', path: '/v1/chat/completions', headers: openai, body: '{"model":' },
  { what: 'malformed JSON, Anthropic', path: '/v1/messages', headers: anthropic, body: '{"model":' },
  { what: 'a body that is not an object', path: '/v1/chat/completions', headers: openai, body: '[1,2]' },
  {
    what: 'no model',
    path: '/v1/messages',
    headers: anthropic,
    body: JSON.stringify({ max_tokens: 5, messages: [] }),
  },
  {
    what: 'an unknown model',
    path: '/v1/chat/completions',
    headers: openai,
    body: chat({ model: 'no-such-model' }),
  },
  {
    what: 'no key',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    body: chat(),
  },
  {
    what: 'a wrong key',
    path: '/v1/messages',
    headers: { ...anthropic, 'x-api-key': 'sk-wrong' },
    body: messages(),
  },
  {
    what: 'a body over the limit',
    path: '/v1/chat/completions',
    headers: openai,
    body: chat({ user: 'x'.repeat(BODY_LIMIT) }),
  },
  { what: 'a query string', path: '/v1/chat/completions?trace=1', headers: openai, body: chat() },
  { what: 'a trailing slash', path: '/v1/messages/', headers: anthropic, body: messages() },
  {
    what: 'text/plain',
    path: '/v1/chat/completions',
    headers: { ...openai, 'content-type': 'text/plain' },
    body: chat(),
  },
  {
    what: 'the first request of a limited key',
    path: '/v1/chat/completions',
    headers: openai,
    body: chat(),
    limited: true,
  },
  { what: 'over the key limit', path: '/v1/chat/completions', headers: openai, body: chat(), limited: true },
  {
    what: 'over the key limit, Anthropic',
    path: '/v1/messages',
    headers: anthropic,
    body: messages(),
    limited: true,
  },
];

describe('the relay lane answers as Fastify does', () => {
  it.each(CASES.map((sent) => [sent.what, sent] as const))('%s', async (_what, sent) => {
    const [lane, fastify] = [await call('lane', sent), await call('fastify', sent)];
    expect(lane).toEqual(fastify);
  });

  it('has no Fastify hook on the relay routes but the one it does itself (onSend)', () => {
    // The lane runs no Fastify hook: one added for these routes would be skipped for what it serves.
    const tree = gateway('lane').gateway.app.printRoutes({
      includeHooks: true,
      commonPrefix: false,
      method: 'POST',
    });
    const hooks = new Set([...tree.matchAll(/\((on[A-Za-z]+|pre[A-Za-z]+)\)/g)].map((match) => match[1]));
    expect([...hooks]).toEqual(['onSend']);
  });

  it('keeps a client-sent request id on both paths', async () => {
    for (const name of ['lane', 'fastify'] as const) {
      const response = await fetch(`${gateway(name).url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...openai, authorization: `Bearer ${keys[name].open}`, 'x-request-id': 'trace-lane-1' },
        body: '{"model":',
      });
      expect(response.headers.get('x-request-id')).toBe('trace-lane-1');
      expect(await response.text()).toContain('request id: trace-lane-1');
    }
  });
});
