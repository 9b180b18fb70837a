import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkipped, testBackends, type TestDatabase } from '../../test/support/test-databases.ts';
import { channelRow } from './channel-row.test-support.ts';
import { Store } from './store.ts';

/** Migration 003 on every backend: channel health columns, request attempts, the system log. */
for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`channel health store on ${backend.name}`, () => {
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

    const newChannel = () => store.channels.create(channelRow());

    it('disables an enabled channel once, and re-enables only what it disabled', async () => {
      const id = await newChannel();
      expect(await store.channels.findById(id)).toMatchObject({
        disabled_reason: null,
        last_checked_at: null,
      });
      expect(await store.channels.disableAutomatically(id, 'upstream refused the credentials: 401')).toBe(
        true,
      );
      expect(await store.channels.disableAutomatically(id, 'again')).toBe(false);
      expect(await store.channels.findById(id)).toMatchObject({
        enabled: 0,
        disabled_reason: 'upstream refused the credentials: 401',
      });
      expect(await store.channels.enableAutomatically(id)).toBe(true);
      expect(await store.channels.findById(id)).toMatchObject({ enabled: 1, disabled_reason: null });

      // An admin's disabling carries no reason: the gateway leaves it alone.
      await store.channels.update(id, { enabled: 0 });
      expect(await store.channels.enableAutomatically(id)).toBe(false);
      expect((await store.channels.findById(id))?.enabled).toBe(0);
    });

    it('notes tests without touching updated_at', async () => {
      const id = await newChannel();
      const before = (await store.channels.findById(id))!.updated_at;
      await store.channels.recordCheck(id, 1_700_000_000_000, '503: down');
      expect(await store.channels.findById(id)).toMatchObject({
        last_checked_at: 1_700_000_000_000,
        last_check_error: '503: down',
        updated_at: before,
      });
      await store.channels.recordCheck(id, 1_700_000_001_000, null);
      expect((await store.channels.findById(id))?.last_check_error).toBeNull();
    });

    it("stores an upstream's words whatever they hold: NUL, a lone surrogate, any length", async () => {
      // PostgreSQL refused a NUL: the channel stayed enabled, and the health round stopped there.
      const id = await newChannel();
      const words = `bad key\u0000 \ud800${'x'.repeat(2000)}`;
      expect(await store.channels.disableAutomatically(id, words)).toBe(true);
      await store.channels.recordCheck(id, 1_700_000_000_000, words);
      const row = await store.channels.findById(id);
      expect(row).toMatchObject({ enabled: 0, last_checked_at: 1_700_000_000_000 });
      expect(row?.disabled_reason).toBe(`bad key\ufffd \ufffd${'x'.repeat(244)}…`);
      expect(row?.last_check_error).toBe(`bad key\ufffd \ufffd${'x'.repeat(989)}…`);
      await store.systemLogs.insert({
        level: 'warn',
        event: 'channel_disabled',
        channel_id: id,
        message: words,
      });
      const [logged] = await store.systemLogs.list({ channelId: id, limit: 1 });
      expect(logged?.message).toBe(`bad key\ufffd \ufffd${'x'.repeat(2000)}`);
    });

    it('writes and lists system log rows, newest first, by channel and event', async () => {
      await store.systemLogs.insert({
        level: 'warn',
        event: 'channel_disabled',
        channel_id: 41,
        message: 'a',
      });
      await store.systemLogs.insert({
        level: 'info',
        event: 'channel_enabled',
        channel_id: 41,
        message: 'b',
      });
      await store.systemLogs.insert({
        level: 'info',
        event: 'channel_enabled',
        channel_id: 42,
        message: 'c',
      });
      const rows = await store.systemLogs.list({ channelId: 41, limit: 10 });
      expect(rows.map((row) => row.message)).toEqual(['b', 'a']);
      expect(rows[0]).toMatchObject({ level: 'info', event: 'channel_enabled', channel_id: 41 });
      expect(rows[0]!.created_at).toBeGreaterThan(0);
      const enabled = await store.systemLogs.list({ event: 'channel_enabled', limit: 10 });
      expect(enabled.map((row) => row.message)).toEqual(['c', 'b']);
    });

    it('keeps the attempts of a request log row', async () => {
      const attempts = '[{"channel":3,"outcome":"503"},{"channel":5,"outcome":"ok"}]';
      await store.requestLogs.insertMany([
        {
          created_at: Date.now(),
          request_id: 'attempts-1',
          user_id: 1,
          api_key_id: 1,
          endpoint: '/v1/chat/completions',
          model: 'm',
          upstream_model: 'm',
          channel_id: 5,
          status: 200,
          stream: 0,
          prompt_tokens: 1,
          completion_tokens: 1,
          cached_tokens: 0,
          usage_estimated: 0,
          latency_ms: 10,
          first_byte_ms: 5,
          error_code: null,
          user_metadata: null,
          warnings: null,
          attempts,
        },
      ]);
      const [row] = await store.requestLogs.list({ requestId: 'attempts-1', limit: 1 });
      expect(row?.attempts).toBe(attempts);
    });
  });
}
