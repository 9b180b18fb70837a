import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkipped, testBackends, type TestDatabase } from '../../test/support/test-databases.ts';
import { latencyBucketColumns, latencyBucketIndex } from './latency-buckets.ts';
import type { RequestLogEntry } from './request-log-entry.ts';
import { hourMs } from './rollup-deltas.ts';
import type { NewRequestLog } from './schema.ts';
import { Store } from './store.ts';

const base = Date.UTC(2024, 5, 1);

let sequence = 0;
const logRow = (overrides: Partial<NewRequestLog> = {}): NewRequestLog => ({
  created_at: base,
  request_id: `r-${++sequence}`,
  user_id: 1,
  api_key_id: 10,
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
  latency_ms: 100,
  first_byte_ms: null,
  error_code: null,
  user_metadata: null,
  warnings: null,
  ...overrides,
});

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`request logs, bodies and rollups on ${backend.name}`, () => {
    let database: TestDatabase;
    let store: Store;

    beforeAll(async () => {
      database = await backend.create!();
      store = await Store.open(database.url);
    });
    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    const rollups = (userId: number) =>
      store.db
        .selectFrom('request_rollups')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('hour_start')
        .execute();

    it('writes every column of every row as given, in the order of the batch', async () => {
      const rows: NewRequestLog[] = [
        logRow({
          user_id: 901,
          request_id: 'col-1',
          model: 'claude-sonnet-4-5',
          upstream_model: 'claude-sonnet-4-5-20250929',
          channel_id: 7,
          stream: 1,
          prompt_tokens: 1_234,
          completion_tokens: 567,
          cached_tokens: 89,
          usage_estimated: 1,
          latency_ms: 4_321,
          first_byte_ms: 120,
          user_metadata: '{"team":"ops \\"blue\\"","note":"é ✓"}',
          warnings: '[{"code":"dropped_field","field":"logprobs"}]',
          attempts: '[{"channel":3,"outcome":"503"},{"channel":7,"outcome":"ok"}]',
          credits: 9_876_543,
        }),
        logRow({
          user_id: 901,
          request_id: "col-2 'quoted'",
          api_key_id: null,
          status: 502,
          error_code: 'upstream_error',
        }),
        logRow({
          user_id: 901,
          request_id: 'col-3',
          endpoint: '/v1/messages',
          model: 'gpt-4o-mini',
          credits: 0,
        }),
      ];
      await store.requestLogs.insertMany(rows);
      const written = await store.db
        .selectFrom('request_logs')
        .selectAll()
        .where('user_id', '=', 901)
        .orderBy('id')
        .execute();
      expect(
        written.map(({ id: _id, ...row }) =>
          Object.fromEntries(
            Object.entries(row).map(([column, value]) => [
              column,
              typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
            ]),
          ),
        ),
      ).toEqual(rows.map((row) => ({ attempts: null, credits: 0, ...row })));
    });

    it('writes a row whose text the database cannot hold as it is, without losing it or its batch', async () => {
      // A client can put a NUL or a lone surrogate in the model it asks for (JSON escapes); the 404
      // is logged with that name. PostgreSQL's text cannot hold either: they are written as U+FFFD.
      const user = 905;
      const rows: RequestLogEntry[] = [
        logRow({
          user_id: user,
          request_id: 'odd-1',
          model: 'nul\u0000model',
          error_code: 'model_not_found',
        }),
        logRow({ user_id: user, request_id: 'odd-2', model: 'half\ud800', upstream_model: '\udfffhalf' }),
        // The characters of an escape, not what it stands for: kept as they are everywhere.
        logRow({
          user_id: user,
          request_id: 'odd-3',
          model: 'typed \\u0000 and \\ud800',
          warnings: '["\\u0000"]',
        }),
        // A pair is no lone surrogate.
        logRow({ user_id: user, request_id: 'odd-4', model: 'pair \u{1F600}' }),
        {
          ...logRow({ user_id: user, request_id: 'odd-5', model: 'with body\u0000' }),
          bodies: { request: { text: 'a\u0000b', bytes: 3, truncated: false }, response: null },
        },
      ];
      await store.requestLogs.insertMany(rows);
      const written = await store.db
        .selectFrom('request_logs')
        .select(['request_id', 'model', 'upstream_model', 'warnings'])
        .where('user_id', '=', user)
        .orderBy('request_id')
        .execute();
      const postgres = backend.name === 'postgres';
      const nul = postgres ? '\ufffd' : '\u0000';
      expect(written.map((row) => row.request_id)).toEqual(['odd-1', 'odd-2', 'odd-3', 'odd-4', 'odd-5']);
      expect(written[0]).toMatchObject({ model: `nul${nul}model` });
      // What a driver makes of a lone surrogate is its own (SQLite keeps the bytes); PostgreSQL's
      // is U+FFFD.
      if (postgres) expect(written[1]).toMatchObject({ model: 'half\ufffd', upstream_model: '\ufffdhalf' });
      expect(written[2]).toMatchObject({ model: 'typed \\u0000 and \\ud800', warnings: '["\\u0000"]' });
      expect(written[3]).toMatchObject({ model: 'pair \u{1F600}' });
      expect(written[4]).toMatchObject({ model: `with body${nul}` });
      const withBody = await store.requestLogs.list({ userId: user, requestId: 'odd-5', limit: 1 });
      expect((await store.requestLogs.findBodies(withBody[0]!.id))?.request_body).toBe(`a${nul}b`);
      // The rollups count every row, under the model name as written.
      const counted = await rollups(user);
      expect(counted.reduce((sum, row) => sum + Number(row.requests), 0)).toBe(5);
      expect(counted.map((row) => row.model).sort()).toEqual(written.map((row) => row.model).sort());
    });

    it('writes a row whose text is wider than its column, cut to fit, without losing it or its batch', async () => {
      // A client can ask for a model with any name; the 404 is logged with it. PostgreSQL and MySQL
      // refuse text wider than its column, which failed the whole batch at every retry.
      const user = 906;
      const emoji = '\u{1F600}';
      const rows: RequestLogEntry[] = [
        logRow({
          user_id: user,
          request_id: 'wide-1',
          model: 'm'.repeat(300),
          error_code: 'model_not_found',
        }),
        // 254 units then a pair: the pair is not split.
        logRow({ user_id: user, request_id: 'wide-2', model: `${'a'.repeat(253)}${emoji}tail` }),
        logRow({
          user_id: user,
          request_id: 'r'.repeat(200),
          upstream_model: `${emoji.repeat(200)}`,
          endpoint: `/v1/${'e'.repeat(200)}`,
          error_code: 'c'.repeat(100),
        }),
        {
          ...logRow({ user_id: user, request_id: 'wide-4', model: 'b'.repeat(1000) }),
          // A stream of 2.2 GB, counted whole.
          bodies: {
            request: { text: 'kept', bytes: 4, truncated: false },
            response: { text: 'data: 1', bytes: 2_200_000_000, truncated: true },
          },
        },
        logRow({ user_id: user, request_id: 'wide-5', model: 'x'.repeat(255) }),
        // Usage as an upstream may report it: more than an integer column holds, or not whole.
        logRow({ user_id: user, request_id: 'wide-6', prompt_tokens: 3_000_000_000, completion_tokens: 1.5 }),
      ];
      await store.requestLogs.insertMany(rows);
      const written = await store.db
        .selectFrom('request_logs')
        .select(['id', 'request_id', 'model', 'upstream_model', 'endpoint', 'error_code'])
        .where('user_id', '=', user)
        .orderBy('id')
        .execute();
      expect(written.map((row) => row.model)).toEqual([
        `${'m'.repeat(254)}…`,
        `${'a'.repeat(253)}…`,
        'gpt-4o',
        `${'b'.repeat(254)}…`,
        'x'.repeat(255),
        'gpt-4o',
      ]);
      expect(written.at(-1)).toMatchObject({ request_id: 'wide-6' });
      const [counts] = await store.db
        .selectFrom('request_logs')
        .select(['prompt_tokens', 'completion_tokens'])
        .where('request_id', '=', 'wide-6')
        .execute();
      expect(counts).toEqual({ prompt_tokens: 2 ** 31 - 1, completion_tokens: 1 });
      expect(written[2]).toMatchObject({
        request_id: `${'r'.repeat(127)}…`,
        upstream_model: `${emoji.repeat(127)}…`,
        endpoint: `/v1/${'e'.repeat(123)}…`,
        error_code: `${'c'.repeat(63)}…`,
      });
      expect(await store.requestLogs.findBodies(written[3]!.id)).toMatchObject({
        request_body: 'kept',
        response_body: 'data: 1',
        response_bytes: 2 ** 31 - 1,
        response_truncated: 1,
      });
      const counted = await rollups(user);
      expect(counted.reduce((sum, row) => sum + Number(row.requests), 0)).toBe(6);
      expect([...new Set(counted.map((row) => row.model))].sort()).toEqual(
        [...new Set(written.map((row) => row.model))].sort(),
      );
    });

    it('tells a row it refuses from a connection that failed', async () => {
      // No model: NULL in a NOT NULL column, refused however often it is retried.
      const refused = await store.requestLogs
        .insertMany([logRow({ request_id: 'no-model', model: null as unknown as string })])
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refused).toBeDefined();
      expect(store.requestLogs.refusesRows(refused)).toBe(true);
      // SQLite has no connection to lose (its writer thread starts again for the next batch).
      if (backend.name === 'sqlite') return;
      const closed = await Store.open(database.url);
      await closed.close();
      const failed = await closed.requestLogs.insertMany([logRow({ request_id: 'closed' })]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failed).toBeDefined();
      expect(store.requestLogs.refusesRows(failed)).toBe(false);
    });

    it('keeps bodies with exactly the rows that carry them, whatever their place in the batch', async () => {
      const bodies = (text: string) => ({
        request: { text: `req ${text}`, bytes: 100, truncated: true },
        response: null,
      });
      const entries: RequestLogEntry[] = [
        logRow({ request_id: 'b-1', user_id: 2 }),
        { ...logRow({ request_id: 'b-2', user_id: 2 }), bodies: bodies('two') },
        logRow({ request_id: 'b-3', user_id: 2 }),
        { ...logRow({ request_id: 'b-4', user_id: 2 }), bodies: bodies('four') },
        { ...logRow({ request_id: 'b-5', user_id: 2 }), bodies: undefined },
      ];
      await store.requestLogs.insertMany(entries);
      const rows = await store.requestLogs.list({ userId: 2, limit: 10 });
      expect(rows.map((row) => row.request_id).sort()).toEqual(['b-1', 'b-2', 'b-3', 'b-4', 'b-5']);
      for (const row of rows) {
        const kept = await store.requestLogs.findBodies(row.id);
        if (row.request_id === 'b-2' || row.request_id === 'b-4') {
          expect(kept).toMatchObject({
            request_body: row.request_id === 'b-2' ? 'req two' : 'req four',
            request_bytes: 100,
            request_truncated: 1,
            response_body: null,
          });
        } else {
          expect(kept).toBeUndefined();
        }
      }
      expect(rows.every((row) => row.credits === 0)).toBe(true);
    });

    it('rolls rows up per hour, key and model as they are written, latencies in buckets', async () => {
      const user = 3;
      await store.requestLogs.insertMany([
        logRow({ user_id: user, latency_ms: 5, credits: 1000 }),
        logRow({ user_id: user, latency_ms: 120, status: 502, prompt_tokens: 1, completion_tokens: 0 }),
        logRow({ user_id: user, latency_ms: 120, created_at: base + hourMs - 1, status: 499 }),
        logRow({
          user_id: user,
          created_at: base + hourMs,
          model: 'claude',
          api_key_id: null,
          latency_ms: 400_000,
        }),
      ]);
      await store.requestLogs.insertMany([
        logRow({ user_id: user, latency_ms: 3000, credits: 7, cached_tokens: 4 }),
      ]);
      const rows = await rollups(user);
      expect(rows).toHaveLength(2);
      const [first, second] = rows;
      expect(first).toMatchObject({
        hour_start: base,
        api_key_id: 10,
        model: 'gpt-4o',
        requests: 4,
        errors: 1,
        prompt_tokens: 31,
        completion_tokens: 15,
        cached_tokens: 4,
        credits: 1007,
        latency_ms_sum: 5 + 120 + 120 + 3000,
      });
      const counts = (row: typeof first) => latencyBucketColumns.map((column) => Number(row![column]));
      const expected = latencyBucketColumns.map(() => 0);
      for (const latency of [5, 120, 120, 3000]) expected[latencyBucketIndex(latency)]! += 1;
      expect(counts(first)).toEqual(expected);
      expect(second).toMatchObject({
        hour_start: base + hourMs,
        api_key_id: 0,
        model: 'claude',
        requests: 1,
      });
      expect(counts(second).at(-1)).toBe(1);
    });

    it('adds up under concurrent writers on separate connections, never losing a count', async () => {
      const user = 4;
      const others = await Promise.all([Store.open(database.url), Store.open(database.url)]);
      try {
        const writers = [store, ...others];
        const batches = Array.from({ length: 12 }, (_, batch) =>
          Array.from({ length: 25 }, (_, index) =>
            logRow({ user_id: user, model: index % 2 === 0 ? 'even' : 'odd', latency_ms: batch, credits: 3 }),
          ),
        );
        await Promise.all(
          batches.map((rows, index) => writers[index % writers.length]!.requestLogs.insertMany(rows)),
        );
      } finally {
        await Promise.all(others.map((other) => other.close()));
      }
      const rows = await rollups(user);
      expect(rows.map((row) => [row.model, Number(row.requests), Number(row.credits)]).sort()).toEqual([
        ['even', 12 * 13, 12 * 13 * 3],
        ['odd', 12 * 12, 12 * 12 * 3],
      ]);
    });

    it('writes nothing of a batch that fails: no rows, no bodies, no rollup counts', async () => {
      const user = 5;
      const broken = { ...logRow({ user_id: user }), model: null } as unknown as NewRequestLog;
      await expect(
        store.requestLogs.insertMany([
          { ...logRow({ user_id: user, request_id: 'lost' }), bodies: { request: null, response: null } },
          broken,
        ]),
      ).rejects.toThrow();
      expect(await store.requestLogs.list({ userId: user, limit: 10 })).toEqual([]);
      expect(await rollups(user)).toEqual([]);
    });

    it('deletes rows older than the cutoff, with their bodies, a batch at a time', async () => {
      const user = 6;
      const old = base - 40 * 24 * hourMs;
      await store.requestLogs.insertMany([
        ...Array.from({ length: 7 }, (_, index) => ({
          ...logRow({ user_id: user, created_at: old + index, request_id: `old-${index}` }),
          bodies: { request: { text: 'x', bytes: 1, truncated: false }, response: null },
        })),
        logRow({ user_id: user, created_at: base, request_id: 'new' }),
      ]);
      const oldIds = (await store.requestLogs.list({ userId: user, limit: 20 }))
        .filter((row) => row.request_id.startsWith('old-'))
        .map((row) => row.id);
      expect(oldIds).toHaveLength(7);
      const rollupsBefore = await rollups(user);

      expect(await store.requestLogs.deleteOlderThan(base - hourMs, 3)).toBe(3);
      // The oldest go first.
      const left = (await store.requestLogs.list({ userId: user, limit: 20 })).map((row) => row.request_id);
      expect(left.sort()).toEqual(['new', 'old-3', 'old-4', 'old-5', 'old-6']);
      expect(await store.requestLogs.deleteOlderThan(base - hourMs, 3)).toBe(3);
      expect(await store.requestLogs.deleteOlderThan(base - hourMs, 3)).toBe(1);
      expect(await store.requestLogs.deleteOlderThan(base - hourMs, 3)).toBe(0);

      expect(
        (await store.requestLogs.list({ userId: user, limit: 20 })).map((row) => row.request_id),
      ).toEqual(['new']);
      for (const id of oldIds) expect(await store.requestLogs.findBodies(id)).toBeUndefined();
      // Rollups keep the history.
      expect(await rollups(user)).toEqual(rollupsBefore);
    });
  });
}
