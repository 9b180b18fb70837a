import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerIds } from '../../src/providers/provider-catalog.ts';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { openAIErrorBody } from '../mock-upstream/openai-error.ts';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { logRows, startTestGateway, type TestGateway } from '../support/test-gateway.ts';

interface Sent {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

const hello = [{ role: 'user', content: 'Hi' }];

/** The provider-scoped error shape (API.md 1.1): `{"error":"…"}` and nothing else, with the request id. */
function expectScopedError(result: Sent, status: number, messageStart: string): void {
  expect(result.status, result.text).toBe(status);
  expect(Object.keys(result.body)).toEqual(['error']);
  const message = result.body.error;
  expect(typeof message).toBe('string');
  expect(message as string).toMatch(new RegExp(`^${messageStart.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  expect(message as string).toContain(`request id: ${result.headers.get('x-request-id')}`);
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
  describe.skipIf(!backend.create)(`POST /api/core/{provider}/chat/completions on ${backend.name}`, () => {
    let database: TestDatabase;
    let test: TestGateway;
    let key: string;

    const post = (
      provider: string,
      body: unknown,
      options: { key?: string | null; rawBody?: string } = {},
    ): Promise<Sent> =>
      fetch(`${test.url}/api/core/${provider}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.key === null ? {} : { authorization: `Bearer ${options.key ?? key}` }),
        },
        body: options.rawBody ?? JSON.stringify(body),
      }).then(async (response) => {
        const text = await response.text();
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text);
        } catch {
          // a stream: the text is what the test reads
        }
        return { status: response.status, headers: response.headers, body: parsed, text };
      });

    beforeAll(async () => {
      database = await backend.create!();
      test = await startTestGateway({ databaseUrl: database.url });
      await test.addChannel({
        name: 'mock-openai',
        provider: 'openai',
        base_url: `${mock.url}/v1`,
        api_key: 'sk-upstream-openai',
        models: ['gpt-4o', 'ft:gpt-4o-mini:acme:custom'],
      });
      // Preferred by priority on the unscoped surface: the scoped one must not use it for openai.
      await test.addChannel({
        name: 'mock-router',
        provider: 'openrouter',
        base_url: `${mock.url}/v1`,
        api_key: 'sk-upstream-router',
        models: ['gpt-4o', 'gpt-4o-mini', 'anthropic/claude-sonnet-4.5'],
        priority: 10,
      });
      await test.addChannel({
        name: 'mock-anthropic',
        provider: 'anthropic',
        base_url: mock.url,
        api_key: 'sk-upstream-anthropic',
        models: ['claude-sonnet-4-5-20250929'],
      });
      key = await test.createKey();
    });
    afterAll(async () => {
      await test?.close();
      await database?.drop();
    });
    beforeEach(() => mock.reset());

    it('serves the model through channels of that provider only, in OpenAI format, and logs it', async () => {
      const answer = await post('openai', { model: 'gpt-4o', messages: hello });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toMatchObject({
        object: 'chat.completion',
        choices: [{ message: { role: 'assistant', content: 'echo: Hi' }, finish_reason: 'stop' }],
      });
      expect(answer.headers.get('x-switchboard-channel')).toBe('mock-openai');
      expect(mock.requests).toHaveLength(1);
      expect(mock.requests[0]!.apiKey).toBe('sk-upstream-openai');
      const [row] = await logRows(test, `?request_id=${answer.headers.get('x-request-id')}`);
      expect(row).toMatchObject({
        endpoint: '/api/core/openai/chat/completions',
        model: 'gpt-4o',
        status: 200,
      });
    });

    it('streams', async () => {
      const answer = await post('openai', { model: 'gpt-4o', messages: hello, stream: true });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(answer.text).toContain('data: [DONE]');
      expect(answer.headers.get('x-switchboard-channel') ?? 'mock-openai').toBe('mock-openai');
      expect(mock.requests[0]!.apiKey).toBe('sk-upstream-openai');
    });

    it("translates for a provider of another format, and keeps OpenRouter's own names", async () => {
      const anthropic = await post('anthropic', { model: 'claude-sonnet-4.5', messages: hello });
      expect(anthropic.status, anthropic.text).toBe(200);
      expect(anthropic.body).toMatchObject({ object: 'chat.completion', model: 'claude-sonnet-4.5' });
      expect(mock.requests.at(-1)).toMatchObject({
        path: '/v1/messages',
        body: { model: 'claude-sonnet-4-5-20250929' },
      });

      const router = await post('openrouter', { model: 'anthropic/claude-sonnet-4.5', messages: hello });
      expect(router.status, router.text).toBe(200);
      expect(mock.requests.at(-1)).toMatchObject({
        apiKey: 'sk-upstream-router',
        body: { model: 'anthropic/claude-sonnet-4.5' },
      });
    });

    it('takes a model outside the prefixes that a channel of the provider lists (a fine-tune)', async () => {
      const answer = await post('openai', { model: 'ft:gpt-4o-mini:acme:custom', messages: hello });
      expect(answer.status, answer.text).toBe(200);
    });

    it('answers 401 without a key, or with a wrong one', async () => {
      expectScopedError(
        await post('openai', { model: 'gpt-4o', messages: hello }, { key: null }),
        401,
        'No API key',
      );
      expectScopedError(
        await post('openai', { model: 'gpt-4o', messages: hello }, { key: `sk-${'x'.repeat(48)}` }),
        401,
        'Invalid API key',
      );
      expect(mock.requests).toHaveLength(0);
    });

    it('answers 404 for an unknown provider', async () => {
      const answer = await post('invalid_provider', { model: 'gpt-4o', messages: hello });
      expectScopedError(answer, 404, 'unsupported model provider: invalid_provider');
      for (const id of providerIds) expect(answer.body.error).toContain(id);
    });

    it('answers 400 for a body that is not JSON, or lacks the model', async () => {
      expectScopedError(
        await post('openai', undefined, { rawBody: '{"model": "gpt-4o", "messages": [' }),
        400,
        'The request body is not valid JSON',
      );
      expectScopedError(await post('openai', { messages: hello }), 400, "'model' is required");
      expectScopedError(
        await post('openai', { model: 'gpt-4o' }),
        400,
        "'messages' must be a non-empty array",
      );
    });

    it("answers 404 for a model outside the provider's prefixes, listing them", async () => {
      const answer = await post('openai', { model: 'claude-sonnet-4-5', messages: hello });
      expectScopedError(
        answer,
        404,
        'unsupported model: claude-sonnet-4-5. Supported model prefixes for openai: [gpt-, o1, o3, o4,',
      );
      expectScopedError(
        await post('anthropic', { model: 'gpt-4o', messages: hello }),
        404,
        'unsupported model: gpt-4o. Supported model prefixes for anthropic: [claude-]',
      );
      expect(mock.requests).toHaveLength(0);
    });

    it('answers 404 for a model of the provider that none of its channels serves', async () => {
      // A prefix match (gpt-4o matches gpt-4o-2024-08-06 and gpt-4o-mini); only the router serves it.
      expectScopedError(
        await post('openai', { model: 'gpt-4o-mini', messages: hello }),
        404,
        "The model 'gpt-4o-mini' does not exist or is not available",
      );
      expect(mock.requests).toHaveLength(0);
    });

    it('answers 503 for a provider with no enabled channel', async () => {
      expectScopedError(
        await post('xai', { model: 'grok-4', messages: hello }),
        503,
        'xai is not configured: no enabled channel of this provider is available',
      );
      expectScopedError(
        await post('deepseek', { model: 'deepseek-chat', messages: hello }),
        503,
        'deepseek is not configured',
      );
    });

    it("answers an upstream failure in the same shape, after the provider's channels are exhausted", async () => {
      mock.enqueue({ kind: 'error', status: 500, body: openAIErrorBody(500, 'boom') });
      const answer = await post('openai', { model: 'gpt-4o', messages: hello });
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(Object.keys(answer.body)).toEqual(['error']);
      expect(typeof answer.body.error).toBe('string');
      expect(mock.requests.every((request) => request.apiKey === 'sk-upstream-openai')).toBe(true);
    });

    it('answers an unknown route under /api/core in the same shape', async () => {
      const response = await fetch(`${test.url}/api/core/openai/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(404);
      expect(Object.keys((await response.json()) as object)).toEqual(['error']);
    });
  });
}
