import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { logRows, startTestGateway, type TestGateway } from '../support/test-gateway.ts';

interface KeptBody {
  body: string;
  bytes: number;
  truncated: boolean;
}
interface LogDetail {
  id: number;
  request_id: string;
  user_id: number;
  status: number;
  credits: number;
  bodies: { request: KeptBody | null; response: KeptBody | null } | null;
}

let primary: MockUpstream;
let backup: MockUpstream;
beforeAll(async () => {
  [primary, backup] = await Promise.all([startMockUpstream(), startMockUpstream()]);
});
afterAll(async () => {
  await Promise.all([primary?.close(), backup?.close()]);
});
beforeEach(() => {
  primary.reset();
  backup.reset();
});

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`request and response bodies in the log on ${backend.name}`, () => {
    let database: TestDatabase;
    let test: TestGateway;
    let key: string;
    let alice: { id: number; token: string; key: string };
    let bob: { token: string };

    const userPassword = 'user-password-123';
    const newUser = async (username: string) => {
      const created = await test.api(
        'POST',
        '/api/user/',
        { username, password: userPassword },
        test.adminToken,
      );
      const login = await test.api('POST', '/api/user/login', { username, password: userPassword });
      const token = String(login.body.data.token);
      return { id: Number(created.body.data.id), token, key: await test.createKey({}, token) };
    };

    beforeAll(async () => {
      database = await backend.create!();
      test = await startTestGateway({ databaseUrl: database.url });
      await test.addChannel({
        name: 'primary',
        provider: 'openai',
        base_url: `${primary.url}/v1`,
        api_key: 'sk-upstream',
        models: ['gpt-4o-mini'],
        priority: 10,
      });
      await test.addChannel({
        name: 'backup',
        provider: 'openai',
        base_url: `${backup.url}/v1`,
        api_key: 'sk-upstream',
        models: ['gpt-4o-mini'],
      });
      await test.addChannel({
        name: 'claude',
        provider: 'anthropic',
        base_url: primary.url,
        api_key: 'sk-ant',
        models: ['claude-sonnet-4-5'],
      });
      key = await test.createKey();
      alice = await newUser('alice');
      bob = await newUser('bob');
    });
    afterAll(async () => {
      await test?.close();
      await database?.drop();
    });

    const settings = (values: Record<string, unknown>) =>
      test.api('PUT', '/api/setting/', values, test.adminToken);

    /** One chat completion as raw bytes; the answer's text exactly as the client received it. */
    const chat = async (
      body: Record<string, unknown>,
      options: { key?: string; headers?: Record<string, string> } = {},
    ) => {
      const raw = JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        ...body,
      });
      const response = await fetch(`${test.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${options.key ?? key}`,
          ...options.headers,
        },
        body: raw,
      });
      return {
        raw,
        status: response.status,
        text: await response.text(),
        requestId: response.headers.get('x-request-id')!,
      };
    };

    const detail = async (requestId: string, token = test.adminToken) => {
      const [row] = await logRows(test, `?request_id=${requestId}`);
      const result = await test.api('GET', `/api/log/${String(row!.id)}`, undefined, token);
      return { status: result.status, row: result.body.data as unknown as LogDetail, id: Number(row!.id) };
    };

    it('keeps no bodies while the setting is off (the default)', async () => {
      expect((await test.api('GET', '/api/setting/', undefined, test.adminToken)).body.data).toMatchObject({
        log_bodies: false,
        log_body_max_bytes: 65_536,
      });
      const sent = await chat({});
      expect(sent.status).toBe(200);
      const { row } = await detail(sent.requestId);
      expect(row).toMatchObject({ request_id: sent.requestId, status: 200, credits: 0, bodies: null });
    });

    describe('with log_bodies on', () => {
      beforeAll(async () => {
        expect((await settings({ log_bodies: true, log_body_max_bytes: 65_536 })).status).toBe(200);
      });
      afterAll(async () => {
        await settings({ log_bodies: false });
      });

      it('keeps the request as received and the whole response as sent', async () => {
        primary.enqueue({ kind: 'chat', content: 'Hello there!' });
        const sent = await chat({ temperature: 0.5 });
        expect(sent.status).toBe(200);
        const { row } = await detail(sent.requestId);
        expect(row.bodies).toEqual({
          request: { body: sent.raw, bytes: Buffer.byteLength(sent.raw), truncated: false },
          response: { body: sent.text, bytes: Buffer.byteLength(sent.text), truncated: false },
        });
        expect(JSON.parse(row.bodies!.response!.body).choices[0].message.content).toBe('Hello there!');
      });

      it('keeps a streamed response exactly as the client received it', async () => {
        primary.enqueue({ kind: 'chat', content: 'one two three four', chunks: 4 });
        const sent = await chat({ stream: true });
        expect(sent.text).toContain('data: [DONE]');
        const { row } = await detail(sent.requestId);
        expect(row.bodies?.response).toEqual({
          body: sent.text,
          bytes: Buffer.byteLength(sent.text),
          truncated: false,
        });
      });

      it('keeps what was sent to the client after translation (Anthropic upstream, OpenAI client)', async () => {
        primary.enqueue({ kind: 'chat', content: 'translated answer' });
        const sent = await chat({ model: 'claude-sonnet-4-5' });
        expect(sent.status).toBe(200);
        const { row } = await detail(sent.requestId);
        expect(row.bodies?.response?.body).toBe(sent.text);
        expect(JSON.parse(sent.text).choices[0].message.content).toBe('translated answer');
      });

      it('keeps only the answering channel’s stream when an attempt failed over', async () => {
        // The primary sends its role chunk, then breaks off: that chunk never reaches the client.
        primary.enqueue({ kind: 'cut', afterChunks: 1, reply: { kind: 'chat', content: 'never sent' } });
        backup.enqueue({ kind: 'chat', content: 'from backup', chunks: 1 });
        const sent = await chat({ stream: true });
        expect(sent.text).toContain('from backup');
        const { row } = await detail(sent.requestId);
        expect(row).toMatchObject({ status: 200, attempts: [{ outcome: 'reset' }, { outcome: 'ok' }] });
        expect(row.bodies?.response?.body).toBe(sent.text);
      });

      it('keeps the request but no response when every attempt failed before answering', async () => {
        primary.enqueue({ kind: 'cut', afterChunks: 1, reply: { kind: 'chat', content: 'never sent' } });
        backup.enqueue({ kind: 'cut', afterChunks: 1, reply: { kind: 'chat', content: 'never sent' } });
        const sent = await chat({ stream: true });
        expect(sent.status).toBeGreaterThanOrEqual(500);
        const { row } = await detail(sent.requestId);
        expect(row.status).toBe(sent.status);
        expect(row.bodies).toEqual({
          request: { body: sent.raw, bytes: Buffer.byteLength(sent.raw), truncated: false },
          response: null,
        });
      });

      it('never keeps bodies for a request sent with X-Switchboard-No-Log: 1', async () => {
        const sent = await chat(
          { stream: true },
          { headers: { 'x-switchboard-no-log': '1', 'x-switchboard-metadata': '{"tenant":"acme"}' } },
        );
        expect(sent.status).toBe(200);
        const { row } = await detail(sent.requestId);
        expect(row).toMatchObject({ status: 200, bodies: null, user_metadata: null });
      });

      it('cuts each body at log_body_max_bytes and marks the cut', async () => {
        expect((await settings({ log_body_max_bytes: 256 })).status).toBe(200);
        try {
          const long = 'é'.repeat(400); // 800 bytes of two-byte characters
          primary.enqueue({ kind: 'chat', content: long });
          const sent = await chat({ messages: [{ role: 'user', content: long }] });
          expect(sent.status).toBe(200);
          const { row } = await detail(sent.requestId);
          const { request, response } = row.bodies!;
          expect(request).toMatchObject({ bytes: Buffer.byteLength(sent.raw), truncated: true });
          expect(Buffer.byteLength(request!.body)).toBeLessThanOrEqual(256);
          expect(sent.raw.startsWith(request!.body)).toBe(true);
          expect(response).toMatchObject({ bytes: Buffer.byteLength(sent.text), truncated: true });
          expect(sent.text.startsWith(response!.body)).toBe(true);
          expect(Buffer.byteLength(response!.body)).toBeLessThanOrEqual(256);
        } finally {
          await settings({ log_body_max_bytes: 65_536 });
        }
      });

      it('shows a row’s bodies to its owner and admins only; anyone else gets a 404', async () => {
        const sent = await chat({}, { key: alice.key });
        const own = await detail(sent.requestId, alice.token);
        expect(own.status).toBe(200);
        expect(own.row).toMatchObject({ user_id: alice.id, request_id: sent.requestId });
        expect(own.row.bodies?.request?.body).toBe(sent.raw);
        expect(own.row).not.toHaveProperty('channel_id');
        expect((await detail(sent.requestId)).row).toHaveProperty('channel_id');

        const other = await test.api('GET', `/api/log/${own.id}`, undefined, bob.token);
        expect(other.status).toBe(404);
        expect(other.body).toMatchObject({ success: false, data: null });
        const adminsRow = (await chat({})).requestId;
        expect((await detail(adminsRow, alice.token)).status).toBe(404);
        expect((await test.api('GET', `/api/log/${own.id}`)).status).toBe(401);
      });

      it('answers an unknown or malformed id with a 404 envelope, never a 500', async () => {
        for (const id of ['999999999', 'abc', '-1', '0', '1.5', '9'.repeat(40)]) {
          const result = await test.api('GET', `/api/log/${id}`, undefined, test.adminToken);
          expect(result.status, id).toBe(404);
          expect(result.body).toMatchObject({ success: false, data: null });
        }
      });
    });

    it('applies a settings change from the next request on', async () => {
      await settings({ log_bodies: true });
      const on = await chat({});
      await settings({ log_bodies: false });
      const off = await chat({});
      expect((await detail(on.requestId)).row.bodies).not.toBeNull();
      expect((await detail(off.requestId)).row.bodies).toBeNull();
    });
  });
}
