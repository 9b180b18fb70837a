import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../src/gateway.ts';
import { hashSecret } from '../../src/security/api-key.ts';
import { hashPassword } from '../../src/security/password.ts';
import type { NewRequestLog } from '../../src/store/schema.ts';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { adminPassword, startTestGateway, type TestGateway } from '../support/test-gateway.ts';
import { send, expectFailure, expectOk, type Sent } from '../support/management-calls.ts';

const userPassword = 'user-password-123';

const validChannel = {
  name: 'valid',
  provider: 'openai',
  base_url: 'https://api.openai.com/v1',
  api_key: 'sk-channel-secret-value',
  models: ['gpt-4o'],
};

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock?.close();
});

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`management API on ${backend.name}`, () => {
    let database: TestDatabase;
    let test: TestGateway;
    let rootId: number;
    let alice: { id: number; token: string };
    let bob: { id: number; token: string };

    const call = (method: string, path: string, options?: Parameters<typeof send>[3]) =>
      send(test.url, method, path, options);
    const admin = (method: string, path: string, json?: unknown) =>
      call(method, path, { token: test.adminToken, json });
    const login = (username: string, password: string) =>
      call('POST', '/api/user/login', { json: { username, password } });

    const addUser = async (username: string) => {
      const id = await test.gateway.store.users.create({
        username,
        passwordHash: await hashPassword(userPassword),
        role: 'user',
      });
      const result = await login(username, userPassword);
      expect(result.status, result.text).toBe(200);
      return { id, token: String((result.body.data as { token: string }).token) };
    };

    const modelsWith = (key: string) =>
      fetch(`${test.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });

    beforeAll(async () => {
      database = await backend.create!();
      test = await startTestGateway({ databaseUrl: database.url });
      const self = await admin('GET', '/api/user/self');
      rootId = Number((self.body.data as { id: number }).id);
      [alice, bob] = await Promise.all([addUser('alice'), addUser('bob')]);
    });
    afterAll(async () => {
      await test?.close();
      await database?.drop();
    });

    describe('sessions', () => {
      it('logs in with the right password and returns a token, an expiry and the user', async () => {
        const result = await login('admin', adminPassword);
        expect(result.status).toBe(200);
        expect(result.body).toMatchObject({
          success: true,
          data: { user: { id: rootId, username: 'admin', role: 'root', enabled: true } },
        });
        const data = result.body.data as { token: string; expires_at: string };
        expect(data.token).toMatch(/^[0-9A-Za-z]{32,}$/);
        const expiresIn = Date.parse(data.expires_at) - Date.now();
        // The default session lasts 7 days.
        expect(expiresIn).toBeGreaterThan(6.9 * 24 * 3_600_000);
        expect(expiresIn).toBeLessThanOrEqual(7 * 24 * 3_600_000);
        expect(result.text).not.toContain('password');
      });

      it('refuses a wrong password and an unknown user alike, with 401', async () => {
        const wrongPassword = await login('admin', 'not-the-password');
        expectFailure(wrongPassword, 401);
        const unknownUser = await login('nobody-here', adminPassword);
        expectFailure(unknownUser, 401);
        // Same answer either way, so the response does not reveal which names exist.
        const strip = (message: unknown) => String(message).replace(/\(request id: .*\)/, '');
        expect(strip(unknownUser.body.message)).toBe(strip(wrongPassword.body.message));
      });

      it('refuses a login without a username or password with 422 naming the field', async () => {
        expectFailure(
          await call('POST', '/api/user/login', { json: { username: 'admin' } }),
          422,
          'password',
        );
        expectFailure(
          await call('POST', '/api/user/login', { json: { username: 42, password: 'x' } }),
          422,
          'username',
        );
      });

      it('shows the caller on /api/user/self, with or without a Bearer prefix', async () => {
        const plain = await call('GET', '/api/user/self', { token: alice.token });
        expect(plain.status).toBe(200);
        expect(plain.body).toEqual({
          success: true,
          message: '',
          data: {
            id: alice.id,
            username: 'alice',
            display_name: null,
            email: null,
            role: 'user',
            group: 'default',
            enabled: true,
            balance: 0,
            plan: null,
            plan_expires_at: null,
            created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          },
        });
        const bearer = await call('GET', '/api/user/self', { token: `Bearer ${alice.token}` });
        expect(bearer.status).toBe(200);
        expect(bearer.body.data).toEqual(plain.body.data);
        expect(plain.text).not.toContain('password');
      });

      it('refuses a missing, garbage or expired session with 401', async () => {
        expectFailure(await call('GET', '/api/user/self'), 401);
        expectFailure(await call('GET', '/api/user/self', { token: 'garbage' }), 401);
        expectFailure(await call('GET', '/api/user/self', { token: 'Bearer ' }), 401);
        expectFailure(await call('GET', '/api/user/self', { token: `${alice.token}x` }), 401);

        const expired = 'expiredSessionToken0123456789abcdefghijklmnopqrstu';
        await test.gateway.store.sessions.create(hashSecret(expired), alice.id, Date.now() - 1000);
        expectFailure(await call('GET', '/api/user/self', { token: expired }), 401);
        expectFailure(await call('GET', '/api/token/', { token: `Bearer ${expired}` }), 401);
      });

      it('ends exactly the session that logs out', async () => {
        const first = await login('bob', userPassword);
        const second = await login('bob', userPassword);
        const firstToken = String((first.body.data as { token: string }).token);
        const secondToken = String((second.body.data as { token: string }).token);
        expect(firstToken).not.toBe(secondToken);

        const loggedOut = await call('POST', '/api/user/logout', { token: `Bearer ${firstToken}` });
        expect(loggedOut.status).toBe(200);
        expect(loggedOut.body).toMatchObject({ success: true });
        expectFailure(await call('GET', '/api/user/self', { token: firstToken }), 401);
        expectFailure(await call('POST', '/api/user/logout', { token: firstToken }), 401);
        expect((await call('GET', '/api/user/self', { token: secondToken })).status).toBe(200);
      });

      it('puts the client-sent request id into error messages', async () => {
        const result = await call('GET', '/api/user/self', {
          token: 'garbage',
          headers: { 'x-request-id': 'mgmt-test-42' },
        });
        expect(result.headers.get('x-request-id')).toBe('mgmt-test-42');
        expectFailure(result, 401, 'request id: mgmt-test-42');
      });
    });

    describe('API keys', () => {
      it('returns the full key once, then only its masked form', async () => {
        const created = await call('POST', '/api/token/', {
          token: alice.token,
          json: { name: 'laptop', models: ['gpt-4o'] },
        });
        expect(created.status, created.text).toBe(200);
        const data = created.body.data as { id: number; key: string };
        expect(data.key).toMatch(/^sk-[0-9A-Za-z]{48}$/);
        expect(created.body.data).toMatchObject({ name: 'laptop', models: ['gpt-4o'], enabled: true });
        const masked = `${data.key.slice(0, 7)}…${data.key.slice(-4)}`;

        const listed = await call('GET', '/api/token/', { token: alice.token });
        expect(listed.status).toBe(200);
        expect(listed.body.data).toEqual([
          {
            id: data.id,
            name: 'laptop',
            key: masked,
            models: ['gpt-4o'],
            enabled: true,
            expires_at: null,
            credit_limit: null,
            credit_used: 0,
            rpm: null,
            tpm: null,
            scopes: ['llm-all'],
            allow_ips: null,
            created_at: expect.any(String),
            updated_at: expect.any(String),
          },
        ]);
        const one = await call('GET', `/api/token/${data.id}`, { token: alice.token });
        expect(one.status).toBe(200);
        expect((one.body.data as { key: string }).key).toBe(masked);
        for (const read of [listed, one]) expect(read.text).not.toContain(data.key.slice(7, -4));
      });

      it('accepts a new key on /v1/models and refuses it right after DELETE', async () => {
        const created = await admin('POST', '/api/token/', { name: 'short-lived' });
        const { id, key } = created.body.data as { id: number; key: string };
        expect((await modelsWith(key)).status).toBe(200);

        const deleted = await admin('DELETE', `/api/token/${id}`);
        expect(deleted.status).toBe(200);
        expect(deleted.body).toMatchObject({ success: true, data: null });

        const refused = await modelsWith(key);
        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
        expectFailure(await admin('GET', `/api/token/${id}`), 404);
        expectFailure(await admin('DELETE', `/api/token/${id}`), 404);
      });

      it('refuses an expiry in the past with 422, and honours one in the near future', async () => {
        const past = Math.floor(Date.now() / 1000) - 60;
        expectFailure(
          await admin('POST', '/api/token/', { name: 'old', expires_at: past }),
          422,
          'expires_at',
        );
        expectFailure(
          await admin('POST', '/api/token/', { name: 'old', expires_at: '2001-01-01T00:00:00Z' }),
          422,
          'expires_at',
        );
        expectFailure(
          await admin('POST', '/api/token/', { name: 'bad', expires_at: 'tomorrow' }),
          422,
          'expires_at',
        );

        const inAnHour = Math.floor(Date.now() / 1000) + 3600;
        const hourly = await admin('POST', '/api/token/', { name: 'hourly', expires_at: inAnHour });
        expect(hourly.status, hourly.text).toBe(200);
        expect((hourly.body.data as { expires_at: string }).expires_at).toBe(
          new Date(inAnHour * 1000).toISOString(),
        );
        expect((await modelsWith(String((hourly.body.data as { key: string }).key))).status).toBe(200);

        const expiresAt = new Date(Date.now() + 1500);
        const soon = await admin('POST', '/api/token/', {
          name: 'soon',
          expires_at: expiresAt.toISOString(),
        });
        expect(soon.status, soon.text).toBe(200);
        const soonKey = String((soon.body.data as { key: string }).key);
        expect((await modelsWith(soonKey)).status).toBe(200);
        while (Date.now() <= expiresAt.getTime() + 20)
          await new Promise((resolve) => setTimeout(resolve, 50));
        const expired = await modelsWith(soonKey);
        expect(expired.status).toBe(403);
        expect(await expired.json()).toMatchObject({ error: { code: 'permission_denied' } });
      });

      it('refuses bad key input with 422 naming the field', async () => {
        expectFailure(await admin('POST', '/api/token/', {}), 422, 'name');
        expectFailure(await admin('POST', '/api/token/', { name: '   ' }), 422, 'name');
        expectFailure(await admin('POST', '/api/token/', { name: 'k', models: 'gpt-4o' }), 422, 'models');
        expectFailure(await admin('POST', '/api/token/', { name: 'k', owner: 1 }), 422, 'owner');
        expectFailure(await call('POST', '/api/token/', { json: { name: 'k' } }), 401);
      });

      // PostgreSQL's text cannot hold a NUL: each of these answered 500 there.
      it('refuses control characters in names, descriptions and notes with 422 naming the field', async () => {
        const nul = 'bad\u0000name';
        const refusals: [string, string, unknown, string][] = [
          ['POST', '/api/token/', { name: nul }, 'name'],
          ['POST', '/api/channel/', { ...validChannel, name: nul }, 'name'],
          ['PUT', '/api/group/nul-group', { multiplier: 1, description: nul }, 'description'],
          ['PUT', '/api/plan/nul-plan', { rpm: 10, description: nul }, 'description'],
          ['POST', '/api/redemption/', { name: nul, amount: 10 }, 'name'],
          ['PUT', `/api/user/${alice.id}`, { top_up: 10, note: nul }, 'note'],
          ['PUT', '/api/model/nul-model', { owned_by: nul }, 'owned_by'],
        ];
        for (const [method, path, json, field] of refusals) {
          expectFailure(await admin(method, path, json), 422, field);
        }
        // Line breaks are text.
        expectOk(await admin('PUT', '/api/group/two-lines', { multiplier: 1, description: 'one\ntwo' }));
      });

      // MySQL's TEXT stops at 64 KiB: the allowlist column must hold what validation accepts.
      it('stores a long model allowlist that validation accepts, or refuses it with 422', async () => {
        const models = Array.from({ length: 300 }, (_, index) => `${'m'.repeat(250)}-${index}`);
        const created = await admin('POST', '/api/token/', { name: 'many-models', models });
        expect(created.status, created.text).not.toBe(500);
        if (created.status !== 200) return expectFailure(created, 422, 'models');
        const id = Number((created.body.data as { id: number }).id);
        expect((await admin('GET', `/api/token/${id}`)).body.data).toMatchObject({ models });
      });

      it("keeps each user's keys to that user: others get 404 by id and never see them listed", async () => {
        const aliceKey = await call('POST', '/api/token/', {
          token: alice.token,
          json: { name: 'alice-own' },
        });
        const aliceKeyId = Number((aliceKey.body.data as { id: number }).id);
        const aliceSecret = String((aliceKey.body.data as { key: string }).key);
        const rootKey = await admin('POST', '/api/token/', { name: 'root-own' });
        const rootKeyId = Number((rootKey.body.data as { id: number }).id);
        const rootSecret = String((rootKey.body.data as { key: string }).key);

        expectFailure(await call('GET', `/api/token/${rootKeyId}`, { token: alice.token }), 404);
        expectFailure(await call('DELETE', `/api/token/${rootKeyId}`, { token: alice.token }), 404);
        expectFailure(await call('GET', `/api/token/${aliceKeyId}`, { token: bob.token }), 404);
        expectFailure(await call('DELETE', `/api/token/${aliceKeyId}`, { token: bob.token }), 404);
        // Even an admin manages only their own keys through /api/token/.
        expectFailure(await admin('GET', `/api/token/${aliceKeyId}`), 404);

        const bobList = await call('GET', '/api/token/', { token: bob.token });
        expect(bobList.body.data).toEqual([]);
        const adminIds = (await admin('GET', '/api/token/')).body.data as { id: number }[];
        expect(adminIds.map((key) => key.id)).not.toContain(aliceKeyId);
        const aliceIds = (await call('GET', '/api/token/', { token: alice.token })).body.data as {
          id: number;
        }[];
        expect(aliceIds.map((key) => key.id)).toContain(aliceKeyId);
        expect(aliceIds.map((key) => key.id)).not.toContain(rootKeyId);

        // The failed deletes removed nothing.
        expect((await modelsWith(rootSecret)).status).toBe(200);
        expect((await modelsWith(aliceSecret)).status).toBe(200);
      });

      it.each(['abc', '0', '99999999', '-1', '1.5', '1e3', '12345678901234567890'])(
        'answers key id %s with 404',
        async (id) => {
          expectFailure(await admin('GET', `/api/token/${id}`), 404);
          expectFailure(await admin('DELETE', `/api/token/${id}`), 404);
        },
      );
    });

    describe('channels', () => {
      const noKeyInside = (result: Sent, secret: string) => {
        expect(result.text).not.toContain(secret);
        expect(result.text).not.toContain('api_key');
      };

      it('creates, lists, reads, updates and deletes a channel, never showing its key', async () => {
        const created = await admin('POST', '/api/channel/', {
          name: 'crud',
          provider: 'openai',
          base_url: 'https://api.openai.com/v1',
          api_key: 'sk-crud-secret-1',
          models: ['gpt-4o', 'gpt-4o-mini'],
          groups: ['default', 'vip'],
          model_map: { 'gpt-4o': 'gpt-4o-2024-08-06' },
          priority: 5,
          weight: 3,
        });
        expect(created.status, created.text).toBe(200);
        noKeyInside(created, 'sk-crud-secret-1');
        const id = Number((created.body.data as { id: number }).id);
        const expected = {
          id,
          name: 'crud',
          provider: 'openai',
          base_url: 'https://api.openai.com/v1',
          models: ['gpt-4o', 'gpt-4o-mini'],
          groups: ['default', 'vip'],
          model_map: { 'gpt-4o': 'gpt-4o-2024-08-06' },
          costs: {},
          priority: 5,
          weight: 3,
          enabled: true,
          disabled_reason: null,
          last_checked_at: null,
          last_check_error: null,
          health: {
            breaker: 'closed',
            consecutive_failures: 0,
            success_rate: null,
            requests: 0,
            average_latency_ms: null,
            last_error: null,
            last_error_at: null,
            resting_until: null,
          },
          created_at: expect.any(String),
          updated_at: expect.any(String),
        };
        expect(created.body.data).toEqual(expected);

        const listed = await admin('GET', '/api/channel/');
        expect(listed.status).toBe(200);
        noKeyInside(listed, 'sk-crud-secret-1');
        expect(listed.body.data).toContainEqual(expected);

        const read = await admin('GET', `/api/channel/${id}`);
        expect(read.status).toBe(200);
        noKeyInside(read, 'sk-crud-secret-1');
        expect(read.body.data).toEqual(expected);

        const updated = await admin('PUT', `/api/channel/${id}`, {
          name: 'crud-renamed',
          priority: -2,
          enabled: false,
          api_key: 'sk-crud-secret-2',
        });
        expect(updated.status, updated.text).toBe(200);
        noKeyInside(updated, 'sk-crud-secret-2');
        const afterUpdate = { ...expected, name: 'crud-renamed', priority: -2, enabled: false };
        expect(updated.body.data).toEqual(afterUpdate);
        expect((await admin('GET', `/api/channel/${id}`)).body.data).toEqual(afterUpdate);

        const deleted = await admin('DELETE', `/api/channel/${id}`);
        expect(deleted.status).toBe(200);
        expect(deleted.body).toMatchObject({ success: true, data: null });
        expectFailure(await admin('GET', `/api/channel/${id}`), 404);
        expectFailure(await admin('PUT', `/api/channel/${id}`, { name: 'x' }), 404);
        expectFailure(await admin('DELETE', `/api/channel/${id}`), 404);
        const ids = ((await admin('GET', '/api/channel/')).body.data as { id: number }[]).map((c) => c.id);
        expect(ids).not.toContain(id);
      });

      it('fills the defaults a channel may omit', async () => {
        const created = await admin('POST', '/api/channel/', {
          name: 'defaults',
          provider: 'deepseek',
          api_key: 'sk-x',
          models: ['deepseek-chat'],
        });
        expect(created.status, created.text).toBe(200);
        expect(created.body.data).toMatchObject({
          base_url: '',
          groups: ['default'],
          model_map: {},
          priority: 0,
          weight: 1,
          enabled: true,
        });
        const ollama = await admin('POST', '/api/channel/', {
          name: 'local',
          provider: 'ollama',
          models: ['llama3'],
        });
        expect(ollama.status, ollama.text).toBe(200);
      });

      it('routes with what a write says: models appear, vanish when disabled, and the stored key is used', async () => {
        const key = await test.createKey();
        const listedModels = async () =>
          ((await (await modelsWith(key)).json()) as { data: { id: string }[] }).data.map((m) => m.id);
        const created = await admin('POST', '/api/channel/', {
          name: 'routed',
          provider: 'openai',
          base_url: `${mock.url}/v1`,
          api_key: 'sk-upstream-first',
          models: [`routed-${backend.name}`],
        });
        const id = Number((created.body.data as { id: number }).id);
        expect(await listedModels()).toContain(`routed-${backend.name}`);

        const chat = async () => {
          mock.reset();
          const response = await fetch(`${test.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              model: `routed-${backend.name}`,
              messages: [{ role: 'user', content: 'hi' }],
            }),
          });
          expect(response.status).toBe(200);
          return mock.requests[0]?.headers.authorization;
        };
        expect(await chat()).toBe('Bearer sk-upstream-first');
        // An update that does not mention the key keeps it.
        expect((await admin('PUT', `/api/channel/${id}`, { name: 'routed-renamed' })).status).toBe(200);
        expect(await chat()).toBe('Bearer sk-upstream-first');
        expect((await admin('PUT', `/api/channel/${id}`, { api_key: 'sk-upstream-second' })).status).toBe(
          200,
        );
        expect(await chat()).toBe('Bearer sk-upstream-second');

        expect((await admin('PUT', `/api/channel/${id}`, { enabled: false })).status).toBe(200);
        expect(await listedModels()).not.toContain(`routed-${backend.name}`);
        expect((await admin('PUT', `/api/channel/${id}`, { enabled: true })).status).toBe(200);
        expect(await listedModels()).toContain(`routed-${backend.name}`);
        expect((await admin('DELETE', `/api/channel/${id}`)).status).toBe(200);
        expect(await listedModels()).not.toContain(`routed-${backend.name}`);
      });

      const invalidCreates: [string, Record<string, unknown>, string][] = [
        ['an unknown provider', { ...validChannel, provider: 'no-such-provider' }, 'provider'],
        ['a base_url that is not a URL', { ...validChannel, base_url: 'not a url' }, 'base_url'],
        ['a base_url that is not http(s)', { ...validChannel, base_url: 'ftp://example.com' }, 'base_url'],
        ['empty models', { ...validChannel, models: [] }, 'models'],
        ['missing models', { ...validChannel, models: undefined }, 'models'],
        ['an empty model name', { ...validChannel, models: [''] }, 'models'],
        ['models as a string', { ...validChannel, models: 'gpt-4o' }, 'models'],
        ['an unknown field', { ...validChannel, colour: 'red' }, 'colour'],
        ['a priority that is text', { ...validChannel, priority: 'high' }, 'priority'],
        ['a fractional priority', { ...validChannel, priority: 1.5 }, 'priority'],
        ['a negative weight', { ...validChannel, weight: -1 }, 'weight'],
        ['enabled as a string', { ...validChannel, enabled: 'yes' }, 'enabled'],
        ['a model_map with a number', { ...validChannel, model_map: { 'gpt-4o': 4 } }, 'model_map'],
        ['empty groups', { ...validChannel, groups: [] }, 'groups'],
        ['a blank name', { ...validChannel, name: '   ' }, 'name'],
        ['a missing name', { ...validChannel, name: undefined }, 'name'],
        ['a key that is not a string', { ...validChannel, api_key: 12345 }, 'api_key'],
        [
          'openai-compatible without a base_url',
          { ...validChannel, provider: 'openai-compatible', base_url: undefined },
          'base_url',
        ],
        ['openai without a key', { ...validChannel, api_key: undefined }, 'api_key'],
      ];

      it.each(invalidCreates)(
        'refuses a create with %s: 422 naming the field',
        async (_what, body, field) => {
          const result = await admin('POST', '/api/channel/', body);
          expectFailure(result, 422, field);
        },
      );

      it('refuses the same mistakes on update, and leaves the channel as it was', async () => {
        const created = await admin('POST', '/api/channel/', validChannel);
        const id = Number((created.body.data as { id: number }).id);
        for (const [, body, field] of invalidCreates) {
          const change = Object.fromEntries(
            Object.entries(body).filter(
              ([name, value]) => value !== (validChannel as Record<string, unknown>)[name],
            ),
          );
          if (Object.keys(change).length === 0 || Object.values(change).includes(undefined)) continue;
          expectFailure(await admin('PUT', `/api/channel/${id}`, change), 422, field);
        }
        expectFailure(
          await admin('PUT', `/api/channel/${id}`, { provider: 'openai-compatible', base_url: '' }),
          422,
          'base_url',
        );
        expectFailure(await admin('PUT', `/api/channel/${id}`, { name: null }), 422, 'name');
        const { api_key: _secret, ...visible } = validChannel;
        const after = await admin('GET', `/api/channel/${id}`);
        expect(after.body.data).toMatchObject({ ...visible, enabled: true });
      });

      it('answers malformed or non-object bodies with 4xx, never 500', async () => {
        const created = await admin('POST', '/api/channel/', { ...validChannel, name: 'target' });
        const id = Number((created.body.data as { id: number }).id);
        const bodies = ['{"name": "x", ', 'not json', '[]', '"text"', '42', 'null'];
        for (const rawBody of bodies) {
          for (const [method, path] of [
            ['POST', '/api/channel/'],
            ['PUT', `/api/channel/${id}`],
          ] as const) {
            const result = await call(method, path, { token: test.adminToken, rawBody });
            const context = `${method} ${rawBody}: ${result.text}`;
            // A JSON null update reads as "no fields given", a no-op; every other such body is refused.
            if (method === 'PUT' && rawBody === 'null') {
              expect(result.status, context).toBe(200);
              continue;
            }
            expect(result.status, context).toBeGreaterThanOrEqual(400);
            expect(result.status, context).toBeLessThan(500);
            expect(result.body).toMatchObject({ success: false, data: null });
          }
        }
        expect((await admin('GET', `/api/channel/${id}`)).body.data).toMatchObject({ name: 'target' });
        const malformed = await call('POST', '/api/channel/', { token: test.adminToken, rawBody: '{"a":' });
        expectFailure(malformed, 400);
      });

      it.each(['abc', '0', '99999999', '-1', '1.5', '12345678901234567890'])(
        'answers channel id %s with 404',
        async (id) => {
          expectFailure(await admin('GET', `/api/channel/${id}`), 404);
          expectFailure(await admin('PUT', `/api/channel/${id}`, { name: 'x' }), 404);
          expectFailure(await admin('DELETE', `/api/channel/${id}`), 404);
        },
      );

      it('answers a non-admin with 403 on every channel route, and changes nothing', async () => {
        const created = await admin('POST', '/api/channel/', { ...validChannel, name: 'guarded' });
        const id = Number((created.body.data as { id: number }).id);
        const asAlice = (method: string, path: string, json?: unknown) =>
          call(method, path, { token: alice.token, json });
        expectFailure(await asAlice('GET', '/api/channel/'), 403);
        expectFailure(await asAlice('POST', '/api/channel/', { ...validChannel, name: 'sneaky' }), 403);
        expectFailure(await asAlice('GET', `/api/channel/${id}`), 403);
        expectFailure(await asAlice('PUT', `/api/channel/${id}`, { name: 'taken-over' }), 403);
        expectFailure(await asAlice('DELETE', `/api/channel/${id}`), 403);
        expectFailure(await asAlice('GET', '/api/channel/99999999'), 403);

        const channels = (await admin('GET', '/api/channel/')).body.data as { id: number; name: string }[];
        expect(channels.find((channel) => channel.id === id)?.name).toBe('guarded');
        expect(channels.map((channel) => channel.name)).not.toContain('sneaky');
        expectFailure(await call('GET', '/api/channel/'), 401);
      });
    });

    describe('request logs', () => {
      const base = Date.UTC(2024, 0, 1);
      const hour = 3_600_000;
      const prefix = `logs-${backend.name}`;
      let logIds: Map<string, number>;

      const row = (overrides: Partial<NewRequestLog> & { request_id: string }): NewRequestLog => ({
        created_at: base,
        user_id: rootId,
        api_key_id: null,
        endpoint: '/v1/chat/completions',
        model: `${prefix}-a`,
        upstream_model: null,
        channel_id: 7,
        status: 200,
        stream: 0,
        prompt_tokens: 10,
        completion_tokens: 5,
        cached_tokens: 0,
        usage_estimated: 0,
        latency_ms: 100,
        first_byte_ms: null,
        error_code: null,
        user_metadata: null,
        warnings: null,
        ...overrides,
      });

      type LogItem = { id: number; request_id: string; [field: string]: unknown };
      const list = async (query: string, token = test.adminToken) => {
        const result = await call('GET', `/api/log/${query}`, { token });
        expect(result.status, result.text).toBe(200);
        return result.body.data as { items: LogItem[]; next_before_id: number | null };
      };
      const requestIds = async (query: string, token?: string) =>
        (await list(query, token)).items.map((item) => item.request_id);

      beforeAll(async () => {
        await test.gateway.store.requestLogs.insertMany([
          row({ request_id: `${prefix}-1`, created_at: base, user_id: alice.id, api_key_id: 101 }),
          row({
            request_id: `${prefix}-2`,
            created_at: base + hour,
            user_id: alice.id,
            api_key_id: 102,
            status: 429,
            model: `${prefix}-b`,
            error_code: 'rate_limited',
          }),
          row({ request_id: `${prefix}-3`, created_at: base + 2 * hour, user_id: bob.id, api_key_id: 201 }),
          row({
            request_id: `${prefix}-4`,
            created_at: base + 3 * hour,
            user_id: rootId,
            api_key_id: 301,
            status: 502,
            user_metadata: '{"tenant":"acme"}',
          }),
          row({ request_id: `${prefix}-5`, created_at: base + 4 * hour, user_id: alice.id, api_key_id: 101 }),
        ]);
        logIds = new Map();
        for (let index = 1; index <= 5; index++) {
          const [item] = (await list(`?request_id=${prefix}-${index}`)).items;
          logIds.set(`${prefix}-${index}`, item!.id);
        }
      });

      it('shows a user only their own rows, without channel ids, and an admin every row', async () => {
        const mine = await list(`?from=${base / 1000}&to=${(base + 5 * hour) / 1000}`, alice.token);
        expect(mine.items.map((item) => item.request_id)).toEqual([
          `${prefix}-5`,
          `${prefix}-2`,
          `${prefix}-1`,
        ]);
        expect(mine.items.every((item) => item.user_id === alice.id)).toBe(true);
        expect(mine.items.every((item) => !('channel_id' in item))).toBe(true);
        // Asking for someone else's rows by name finds nothing.
        expect(await requestIds(`?request_id=${prefix}-4`, alice.token)).toEqual([]);
        expect(await requestIds(`?token_id=201`, alice.token)).toEqual([]);

        expect(await requestIds(`?from=${base / 1000}&to=${(base + 5 * hour) / 1000}`)).toEqual([
          `${prefix}-5`,
          `${prefix}-4`,
          `${prefix}-3`,
          `${prefix}-2`,
          `${prefix}-1`,
        ]);
        const [adminView] = (await list(`?request_id=${prefix}-4`)).items;
        expect(adminView).toMatchObject({
          request_id: `${prefix}-4`,
          timestamp: new Date(base + 3 * hour).toISOString(),
          endpoint: '/v1/chat/completions',
          model: `${prefix}-a`,
          token_id: 301,
          user_id: rootId,
          channel_id: 7,
          status: 502,
          stream: false,
          usage: { prompt_tokens: 10, completion_tokens: 5, cached_tokens: 0, estimated: false },
          latency_ms: 100,
          user_metadata: { tenant: 'acme' },
        });
        expectFailure(await call('GET', '/api/log/'), 401);
      });

      it('filters by model, status, request id and token id', async () => {
        expect(await requestIds(`?model=${prefix}-b`)).toEqual([`${prefix}-2`]);
        expect(await requestIds(`?model=${prefix}-a&status=502`)).toEqual([`${prefix}-4`]);
        expect(await requestIds(`?status=429&model=${prefix}-b`)).toEqual([`${prefix}-2`]);
        expect(await requestIds(`?request_id=${prefix}-3`)).toEqual([`${prefix}-3`]);
        expect(await requestIds(`?token_id=101&model=${prefix}-a`)).toEqual([`${prefix}-5`, `${prefix}-1`]);
        expect(await requestIds(`?token_id=101`, alice.token)).toEqual([`${prefix}-5`, `${prefix}-1`]);
        expect(await requestIds(`?model=${prefix}-none`)).toEqual([]);
      });

      it('filters by time given as Unix seconds or ISO 8601', async () => {
        const model = `&model=${prefix}-a`;
        expect(await requestIds(`?from=${(base + 2 * hour) / 1000}${model}`)).toEqual([
          `${prefix}-5`,
          `${prefix}-4`,
          `${prefix}-3`,
        ]);
        expect(await requestIds(`?to=${(base + 2 * hour) / 1000 - 1}${model}`)).toEqual([`${prefix}-1`]);
        const from = encodeURIComponent(new Date(base + hour / 2).toISOString());
        const to = encodeURIComponent(new Date(base + 3 * hour - 1).toISOString());
        expect(await requestIds(`?from=${from}&to=${to}${model}`)).toEqual([`${prefix}-3`]);
        const offset = encodeURIComponent('2024-01-01T03:30:00+02:00'); // 01:30 UTC
        expect(await requestIds(`?to=${offset}`, alice.token)).toEqual([`${prefix}-2`, `${prefix}-1`]);
        expect(await requestIds(`?from=${(base + 10 * hour) / 1000}${model}`)).toEqual([]);
      });

      it('pages newest first by before_id until next_before_id is null', async () => {
        const model = `model=${prefix}-a`;
        const seen: string[] = [];
        let query = `?${model}&limit=2`;
        for (let page = 0; page < 10; page++) {
          const result = await list(query);
          expect(result.items.length).toBeLessThanOrEqual(2);
          seen.push(...result.items.map((item) => item.request_id));
          if (result.next_before_id === null) break;
          expect(result.next_before_id).toBe(result.items.at(-1)!.id);
          query = `?${model}&limit=2&before_id=${result.next_before_id}`;
        }
        expect(seen).toEqual([`${prefix}-5`, `${prefix}-4`, `${prefix}-3`, `${prefix}-1`]);

        const before = logIds.get(`${prefix}-4`)!;
        expect(await requestIds(`?${model}&before_id=${before}`)).toEqual([`${prefix}-3`, `${prefix}-1`]);
        const first = await list(`?${model}&limit=1`);
        expect(first.items.map((item) => item.request_id)).toEqual([`${prefix}-5`]);
        expect(first.next_before_id).toBe(logIds.get(`${prefix}-5`));
      });

      // An out-of-range filter must not reach a 32-bit column (PostgreSQL refuses it outright).
      it('answers a status filter beyond any HTTP status without a 500', async () => {
        const result = await call('GET', '/api/log/?status=99999999999', { token: test.adminToken });
        expect(result.status, result.text).toBeLessThan(500);
        if (result.status === 200) expect((result.body.data as { items: unknown[] }).items).toEqual([]);
        else expectFailure(result, 422, 'status');
      });

      it.each([
        ['limit=0', 'limit'],
        ['limit=501', 'limit'],
        ['limit=ten', 'limit'],
        ['status=ok', 'status'],
        ['token_id=-1', 'token_id'],
        ['before_id=x', 'before_id'],
        ['from=yesterday', 'from'],
        ['to=2024-13-45', 'to'],
      ])('refuses ?%s with 422 naming the field', async (query, field) => {
        expectFailure(await call('GET', `/api/log/?${query}`, { token: test.adminToken }), 422, field);
      });
    });

    describe('status and unknown routes', () => {
      it('answers GET /api/status without a session', async () => {
        const result = await call('GET', '/api/status');
        expect(result.status).toBe(200);
        expect(result.body).toMatchObject({
          success: true,
          data: { version, uptime_s: expect.any(Number), store: { dialect: backend.name, status: 'ok' } },
        });
      });

      it('answers an unknown /api route with a 404 envelope', async () => {
        expectFailure(await call('GET', '/api/no-such-route'), 404, '/api/no-such-route');
        expectFailure(await call('POST', '/api/nothing/here', { json: {} }), 404);
        expectFailure(await admin('PATCH', '/api/channel/1', { name: 'x' }), 404);
      });

      // Errors Fastify raises before routing must still come in the envelope, with the request id.
      it('answers a path with broken percent-encoding with a 400 envelope', async () => {
        expectFailure(await admin('GET', '/api/channel/%E0%A4%A'), 400);
      });

      it('answers an absurdly long id with an envelope, like any other unknown id', async () => {
        const result = await admin('GET', `/api/channel/${'1'.repeat(600)}`);
        expect(result.status).toBeGreaterThanOrEqual(400);
        expect(result.status).toBeLessThan(500);
        expectFailure(result, result.status);
      });
    });
  });
}
