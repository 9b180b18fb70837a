import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewRequestLog } from '../../src/store/schema.ts';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';

interface Figures {
  requests: number;
  errors: number;
  error_rate: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  total_tokens: number;
  credits: number;
  latency_ms: { avg: number | null; p50: number | null; p95: number | null };
}
interface Dashboard {
  from: string;
  to: string;
  granularity: 'hour' | 'day';
  totals: Figures;
  series: (Figures & { start: string })[];
  by_model: (Figures & { model: string })[];
  by_token: (Figures & { token_id: number | null; token_name: string | null })[];
}

const hour = 3_600_000;
const day = 24 * hour;
// A Monday, far from now: nothing else lands in these hours.
const base = Date.UTC(2024, 2, 4);
const seconds = (ms: number) => ms / 1000;

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock?.close();
});

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`GET /api/dashboard/ on ${backend.name}`, () => {
    let database: TestDatabase;
    let test: TestGateway;
    let alice: { id: number; token: string; keyId: number };
    let bob: { id: number; token: string };

    const userPassword = 'user-password-123';
    const newUser = async (username: string) => {
      const created = await test.api(
        'POST',
        '/api/user/',
        { username, password: userPassword },
        test.adminToken,
      );
      const login = await test.api('POST', '/api/user/login', { username, password: userPassword });
      return { id: Number(created.body.data.id), token: String(login.body.data.token) };
    };

    const row = (overrides: Partial<NewRequestLog>): NewRequestLog => ({
      created_at: base,
      request_id: 'dash',
      user_id: alice.id,
      api_key_id: alice.keyId,
      endpoint: '/v1/chat/completions',
      model: 'gpt-4o',
      upstream_model: null,
      channel_id: null,
      status: 200,
      stream: 0,
      prompt_tokens: 10,
      completion_tokens: 5,
      cached_tokens: 0,
      usage_estimated: 0,
      latency_ms: 120,
      first_byte_ms: null,
      error_code: null,
      user_metadata: null,
      warnings: null,
      ...overrides,
    });

    const dashboard = async (query: string, token = test.adminToken) => {
      const result = await test.api('GET', `/api/dashboard/${query}`, undefined, token);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      return result.body.data as unknown as Dashboard;
    };
    const period = (from: number, to: number, extra = '') =>
      `?from=${seconds(from)}&to=${seconds(to)}${extra}`;

    beforeAll(async () => {
      database = await backend.create!();
      test = await startTestGateway({ databaseUrl: database.url });
      const aliceUser = await newUser('alice');
      await test.createKey({ name: 'alice-key' }, aliceUser.token);
      const keys = await test.api('GET', '/api/token/', undefined, aliceUser.token);
      const keyId = Number((keys.body.data as unknown as { id: number }[])[0]!.id);
      alice = { ...aliceUser, keyId };
      bob = await newUser('bob');

      // Alice, hour 0: 18 fast gpt-4o answers and 2 slow ones; 3 of the 20 are 502s.
      const aliceHour0 = Array.from({ length: 20 }, (_, index) =>
        row({
          created_at: base + index * 1000,
          latency_ms: index < 18 ? 120 : 900,
          status: index < 3 ? 502 : 200,
          credits: 1_000,
        }),
      );
      // Alice, hour 1: claude through another key, and a client that hung up (499: not an error).
      const aliceHour1 = [
        row({
          created_at: base + hour,
          model: 'claude',
          api_key_id: 777,
          latency_ms: 40,
          prompt_tokens: 100,
          cached_tokens: 60,
        }),
        row({ created_at: base + hour + 5, model: 'claude', api_key_id: 777, latency_ms: 60, status: 499 }),
      ];
      // Alice, the next day; Bob, hour 0.
      const nextDay = [row({ created_at: base + day + 2 * hour, latency_ms: 2500, credits: 5 })];
      const bobs = [
        row({ user_id: bob.id, api_key_id: 555, model: 'gpt-4o', latency_ms: 10_000, credits: 9 }),
      ];
      // In two batches, as the log writer would write them.
      await test.gateway.store.requestLogs.insertMany([...aliceHour0.slice(0, 7), ...bobs]);
      await test.gateway.store.requestLogs.insertMany([...aliceHour0.slice(7), ...aliceHour1, ...nextDay]);
    });
    afterAll(async () => {
      await test?.close();
      await database?.drop();
    });

    it('sums a period for an admin: totals, an hourly series, by model and by key', async () => {
      const result = await dashboard(period(base, base + 3 * hour));
      expect(result).toMatchObject({
        from: new Date(base).toISOString(),
        to: new Date(base + 3 * hour).toISOString(),
        granularity: 'hour',
      });
      expect(result.totals).toEqual({
        requests: 23,
        errors: 3,
        error_rate: 0.1304,
        prompt_tokens: 10 * 22 + 100,
        completion_tokens: 5 * 23,
        cached_tokens: 60,
        total_tokens: 10 * 22 + 100 + 5 * 23,
        credits: 20 * 1_000 + 9,
        latency_ms: {
          avg: Math.round((18 * 120 + 2 * 900 + 40 + 60 + 10_000) / 23),
          p50: expect.any(Number),
          p95: expect.any(Number),
        },
      });
      expect(result.series.map((point) => [point.start, point.requests])).toEqual([
        [new Date(base).toISOString(), 21],
        [new Date(base + hour).toISOString(), 2],
        [new Date(base + 2 * hour).toISOString(), 0],
      ]);
      expect(result.series[2]!.latency_ms).toEqual({ avg: null, p50: null, p95: null });
      expect(result.by_model.map((model) => [model.model, model.requests, model.errors])).toEqual([
        ['gpt-4o', 21, 3],
        ['claude', 2, 0],
      ]);
      expect(result.by_token.map((key) => [key.token_id, key.token_name, key.requests])).toEqual([
        [alice.keyId, 'alice-key', 20],
        [777, null, 2],
        [555, null, 1],
      ]);
    });

    it('computes p50 and p95 from the latency buckets', async () => {
      const result = await dashboard(period(base, base + hour, `&user_id=${alice.id}`));
      // 18 in (100, 150] and 2 in (750, 1000]: the median is 10/18 through the first bucket,
      // p95 (rank 19 of 20) halfway through the second.
      expect(result.totals.latency_ms).toEqual({
        avg: Math.round((18 * 120 + 2 * 900) / 20),
        p50: 128,
        p95: 875,
      });
      expect(result.totals.error_rate).toBe(0.15);
      const [claude] = (await dashboard(period(base + hour, base + 2 * hour))).by_model;
      // 40 ms in (25, 50], 60 ms in (50, 75]: p50 is the top of the first bucket.
      expect(claude!.latency_ms).toMatchObject({ p50: 50, p95: 73 });
    });

    it('adds hours into UTC days, rounding the period out to whole days', async () => {
      const result = await dashboard(period(base + 5 * hour, base + day + 3 * hour, '&granularity=day'));
      expect(result.from).toBe(new Date(base).toISOString());
      expect(result.to).toBe(new Date(base + 2 * day).toISOString());
      expect(result.series.map((point) => [point.start, point.requests, point.credits])).toEqual([
        [new Date(base).toISOString(), 23, 20_009],
        [new Date(base + day).toISOString(), 1, 5],
      ]);
      // One 2500 ms request, in (2000, 3000]: its percentiles are read off that bucket.
      expect(result.series[1]!.latency_ms).toEqual({ avg: 2500, p50: 2500, p95: 2950 });
    });

    it('shows users their own figures only', async () => {
      const whole = period(base, base + 2 * day);
      const mine = await dashboard(whole, alice.token);
      expect(mine.totals.requests).toBe(23);
      expect(mine.by_token.map((key) => key.token_id).sort()).toEqual([777, alice.keyId].sort());
      expect(mine).toEqual(await dashboard(`${whole}&user_id=${alice.id}`));
      expect(await dashboard(`${whole}&user_id=${alice.id}`, alice.token)).toEqual(mine);

      const bobs = await dashboard(whole, bob.token);
      expect(bobs.totals).toMatchObject({ requests: 1, credits: 9, latency_ms: { p50: 8750, p95: 9875 } });
      // Naming another user's key finds nothing; naming another user is refused.
      expect((await dashboard(`${whole}&token_id=${alice.keyId}`, bob.token)).totals.requests).toBe(0);
      const refused = await test.api(
        'GET',
        `/api/dashboard/${whole}&user_id=${alice.id}`,
        undefined,
        bob.token,
      );
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ success: false, data: null });
    });

    it('filters by key', async () => {
      const result = await dashboard(period(base, base + 2 * day, '&token_id=777'));
      expect(result.totals).toMatchObject({ requests: 2, errors: 0, prompt_tokens: 110, cached_tokens: 60 });
      expect(result.by_model.map((model) => model.model)).toEqual(['claude']);
    });

    it('counts requests relayed through the gateway, as the log writer writes them', async () => {
      await test.addChannel({
        name: 'mock',
        provider: 'openai',
        base_url: `${mock.url}/v1`,
        api_key: 'sk-upstream',
        models: ['gpt-4o-mini'],
      });
      const key = await test.createKey({ name: 'relay' }, bob.token);
      mock.enqueue({ kind: 'chat', content: 'hi', usage: { prompt_tokens: 7, completion_tokens: 2 } });
      const response = await fetch(`${test.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
      });
      expect(response.status).toBe(200);
      await test.gateway.logWriter.flush();
      const result = await dashboard('', bob.token);
      expect(result.granularity).toBe('hour');
      expect(result.series).toHaveLength(24);
      expect(result.totals).toMatchObject({ requests: 1, prompt_tokens: 7, completion_tokens: 2, errors: 0 });
      expect(result.by_token).toEqual([expect.objectContaining({ token_name: 'relay', requests: 1 })]);
      expect(result.by_model).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', requests: 1 })]);
    });

    it.each([
      ['granularity=week', 'granularity'],
      ['from=yesterday', 'from'],
      ['to=2024-13-45', 'to'],
      ['user_id=abc', 'user_id'],
      ['token_id=-3', 'token_id'],
      ['colour=blue', 'colour'],
      [`from=${seconds(base + hour)}&to=${seconds(base)}`, 'to'],
      [`from=${seconds(base)}&to=${seconds(base + 32 * day)}`, 'from'],
      [`from=${seconds(base)}&to=${seconds(base + 367 * day)}&granularity=day`, 'from'],
    ])('refuses ?%s with a 422 naming the field', async (query, field) => {
      const result = await test.api('GET', `/api/dashboard/?${query}`, undefined, test.adminToken);
      expect(result.status, JSON.stringify(result.body)).toBe(422);
      expect(result.body).toMatchObject({ success: false, data: null });
      expect(result.body.message).toContain(field);
    });

    it('needs a session', async () => {
      expect((await test.api('GET', '/api/dashboard/')).status).toBe(401);
    });
  });
}
