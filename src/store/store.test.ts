import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkipped, testBackends, type TestDatabase } from '../../test/support/test-databases.ts';
import { channelRow } from './channel-row.test-support.ts';
import { Store } from './store.ts';

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`store on ${backend.name}`, () => {
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

    it('migrates idempotently: a second open of the same database changes nothing', async () => {
      const again = await Store.open(database.url);
      await again.close();
    });

    it('creates users with unique names and finds them', async () => {
      const id = await store.users.create({ username: 'alice', passwordHash: 'h', role: 'user' });
      expect(id).toBeGreaterThan(0);
      expect((await store.users.findByUsername('alice'))?.id).toBe(id);
      await expect(
        store.users.create({ username: 'alice', passwordHash: 'h', role: 'user' }),
      ).rejects.toThrow();
    });

    it('keeps sessions until they expire', async () => {
      const userId = await store.users.create({ username: 'sess', passwordHash: 'h', role: 'admin' });
      await store.sessions.create('hash-live', userId, Date.now() + 60_000);
      await store.sessions.create('hash-dead', userId, Date.now() - 1);
      expect((await store.sessions.findUser('hash-live', Date.now()))?.username).toBe('sess');
      expect(await store.sessions.findUser('hash-dead', Date.now())).toBeUndefined();
      await store.sessions.delete('hash-live');
      expect(await store.sessions.findUser('hash-live', Date.now())).toBeUndefined();
    });

    it('scopes API keys to their owner', async () => {
      const owner = await store.users.create({ username: 'owner', passwordHash: 'h', role: 'user' });
      const other = await store.users.create({ username: 'other', passwordHash: 'h', role: 'user' });
      const keyId = await store.apiKeys.create({
        userId: owner,
        name: 'k',
        keyHash: 'a'.repeat(64),
        masked: 'sk-abcd…wxyz',
        models: ['gpt-4o'],
        expiresAt: null,
      });
      const found = await store.apiKeys.findByHash('a'.repeat(64));
      expect(found).toMatchObject({ id: keyId, user_id: owner, user_role: 'user', user_group: 'default' });
      expect(await store.apiKeys.findOwned(keyId, other)).toBeUndefined();
      expect(await store.apiKeys.deleteOwned(keyId, other)).toBe(false);
      expect(await store.apiKeys.deleteOwned(keyId, owner)).toBe(true);
      expect(await store.apiKeys.findByHash('a'.repeat(64))).toBeUndefined();
    });

    it('holds whatever the API accepts: a price for a 255-character model, 5000 plan models, long aliases', async () => {
      // Each answered 500 on PostgreSQL or MySQL (191 characters; MySQL's 64 KiB TEXT).
      const model = `m${'x'.repeat(254)}`;
      await store.modelPrices.upsert({ model, per_request: 1, input: 2, cached_input: null, output: 3 });
      expect((await store.modelPrices.list()).find((row) => row.model === model)).toMatchObject({ input: 2 });
      const planModels = JSON.stringify(
        Array.from({ length: 5000 }, (_, index) => `${index}-${'p'.repeat(250)}`),
      );
      await store.groupsPlans.upsertPlan({
        name: 'wide',
        rpm: null,
        tpm: null,
        models: planModels,
        groups: null,
        duration_days: null,
        description: null,
      });
      expect((await store.groupsPlans.listPlans()).find((plan) => plan.name === 'wide')?.models).toBe(
        planModels,
      );
      const aliases = JSON.stringify(
        Array.from({ length: 100 }, (_, index) => `${index}${'名'.repeat(254)}`),
      );
      await store.models.upsert([
        {
          id: model,
          aliases,
          capabilities: '{}',
          groups: null,
          strategy: 'priority',
          owned_by: 'me',
          enabled: 1,
        },
      ]);
      expect((await store.models.list()).find((row) => row.id === model)?.aliases).toBe(aliases);
    });

    it('updates and deletes channels', async () => {
      const id = await store.channels.create(channelRow({ models: '["gpt-4o"]' }));
      expect(await store.channels.update(id, { priority: 5 })).toBe(true);
      expect(await store.channels.update(id, { priority: 5 })).toBe(true);
      expect((await store.channels.findById(id))?.priority).toBe(5);
      expect(await store.channels.update(id + 1000, { priority: 1 })).toBe(false);
      expect(await store.channels.delete(id)).toBe(true);
      expect(await store.channels.delete(id)).toBe(false);
    });

    it('writes request logs in batches and pages them newest first by keyset', async () => {
      const base = {
        request_id: 'r',
        user_id: 7,
        api_key_id: 1,
        endpoint: '/v1/chat/completions',
        model: 'gpt-4o',
        upstream_model: 'gpt-4o',
        channel_id: 1,
        status: 200,
        stream: 0,
        prompt_tokens: 3,
        completion_tokens: 4,
        cached_tokens: 0,
        usage_estimated: 0,
        latency_ms: 10,
        first_byte_ms: 5,
        error_code: null,
        user_metadata: null,
        warnings: null,
      };
      await store.requestLogs.insertMany(
        Array.from({ length: 25 }, (_, i) => ({ ...base, created_at: 1000 + i, request_id: `r${i}` })),
      );
      const first = await store.requestLogs.list({ userId: 7, limit: 10 });
      expect(first.map((row) => row.request_id)).toEqual(Array.from({ length: 10 }, (_, i) => `r${24 - i}`));
      const second = await store.requestLogs.list({ userId: 7, limit: 10, beforeId: first.at(-1)!.id });
      expect(second[0]?.request_id).toBe('r14');
      expect(await store.requestLogs.list({ userId: 8, limit: 10 })).toEqual([]);
      expect(await store.requestLogs.list({ requestId: 'r3', limit: 10 })).toHaveLength(1);
      expect(await store.requestLogs.list({ from: 1020, limit: 100 })).toHaveLength(5);
    });
  });
}
