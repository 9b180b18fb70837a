import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';

/**
 * Every restriction an API key carries, through the relay: each refuses what it should with a 403
 * in the client's own format naming the rule, and lets through what it should.
 */

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

type Surface = 'openai' | 'anthropic' | 'gemini' | 'provider-scoped';

const model = 'gpt-4o-mini';
const otherModel = 'other-model';

/** One chat call on a client surface. */
async function chat(
  baseUrl: string,
  key: string,
  options: { surface?: Surface; model?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const surface = options.surface ?? 'openai';
  const name = options.model ?? model;
  const messages = [{ role: 'user', content: 'hi' }];
  const requests: Record<Surface, [string, Record<string, string>, unknown]> = {
    openai: ['/v1/chat/completions', { authorization: `Bearer ${key}` }, { model: name, messages }],
    anthropic: ['/v1/messages', { 'x-api-key': key }, { model: name, max_tokens: 16, messages }],
    gemini: [
      `/v1beta/models/${name}:generateContent`,
      { 'x-goog-api-key': key },
      { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    ],
    'provider-scoped': [
      '/api/core/openai/chat/completions',
      { authorization: `Bearer ${key}` },
      { model: name, messages },
    ],
  };
  const [path, auth, body] = requests[surface];
  return send(baseUrl, 'POST', path, { ...auth, ...options.headers }, body);
}

async function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

/** The error message of a relay error body, whatever the surface. */
function errorMessage(answer: Answer): string {
  const error = answer.body.error;
  if (typeof error === 'string') return error;
  return String((error as { message?: unknown } | undefined)?.message ?? '');
}

/** A 403 in the surface's own error format whose message contains `rule`. */
function expectRefused(answer: Answer, surface: Surface, rule: string | RegExp): void {
  expect(answer.status, answer.text).toBe(403);
  switch (surface) {
    case 'openai':
      expect(answer.body).toMatchObject({ error: { type: 'gateway_error', code: 'permission_denied' } });
      break;
    case 'anthropic':
      expect(answer.body).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
      break;
    case 'gemini':
      expect(answer.body).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
      break;
    case 'provider-scoped':
      expect(answer.body).toEqual({ error: expect.any(String) });
      break;
  }
  if (typeof rule === 'string') expect(errorMessage(answer)).toContain(rule);
  else expect(errorMessage(answer)).toMatch(rule);
}

const surfaces: Surface[] = ['openai', 'anthropic', 'gemini', 'provider-scoped'];

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock?.close();
});

async function withChannel(test: TestGateway): Promise<void> {
  await test.addChannel({
    name: 'mock',
    provider: 'openai',
    base_url: `${mock.url}/v1`,
    api_key: 'sk-upstream',
    models: [model, otherModel],
  });
}

/** Creates a key for the root user and returns its id and secret. */
async function createKey(test: TestGateway, fields: Record<string, unknown>) {
  const created = await test.api('POST', '/api/token/', { name: 'restricted', ...fields }, test.adminToken);
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return { id: Number(created.body.data.id), key: String(created.body.data.key) };
}

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`key restrictions through the relay on ${backend.name}`, () => {
    let database: TestDatabase;
    let test: TestGateway;

    // The test client connects from 127.0.0.1, which is trusted: X-Forwarded-For names the client.
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

    beforeAll(async () => {
      database = await backend.create!();
      test = await startTestGateway({ databaseUrl: database.url, env: { TRUSTED_PROXIES: '127.0.0.1' } });
      await withChannel(test);
    });
    afterAll(async () => {
      await test?.close();
      await database?.drop();
    });

    describe('models', () => {
      it('serves the models a key allows and refuses the others', async () => {
        const { key } = await createKey(test, { models: [model] });
        for (const surface of surfaces) {
          expect((await chat(test.url, key, { surface })).status, surface).toBe(200);
          expectRefused(await chat(test.url, key, { surface, model: otherModel }), surface, otherModel);
        }
        const listed = await send(test.url, 'GET', '/v1/models', { authorization: `Bearer ${key}` });
        expect((listed.body.data as { id: string }[]).map((entry) => entry.id)).toEqual([model]);
      });
    });

    describe('scopes', () => {
      it('refuses chat and token counting to a key without llm-chat, on every surface', async () => {
        const { key } = await createKey(test, { scopes: ['llm-images', 'llm-embeddings'] });
        for (const surface of surfaces) {
          expectRefused(await chat(test.url, key, { surface }), surface, "lacks the 'llm-chat' scope");
        }
        const messages = [{ role: 'user', content: 'hi' }];
        expectRefused(
          await send(
            test.url,
            'POST',
            '/v1/messages/count_tokens',
            { 'x-api-key': key },
            { model, messages },
          ),
          'anthropic',
          'llm-chat',
        );
        expectRefused(
          await send(
            test.url,
            'POST',
            `/v1beta/models/${model}:countTokens`,
            { 'x-goog-api-key': key },
            { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
          ),
          'gemini',
          'llm-chat',
        );
      });

      it('lets any llm scope list models', async () => {
        const { key } = await createKey(test, { scopes: ['llm-audio'] });
        expect((await send(test.url, 'GET', '/v1/models', { authorization: `Bearer ${key}` })).status).toBe(
          200,
        );
        expect((await send(test.url, 'GET', '/v1beta/models', { 'x-goog-api-key': key })).status).toBe(200);
      });

      it('serves chat and token counting to llm-chat and to llm-all', async () => {
        for (const scopes of [['llm-chat'], ['llm-all'], ['llm-images', 'llm-chat']]) {
          const { key } = await createKey(test, { scopes });
          for (const surface of surfaces) {
            expect((await chat(test.url, key, { surface })).status, `${surface} ${scopes}`).toBe(200);
          }
          const counted = await send(
            test.url,
            'POST',
            '/v1/messages/count_tokens',
            { 'x-api-key': key },
            { model, messages: [{ role: 'user', content: 'hi' }] },
          );
          expect(counted.status, counted.text).toBe(200);
        }
      });

      it('defaults a new key to llm-all', async () => {
        const { key } = await createKey(test, {});
        expect((await chat(test.url, key)).status).toBe(200);
      });
    });

    describe('expiry', () => {
      it('serves a key until it expires, then refuses it naming the expiry', async () => {
        const expiresAt = Date.now() + 1200;
        const { key } = await createKey(test, { expires_at: new Date(expiresAt).toISOString() });
        expect((await chat(test.url, key)).status).toBe(200);
        while (Date.now() <= expiresAt + 20) await new Promise((resolve) => setTimeout(resolve, 50));
        for (const surface of surfaces)
          expectRefused(await chat(test.url, key, { surface }), surface, 'expired');
      });

      it('takes a new expiry at once, and serves again when it is cleared', async () => {
        const { id, key } = await createKey(test, {});
        const soon = Date.now() + 800;
        expect(
          (
            await test.api(
              'PUT',
              `/api/token/${id}`,
              { expires_at: new Date(soon).toISOString() },
              test.adminToken,
            )
          ).status,
        ).toBe(200);
        while (Date.now() <= soon + 20) await new Promise((resolve) => setTimeout(resolve, 50));
        expectRefused(await chat(test.url, key), 'openai', 'expired');
        expect(
          (await test.api('PUT', `/api/token/${id}`, { expires_at: null }, test.adminToken)).status,
        ).toBe(200);
        expect((await chat(test.url, key)).status).toBe(200);
      });
    });

    describe('client addresses', () => {
      it('serves IPv4 clients inside the CIDRs and refuses those outside, naming the address', async () => {
        const { key } = await createKey(test, { allow_ips: ['10.0.0.0/8', '192.0.2.7'] });
        for (const ip of ['10.0.0.1', '10.255.255.254', '192.0.2.7']) {
          expect((await chat(test.url, key, from(ip))).status, ip).toBe(200);
        }
        for (const ip of ['11.0.0.1', '9.255.255.255', '192.0.2.8']) {
          expectRefused(await chat(test.url, key, from(ip)), 'openai', `address ${ip}`);
        }
        // The socket's own address (127.0.0.1) is outside too.
        expectRefused(await chat(test.url, key), 'openai', 'allow_ips');
        for (const surface of surfaces) {
          expectRefused(await chat(test.url, key, { surface, ...from('11.0.0.1') }), surface, 'allow_ips');
        }
        const models = await send(test.url, 'GET', '/v1/models', {
          authorization: `Bearer ${key}`,
          'x-forwarded-for': '11.0.0.1',
        });
        expectRefused(models, 'openai', 'allow_ips');
      });

      it('serves IPv6 clients inside the CIDRs and refuses those outside', async () => {
        const { key } = await createKey(test, { allow_ips: ['2001:db8::/32', 'fd00::1'] });
        for (const ip of ['2001:db8::1', '2001:db8:ffff:1::9', 'fd00::1']) {
          expect((await chat(test.url, key, from(ip))).status, ip).toBe(200);
        }
        for (const ip of ['2001:db9::1', 'fd00::2', '10.0.0.1']) {
          expectRefused(await chat(test.url, key, from(ip)), 'openai', `address ${ip}`);
        }
      });

      it('takes the client from the right of X-Forwarded-For, past trusted proxies only', async () => {
        const { key } = await createKey(test, { allow_ips: ['10.0.0.0/8'] });
        // The client can write anything on the left; only the entry the trusted proxy added counts.
        expect((await chat(test.url, key, from('11.0.0.1, 10.0.0.5'))).status).toBe(200);
        expectRefused(await chat(test.url, key, from('10.0.0.5, 11.0.0.1')), 'openai', 'address 11.0.0.1');
      });

      it('serves everyone when allow_ips is cleared', async () => {
        const { id, key } = await createKey(test, { allow_ips: ['10.0.0.0/8'] });
        expectRefused(await chat(test.url, key, from('11.0.0.1')), 'openai', 'allow_ips');
        expect((await test.api('PUT', `/api/token/${id}`, { allow_ips: null }, test.adminToken)).status).toBe(
          200,
        );
        expect((await chat(test.url, key, from('11.0.0.1'))).status).toBe(200);
      });
    });

    describe('enabled', () => {
      it('refuses a disabled key at once and serves it again once enabled', async () => {
        const { id, key } = await createKey(test, {});
        expect((await chat(test.url, key)).status).toBe(200);
        expect((await test.api('PUT', `/api/token/${id}`, { enabled: false }, test.adminToken)).status).toBe(
          200,
        );
        for (const surface of surfaces)
          expectRefused(await chat(test.url, key, { surface }), surface, 'disabled');
        expect((await test.api('PUT', `/api/token/${id}`, { enabled: true }, test.adminToken)).status).toBe(
          200,
        );
        expect((await chat(test.url, key)).status).toBe(200);
      });

      it('refuses a key created disabled', async () => {
        const { key } = await createKey(test, { enabled: false });
        expectRefused(await chat(test.url, key), 'openai', 'This API key is disabled');
      });

      it("refuses the keys of a disabled account, and forgets a deleted account's keys", async () => {
        const created = await test.api(
          'POST',
          '/api/user/',
          { username: `owner-${backend.name}`, password: 'owner-password-1' },
          test.adminToken,
        );
        const userId = Number(created.body.data.id);
        const login = await test.api('POST', '/api/user/login', {
          username: `owner-${backend.name}`,
          password: 'owner-password-1',
        });
        const session = String(login.body.data.token);
        const key = await test.createKey({}, session);
        expect((await chat(test.url, key)).status).toBe(200);

        expect(
          (await test.api('PUT', `/api/user/${userId}`, { enabled: false }, test.adminToken)).status,
        ).toBe(200);
        expectRefused(await chat(test.url, key), 'openai', 'account');
        expect(
          (await test.api('PUT', `/api/user/${userId}`, { enabled: true }, test.adminToken)).status,
        ).toBe(200);
        expect((await chat(test.url, key)).status).toBe(200);

        expect((await test.api('DELETE', `/api/user/${userId}`, undefined, test.adminToken)).status).toBe(
          200,
        );
        const gone = await chat(test.url, key);
        expect(gone.status).toBe(401);
        expect(gone.body).toMatchObject({ error: { code: 'invalid_api_key' } });
      });
    });

    describe('rotation', () => {
      it('serves the new secret and refuses the old one at once, keeping the id and restrictions', async () => {
        const { id, key } = await createKey(test, { models: [model] });
        expect((await chat(test.url, key)).status).toBe(200);
        const rotated = await test.api('POST', `/api/token/${id}/rotate`, undefined, test.adminToken);
        expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
        const fresh = String(rotated.body.data.key);
        expect(fresh).toMatch(/^sk-[0-9A-Za-z]{48}$/);
        expect(fresh).not.toBe(key);
        expect(rotated.body.data).toMatchObject({ id, models: [model] });

        const old = await chat(test.url, key);
        expect(old.status).toBe(401);
        expect(old.body).toMatchObject({ error: { code: 'invalid_api_key' } });
        expect((await chat(test.url, fresh)).status).toBe(200);
        expectRefused(await chat(test.url, fresh, { model: otherModel }), 'openai', otherModel);
      });
    });
  });
}

describe('client addresses without trusted proxies', () => {
  let test: TestGateway;

  beforeAll(async () => {
    test = await startTestGateway();
    await withChannel(test);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('ignores X-Forwarded-For and checks the socket address', async () => {
    const { key: inside } = await createKey(test, { allow_ips: ['127.0.0.0/8'] });
    expect((await chat(test.url, inside, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(
      200,
    );
    const { key: outside } = await createKey(test, { allow_ips: ['203.0.113.0/24'] });
    expectRefused(
      await chat(test.url, outside, { headers: { 'x-forwarded-for': '203.0.113.9' } }),
      'openai',
      'address 127.0.0.1',
    );
  });
});

describe('client addresses over an IPv6 socket', () => {
  let test: TestGateway;

  beforeAll(async () => {
    test = await startTestGateway({ env: { HOST: '::1' } });
    await withChannel(test);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('checks the IPv6 peer address against IPv6 rules', async () => {
    expect(test.url).toContain('[::1]');
    const { key: inside } = await createKey(test, { allow_ips: ['::1/128'] });
    expect((await chat(test.url, inside)).status).toBe(200);
    const { key: outside } = await createKey(test, { allow_ips: ['2001:db8::/32', '127.0.0.1'] });
    expectRefused(await chat(test.url, outside), 'openai', 'address ::1');
  });
});
