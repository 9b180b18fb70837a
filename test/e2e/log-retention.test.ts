import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewRequestLog } from '../../src/store/schema.ts';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';

const day = 86_400_000;

const row = (requestId: string, createdAt: number): NewRequestLog => ({
  created_at: createdAt,
  request_id: requestId,
  user_id: null,
  api_key_id: null,
  endpoint: '/v1/chat/completions',
  model: 'gpt-4o',
  upstream_model: null,
  channel_id: null,
  status: 200,
  stream: 0,
  prompt_tokens: 1,
  completion_tokens: 1,
  cached_tokens: 0,
  usage_estimated: 0,
  latency_ms: 10,
  first_byte_ms: null,
  error_code: null,
  user_metadata: null,
  warnings: null,
});

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`LOG_RETENTION_DAYS on ${backend.name}`, () => {
    let database: TestDatabase;
    let test: TestGateway;

    beforeAll(async () => {
      database = await backend.create!();
      // A sweep every 200 ms: the first runs soon after start.
      test = await startTestGateway({
        databaseUrl: database.url,
        env: { LOG_RETENTION_DAYS: '7', LOG_RETENTION_SWEEP_MS: '200' },
      });
    });
    afterAll(async () => {
      await test?.close();
      await database?.drop();
    });

    it('deletes rows older than the retention age (with their bodies) on its timer, and keeps the rest', async () => {
      const now = Date.now();
      const { store } = test.gateway;
      const old = Array.from({ length: 12_000 }, (_, index) => row(`old-${index}`, now - 8 * day - index));
      for (let from = 0; from < old.length; from += 2000)
        await store.requestLogs.insertMany(old.slice(from, from + 2000));
      await store.requestLogs.insertMany([
        {
          ...row('old-with-body', now - 30 * day),
          bodies: { request: { text: 'x', bytes: 1, truncated: false }, response: null },
        },
        row('recent', now - 6 * day),
        row('today', now),
      ]);
      const [withBody] = await store.requestLogs.list({ requestId: 'old-with-body', limit: 1 });

      await expect
        .poll(async () => (await store.requestLogs.list({ limit: 10 })).map((item) => item.request_id), {
          timeout: 15_000,
        })
        .toEqual(['today', 'recent']);
      expect(await store.requestLogs.findBodies(withBody!.id)).toBeUndefined();
      // Rollups stay: the dashboard keeps its history.
      const rollups = await store.db.selectFrom('request_rollups').select(['requests']).execute();
      expect(rollups.reduce((sum, rollup) => sum + Number(rollup.requests), 0)).toBe(12_003);
    });
  });
}
