import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/security/password.ts';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { logRows, startTestGateway, type TestGateway } from '../support/test-gateway.ts';

interface Sent {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

async function send(
  url: string,
  method: string,
  options: { headers?: Record<string, string>; json?: unknown; rawBody?: string } = {},
): Promise<Sent> {
  const body = options.rawBody ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}

/** A management failure: the envelope with `success:false`, the status, and the field it names. */
function expectFailure(result: Sent, status: number, messagePart?: string): void {
  expect(result.status, result.text).toBe(status);
  expect(result.body).toEqual({ success: false, message: expect.any(String), data: null });
  if (messagePart) expect(String(result.body.message)).toContain(messagePart);
}

const hello = [{ role: 'user', content: 'Hi' }];

interface PublicModel {
  id: string;
  capabilities: Record<string, unknown>;
  [field: string]: unknown;
}

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock?.close();
});

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`model catalog on ${backend.name}`, () => {
    let database: TestDatabase;
    let test: TestGateway;
    /** The root user's key (group `default`, no allowlist; admins see the serving channel). */
    let rootKey: string;
    let plainKey: string;
    let vipKey: string;
    let userToken: string;

    const admin = (method: string, path: string, json?: unknown) =>
      send(`${test.url}${path}`, method, { headers: { authorization: test.adminToken }, json });
    const relay = (method: string, path: string, key: string, json?: unknown) =>
      send(`${test.url}${path}`, method, { headers: { authorization: `Bearer ${key}` }, json });
    const chat = (key: string, model: string) =>
      relay('POST', '/v1/chat/completions', key, { model, messages: hello });
    const openAiIds = async (key: string) =>
      ((await relay('GET', '/v1/models', key)).body.data as { id: string }[]).map((model) => model.id);
    const geminiModels = async (key: string) =>
      (await relay('GET', '/v1beta/models', key)).body.models as Record<string, unknown>[];

    const addUser = async (username: string, groupName: string) => {
      await test.gateway.store.users.create({
        username,
        passwordHash: await hashPassword('user-password-123'),
        role: 'user',
        groupName,
      });
      const login = await test.api('POST', '/api/user/login', { username, password: 'user-password-123' });
      return String(login.body.data.token);
    };

    beforeAll(async () => {
      database = await backend.create!();
      test = await startTestGateway({ databaseUrl: database.url });
      const groups = ['default', 'vip'];
      await test.addChannel({
        name: 'mock-openai',
        provider: 'openai',
        base_url: `${mock.url}/v1`,
        api_key: 'sk-upstream-openai',
        models: ['gpt-4o', 'gpt-4o-mini', 'vip-model', 'house-model'],
        groups,
      });
      await test.addChannel({
        name: 'mock-router',
        provider: 'openrouter',
        base_url: `${mock.url}/v1`,
        api_key: 'sk-upstream-router',
        models: ['gpt-4o', 'anthropic/claude-sonnet-4.5', 'meta-llama/llama-3.3-70b-instruct'],
        groups,
        priority: 10,
      });
      await test.addChannel({
        name: 'mock-anthropic',
        provider: 'anthropic',
        base_url: mock.url,
        api_key: 'sk-upstream-anthropic',
        models: ['claude-sonnet-4-5-20250929'],
        groups,
      });
      await test.addChannel({
        name: 'mock-gemini',
        provider: 'gemini',
        base_url: mock.url,
        api_key: 'upstream-gemini',
        models: ['gemini-2.5-flash'],
        groups,
      });
      const vip = await admin('PUT', '/api/model/vip-model', { groups: ['vip'], owned_by: 'acme' });
      expect(vip.status, vip.text).toBe(200);
      rootKey = await test.createKey();
      userToken = await addUser('plain', 'default');
      plainKey = await test.createKey({}, userToken);
      vipKey = await test.createKey({}, await addUser('gold', 'vip'));
    });
    afterAll(async () => {
      await test?.close();
      await database?.drop();
    });
    beforeEach(() => mock.reset());

    describe('admin routes', () => {
      it('lists the built-in catalog with capabilities, visible to every group', async () => {
        const listed = await admin('GET', '/api/model/');
        expect(listed.status).toBe(200);
        const models = listed.body.data as unknown as PublicModel[];
        expect(models.find((model) => model.id === 'gpt-4o')).toEqual({
          id: 'gpt-4o',
          aliases: [],
          capabilities: {
            vision: true,
            tools: true,
            json: true,
            context_window: 128_000,
            max_output: 16_384,
          },
          groups: null,
          strategy: 'priority',
          owned_by: 'openai',
          enabled: true,
          created: Date.parse('2024-05-13') / 1000,
          built_in: true,
          overridden: false,
          price: null,
          created_at: null,
          updated_at: null,
        });
        expect(models.find((model) => model.id === 'vip-model')).toMatchObject({
          groups: ['vip'],
          owned_by: 'acme',
          built_in: false,
          overridden: true,
          created_at: expect.any(String),
        });
        const ids = models.map((model) => model.id);
        expect(ids).toEqual([...ids].sort());
        for (const id of ['claude-sonnet-4-5', 'gemini-2.5-pro', 'deepseek-reasoner', 'grok-4']) {
          expect(ids).toContain(id);
        }
      });

      it('finds one model by id or alias, slashes included', async () => {
        const byAlias = await admin('GET', '/api/model/claude-sonnet-4.5');
        expect(byAlias.status).toBe(200);
        expect(byAlias.body.data).toMatchObject({
          id: 'claude-sonnet-4-5',
          aliases: ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
        });
        const slashed = await admin('GET', '/api/model/meta-llama/llama-3.3-70b-instruct');
        expect(slashed.body.data).toMatchObject({ id: 'llama-3.3-70b-instruct', owned_by: 'meta' });
        expectFailure(await admin('GET', '/api/model/no-such-model'), 404, 'no-such-model');
      });

      it('replaces a built-in entry with a PUT (omitted fields from the built-in), and DELETE restores it', async () => {
        const put = await admin('PUT', '/api/model/gpt-4o-mini', {
          capabilities: { context_window: 64_000, vision: false },
          strategy: 'cheapest',
        });
        expect(put.status, put.text).toBe(200);
        expect(put.body.data).toMatchObject({
          id: 'gpt-4o-mini',
          capabilities: {
            vision: false,
            tools: true,
            json: true,
            context_window: 64_000,
            max_output: 16_384,
          },
          strategy: 'cheapest',
          owned_by: 'openai',
          created: Date.parse('2024-07-18') / 1000,
          built_in: true,
          overridden: true,
        });
        const shown = (await geminiModels(rootKey)).find((model) => model.name === 'models/gpt-4o-mini');
        expect(shown).toMatchObject({ inputTokenLimit: 64_000, outputTokenLimit: 16_384 });

        // A second PUT replaces the first: what it leaves out comes from the built-in entry again.
        const again = await admin('PUT', '/api/model/gpt-4o-mini', { enabled: true });
        expect(again.body.data).toMatchObject({
          strategy: 'priority',
          capabilities: { vision: true, context_window: 128_000 },
          overridden: true,
        });

        const deleted = await admin('DELETE', '/api/model/gpt-4o-mini');
        expect(deleted.status).toBe(200);
        expect(deleted.body.data).toMatchObject({ id: 'gpt-4o-mini', overridden: false, built_in: true });
        expect((await admin('GET', '/api/model/gpt-4o-mini')).body.data).toMatchObject({ overridden: false });
        expectFailure(await admin('DELETE', '/api/model/gpt-4o-mini'), 404, 'enabled: false');
        expectFailure(await admin('DELETE', '/api/model/no-such-model'), 404);
        expectFailure(
          await admin('DELETE', '/api/model/claude-sonnet-4.5'),
          404,
          "alias of model 'claude-sonnet-4-5'",
        );
      });

      it('hides a built-in model everywhere with enabled: false', async () => {
        expect((await admin('PUT', '/api/model/gemini-2.5-flash', { enabled: false })).status).toBe(200);
        try {
          expect(await openAiIds(rootKey)).not.toContain('gemini-2.5-flash');
          expect((await chat(rootKey, 'gemini-2.5-flash')).status).toBe(404);
        } finally {
          await admin('DELETE', '/api/model/gemini-2.5-flash');
        }
        expect((await chat(rootKey, 'gemini-2.5-flash')).status).toBe(200);
      });

      it('adds a model with aliases that clients can use; without its row it is a channel-only model again', async () => {
        const put = await admin('PUT', '/api/model/house-model', {
          aliases: ['house', 'house-latest'],
          owned_by: 'acme',
          capabilities: { context_window: 8192 },
        });
        expect(put.status, put.text).toBe(200);
        expect(put.body.data).toMatchObject({
          id: 'house-model',
          aliases: ['house', 'house-latest'],
          capabilities: { vision: false, tools: false, json: false, context_window: 8192, max_output: null },
          groups: null,
          strategy: 'priority',
          owned_by: 'acme',
          enabled: true,
          built_in: false,
          overridden: true,
        });

        const answer = await chat(rootKey, 'house');
        expect(answer.status, answer.text).toBe(200);
        expect(mock.requests.at(-1)?.body).toMatchObject({ model: 'house-model' });
        const [row] = await logRows(test, `?request_id=${answer.headers.get('x-request-id')}`);
        expect(row).toMatchObject({ model: 'house', upstream_model: 'house-model' });
        const listed = (await relay('GET', '/v1/models', rootKey)).body.data as Record<string, unknown>[];
        expect(listed.find((model) => model.id === 'house-model')).toMatchObject({ owned_by: 'acme' });

        expect((await admin('DELETE', '/api/model/house-model')).body.data).toBeNull();
        expect((await chat(rootKey, 'house')).status).toBe(404);
        expect((await chat(rootKey, 'house-model')).status).toBe(200);
        const after = (await relay('GET', '/v1/models', rootKey)).body.data as Record<string, unknown>[];
        expect(after.find((model) => model.id === 'house-model')).toMatchObject({ owned_by: 'openai' });
      });

      it('writes several models at once with PUT /api/model/, all or none', async () => {
        const bulk = await admin('PUT', '/api/model/', [
          { id: 'bulk-a', aliases: ['bulk-a-latest'] },
          { id: 'bulk-b', groups: ['vip'], strategy: 'least-latency' },
        ]);
        expect(bulk.status, bulk.text).toBe(200);
        expect((bulk.body.data as unknown as PublicModel[]).map((model) => model.id)).toEqual([
          'bulk-a',
          'bulk-b',
        ]);
        const single = await admin('PUT', '/api/model/', { id: 'bulk-c', owned_by: 'acme' });
        expect(single.status, single.text).toBe(200);
        expect(single.body.data).toMatchObject([{ id: 'bulk-c', owned_by: 'acme' }]);
        // Without an owner, the provider whose model names it matches.
        const guessed = await admin('PUT', '/api/model/', [{ id: 'gemini-9-ultra' }, { id: 'gpt-9' }]);
        expect(guessed.body.data).toMatchObject([
          { id: 'gemini-9-ultra', owned_by: 'google' },
          { id: 'gpt-9', owned_by: 'openai' },
        ]);

        const refused = await admin('PUT', '/api/model/', [
          { id: 'bulk-d' },
          { id: 'bulk-e', strategy: 'fastest' },
        ]);
        expectFailure(refused, 422, '1.strategy');
        expectFailure(await admin('GET', '/api/model/bulk-d'), 404);
        expectFailure(await admin('PUT', '/api/model/', [{ id: 'bulk-f' }, { id: 'bulk-f' }]), 422, '1.id');
        expectFailure(
          await admin('PUT', '/api/model/', [{ id: 'bulk-g', aliases: ['bulk-a-latest'] }]),
          409,
          '0.aliases',
        );
        for (const id of ['bulk-a', 'bulk-b', 'bulk-c', 'gemini-9-ultra', 'gpt-9']) {
          expect((await admin('DELETE', `/api/model/${id}`)).status).toBe(200);
        }
      });

      it('refuses a name another model already has with 409 naming the field', async () => {
        expectFailure(
          await admin('PUT', '/api/model/my-sonnet', { aliases: ['claude-sonnet-4-5'] }),
          409,
          "Invalid aliases: 'claude-sonnet-4-5' already names model 'claude-sonnet-4-5'",
        );
        expectFailure(await admin('PUT', '/api/model/claude-sonnet-4.5', {}), 409, 'Invalid id');
        expectFailure(await admin('GET', '/api/model/my-sonnet'), 404);
        // Moving an alias within one write is fine.
        const moved = await admin('PUT', '/api/model/', [
          { id: 'claude-haiku-4-5', aliases: ['claude-haiku-4-5-20251001'] },
          { id: 'my-haiku', aliases: ['claude-haiku-4.5'] },
        ]);
        expect(moved.status, moved.text).toBe(200);
        expect((await admin('GET', '/api/model/claude-haiku-4.5')).body.data).toMatchObject({
          id: 'my-haiku',
        });
        await admin('DELETE', '/api/model/my-haiku');
        await admin('DELETE', '/api/model/claude-haiku-4-5');
        expect((await admin('GET', '/api/model/claude-haiku-4.5')).body.data).toMatchObject({
          id: 'claude-haiku-4-5',
        });
      });

      it.each([
        ['an unknown strategy', { strategy: 'fastest' }, 'strategy'],
        [
          'a context window as text',
          { capabilities: { context_window: 'big' } },
          'capabilities.context_window',
        ],
        ['a zero context window', { capabilities: { context_window: 0 } }, 'capabilities.context_window'],
        ['a fractional output limit', { capabilities: { max_output: 1.5 } }, 'capabilities.max_output'],
        ['an unknown capability', { capabilities: { speed: 1 } }, 'capabilities: unknown field(s): speed'],
        ['vision as text', { capabilities: { vision: 'yes' } }, 'capabilities.vision'],
        ['capabilities as a list', { capabilities: [] }, 'capabilities'],
        ['empty groups', { groups: [] }, 'groups'],
        ['groups as a string', { groups: 'vip' }, 'groups'],
        ['an empty group name', { groups: [''] }, 'groups.0'],
        ['aliases as a string', { aliases: 'x' }, 'aliases'],
        ['a repeated alias', { aliases: ['a1', 'a1'] }, 'aliases'],
        ['an empty alias', { aliases: [''] }, 'aliases.0'],
        ['an alias with a space', { aliases: ['has space'] }, 'aliases.0'],
        ['an alias equal to the id', { aliases: ['new-model'] }, 'aliases'],
        ['an empty owner', { owned_by: ' ' }, 'owned_by'],
        ['enabled as text', { enabled: 'yes' }, 'enabled'],
        ['an unknown field', { colour: 'red' }, 'body: unknown field(s): colour'],
        ['a list body', [{ strategy: 'priority' }], 'body'],
        ['a string body', 'gpt', 'body'],
      ])('refuses %s with 422 naming the field', async (_name, body, field) => {
        expectFailure(await admin('PUT', '/api/model/new-model', body), 422, `Invalid ${field}`);
        expectFailure(await admin('GET', '/api/model/new-model'), 404);
      });

      it('refuses bad ids and bodies with 4xx, never 500', async () => {
        expectFailure(await admin('PUT', '/api/model/bad%20id', {}), 422, 'Invalid id');
        expectFailure(await admin('PUT', `/api/model/${'m'.repeat(256)}`, {}), 422, 'Invalid id');
        expectFailure(await admin('PUT', '/api/model/', []), 422, 'body');
        expectFailure(await admin('PUT', '/api/model/', [{ strategy: 'priority' }]), 422, '0.id');
        expectFailure(await admin('PUT', '/api/model/', { aliases: [] }), 422, 'Invalid id');
        expectFailure(await admin('PUT', '/api/model/', null), 422);
        const malformed = await send(`${test.url}/api/model/x`, 'PUT', {
          headers: { authorization: test.adminToken },
          rawBody: '{"aliases": [',
        });
        expectFailure(malformed, 400);
      });

      it('is for administrators only', async () => {
        expectFailure(await send(`${test.url}/api/model/`, 'GET'), 401);
        const asUser = (method: string, path: string, json?: unknown) =>
          send(`${test.url}${path}`, method, { headers: { authorization: userToken }, json });
        expectFailure(await asUser('GET', '/api/model/'), 403);
        expectFailure(await asUser('GET', '/api/model/gpt-4o'), 403);
        expectFailure(await asUser('PUT', '/api/model/gpt-4o', {}), 403);
        expectFailure(await asUser('PUT', '/api/model/', { id: 'x' }), 403);
        expectFailure(await asUser('DELETE', '/api/model/vip-model'), 403);
      });
    });

    describe('what a key sees', () => {
      const served = [
        'anthropic/claude-sonnet-4.5',
        'claude-sonnet-4-5',
        'gemini-2.5-flash',
        'gpt-4o',
        'gpt-4o-mini',
        'house-model',
        'llama-3.3-70b-instruct',
      ];

      it('lists on /v1/models exactly the models some channel serves, by catalog id, with owners', async () => {
        expect(await openAiIds(plainKey)).toEqual(served);
        const listed = (await relay('GET', '/v1/models', plainKey)).body;
        expect(listed.object).toBe('list');
        expect(
          (listed.data as Record<string, unknown>[]).find((model) => model.id === 'claude-sonnet-4-5'),
        ).toEqual({
          id: 'claude-sonnet-4-5',
          object: 'model',
          created: Date.parse('2025-09-29') / 1000,
          owned_by: 'anthropic',
        });
        expect(
          (listed.data as Record<string, unknown>[]).find((model) => model.id === 'house-model'),
        ).toMatchObject({ owned_by: 'openai' });
      });

      it("adds the models only the caller's group may see", async () => {
        expect(await openAiIds(vipKey)).toEqual([...served, 'vip-model'].sort());
      });

      it("keeps to a key's allowlist, whichever of a model's names it uses", async () => {
        const key = await test.createKey(
          { models: ['claude-sonnet-4.5', 'gpt-4o', 'vip-model', 'no-such-model'] },
          userToken,
        );
        expect(await openAiIds(key)).toEqual(['claude-sonnet-4-5', 'gpt-4o']);
        expect((await geminiModels(key)).map((model) => model.name)).toEqual([
          'models/claude-sonnet-4-5',
          'models/gpt-4o',
        ]);
        expect((await chat(key, 'claude-sonnet-4-5')).status).toBe(200);
        const refused = await chat(key, 'gpt-4o-mini');
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({ error: { code: 'permission_denied' } });
      });

      it('lists on /v1beta/models the same models in Gemini shape, token limits from the catalog', async () => {
        const models = await geminiModels(plainKey);
        expect(models.map((model) => model.name)).toEqual(served.map((id) => `models/${id}`));
        expect(models.find((model) => model.name === 'models/gemini-2.5-flash')).toMatchObject({
          baseModelId: 'gemini-2.5-flash',
          inputTokenLimit: 1_048_576,
          outputTokenLimit: 65_536,
          supportedGenerationMethods: expect.arrayContaining(['generateContent', 'streamGenerateContent']),
        });
        const channelOnly = models.find((model) => model.name === 'models/house-model')!;
        expect(channelOnly).not.toHaveProperty('inputTokenLimit');
        expect((await relay('GET', '/v1beta/models', vipKey)).body.models).toContainEqual(
          expect.objectContaining({ name: 'models/vip-model' }),
        );
      });

      it('describes one model by id, alias or pin', async () => {
        const byAlias = await relay('GET', '/v1/models/claude-sonnet-4-5-20250929', plainKey);
        expect(byAlias.body).toMatchObject({ id: 'claude-sonnet-4-5', owned_by: 'anthropic' });
        const pinned = await relay('GET', '/v1/models/openai/gpt-4o', plainKey);
        expect(pinned.body).toMatchObject({ id: 'gpt-4o', owned_by: 'openai' });
        const gemini = await relay('GET', '/v1beta/models/gemini-2.5-flash', plainKey);
        expect(gemini.body).toMatchObject({ name: 'models/gemini-2.5-flash', inputTokenLimit: 1_048_576 });
      });
    });

    describe('404 for a model the caller may not use, in every client format', () => {
      const cases = ['vip-model', 'no-such-model', 'claude-opus-4-5', 'xai/gpt-4o'];

      it.each(cases)('OpenAI: %s', async (model) => {
        const answer = await chat(plainKey, model);
        expect(answer.status, answer.text).toBe(404);
        expect(answer.body).toEqual({
          error: {
            message: expect.stringContaining(model),
            type: 'gateway_error',
            param: 'model',
            code: 'model_not_found',
          },
        });
        const described = await relay('GET', `/v1/models/${model}`, plainKey);
        expect(described.status).toBe(404);
        expect(described.body).toMatchObject({ error: { code: 'model_not_found' } });
      });

      it.each(cases)('Anthropic: %s', async (model) => {
        const messages = { model, max_tokens: 16, messages: hello };
        for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
          const answer = await send(`${test.url}${path}`, 'POST', {
            headers: { 'x-api-key': plainKey, 'anthropic-version': '2023-06-01' },
            json: messages,
          });
          expect(answer.status, answer.text).toBe(404);
          expect(answer.body).toEqual({
            type: 'error',
            error: { type: 'not_found_error', message: expect.stringContaining(model) },
          });
        }
      });

      it.each(cases)('Gemini: %s', async (model) => {
        const body = { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] };
        for (const [method, path] of [
          ['POST', `/v1beta/models/${model}:generateContent`],
          ['POST', `/v1beta/models/${model}:streamGenerateContent?alt=sse`],
          ['POST', `/v1beta/models/${model}:countTokens`],
          ['GET', `/v1beta/models/${model}`],
        ] as const) {
          const answer = await send(`${test.url}${path}`, method, {
            headers: { 'x-goog-api-key': plainKey },
            json: method === 'POST' ? body : undefined,
          });
          expect(answer.status, `${path}: ${answer.text}`).toBe(404);
          expect(answer.body).toEqual({
            error: { code: 404, message: expect.stringContaining(model), status: 'NOT_FOUND' },
          });
        }
      });

      it('serves the same vip model to a vip caller on every surface', async () => {
        expect((await chat(vipKey, 'vip-model')).status).toBe(200);
        const anthropic = await send(`${test.url}/v1/messages`, 'POST', {
          headers: { 'x-api-key': vipKey },
          json: { model: 'vip-model', max_tokens: 16, messages: hello },
        });
        expect(anthropic.status, anthropic.text).toBe(200);
        const gemini = await send(`${test.url}/v1beta/models/vip-model:generateContent`, 'POST', {
          headers: { 'x-goog-api-key': vipKey },
          json: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
        });
        expect(gemini.status, gemini.text).toBe(200);
      });
    });

    describe('resolution', () => {
      it("serves an alias through a channel listing another of the model's names, logging the name asked for", async () => {
        const answer = await chat(rootKey, 'claude-sonnet-4.5');
        expect(answer.status, answer.text).toBe(200);
        expect(answer.headers.get('x-switchboard-channel')).toBe('mock-anthropic');
        expect(mock.requests.at(-1)).toMatchObject({
          path: '/v1/messages',
          body: { model: 'claude-sonnet-4-5-20250929' },
        });
        expect(answer.body.model).toBe('claude-sonnet-4.5');
        const [row] = await logRows(test, `?request_id=${answer.headers.get('x-request-id')}`);
        expect(row).toMatchObject({
          model: 'claude-sonnet-4.5',
          upstream_model: 'claude-sonnet-4-5-20250929',
        });
      });

      it('pins the provider with provider/model, and routes by priority without it', async () => {
        const unpinned = await chat(rootKey, 'gpt-4o');
        expect(unpinned.headers.get('x-switchboard-channel')).toBe('mock-router');

        const pinned = await chat(rootKey, 'openai/gpt-4o');
        expect(pinned.status, pinned.text).toBe(200);
        expect(pinned.headers.get('x-switchboard-channel')).toBe('mock-openai');
        expect(mock.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4o' });
        const [row] = await logRows(test, `?request_id=${pinned.headers.get('x-request-id')}`);
        expect(row).toMatchObject({ model: 'openai/gpt-4o', upstream_model: 'gpt-4o' });

        const anthropic = await chat(rootKey, 'anthropic/claude-sonnet-4-5');
        expect(anthropic.status, anthropic.text).toBe(200);
        expect(anthropic.headers.get('x-switchboard-channel')).toBe('mock-anthropic');
        expect(mock.requests.at(-1)?.body).toMatchObject({ model: 'claude-sonnet-4-5-20250929' });

        expect((await chat(rootKey, 'gemini/gpt-4o')).status).toBe(404);
      });

      it('keeps a name a channel lists verbatim, slash and all', async () => {
        const literal = await chat(rootKey, 'anthropic/claude-sonnet-4.5');
        expect(literal.status, literal.text).toBe(200);
        expect(literal.headers.get('x-switchboard-channel')).toBe('mock-router');
        expect(mock.requests.at(-1)?.body).toMatchObject({ model: 'anthropic/claude-sonnet-4.5' });

        const llama = await chat(rootKey, 'llama-3.3-70b-instruct');
        expect(llama.status, llama.text).toBe(200);
        expect(mock.requests.at(-1)?.body).toMatchObject({ model: 'meta-llama/llama-3.3-70b-instruct' });
      });
    });
  });
}
