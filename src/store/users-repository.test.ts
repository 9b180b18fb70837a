import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkipped, testBackends, type TestDatabase } from '../../test/support/test-databases.ts';
import { Store } from './store.ts';

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`users repository on ${backend.name}`, () => {
    let database: TestDatabase;
    let store: Store;

    const addUser = (username: string, role: 'user' | 'admin' | 'root' = 'user') =>
      store.users.create({ username, passwordHash: 'h', role });

    beforeAll(async () => {
      database = await backend.create!();
      store = await Store.open(database.url);
    });
    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    it('finds a taken name in any case', async () => {
      await addUser('Mixed.Case');
      expect(await store.users.usernameTaken('mixed.case')).toBe(true);
      expect(await store.users.usernameTaken('MIXED.CASE')).toBe(true);
      expect(await store.users.usernameTaken('mixed.cas')).toBe(false);
      // Login names stay exact.
      expect(await store.users.findByUsername('mixed.case')).toBeUndefined();
    });

    it('searches with LIKE wildcards taken literally', async () => {
      await addUser('wild_card');
      await addUser('wildXcard');
      await addUser('wild%pct');
      const names = async (search: string) =>
        (await store.users.list({ search, limit: 50 })).map((user) => user.username);
      expect(await names('wild_')).toEqual(['wild_card']);
      expect(await names('d%p')).toEqual(['wild%pct']);
      expect(await names('WILD')).toEqual(['wild_card', 'wildXcard', 'wild%pct']);
      expect(await names('!')).toEqual([]);
    });

    it('keeps one enabled root, even when two roots demote each other at once', async () => {
      const first = await addUser('root-a', 'root');
      const second = await addUser('root-b', 'root');
      // Any other enabled roots from earlier tests would make this moot.
      expect(await store.users.countByRole('root')).toBe(2);
      const results = await Promise.all([
        store.users.update(first, { role: 'admin' }),
        store.users.update(second, { role: 'admin' }),
      ]);
      expect(results.sort()).toEqual(['done', 'last-root']);
      expect(await store.users.countByRole('root')).toBe(1);

      const [remaining] = (await store.users.list({ role: 'root', limit: 10 })).map((user) => user.id);
      expect(await store.users.update(remaining!, { enabled: 0 })).toBe('last-root');
      expect(await store.users.softDelete(remaining!)).toBe('last-root');
      expect(await store.users.update(remaining!, { group_name: 'vip' })).toBe('done');
    });

    it('deletes softly: the row stays, keys and sessions go, the name stays taken', async () => {
      const id = await addUser('leaving');
      await store.sessions.create('session-of-leaving', id, Date.now() + 60_000);
      await store.apiKeys.create({
        userId: id,
        name: 'k',
        keyHash: 'b'.repeat(64),
        masked: 'sk-bbbb…bbbb',
        models: null,
        expiresAt: null,
      });
      expect(await store.users.softDelete(id)).toBe('done');
      expect(await store.users.softDelete(id)).toBe('not-found');
      expect(await store.users.update(id, { enabled: 1 })).toBe('not-found');
      expect((await store.users.findById(id))?.deleted_at).toEqual(expect.any(Number));
      expect(await store.users.findActive(id)).toBeUndefined();
      expect(await store.users.findByUsername('leaving')).toBeUndefined();
      expect(await store.users.usernameTaken('leaving')).toBe(true);
      expect(await store.sessions.findUser('session-of-leaving', Date.now())).toBeUndefined();
      expect(await store.apiKeys.findByHash('b'.repeat(64))).toBeUndefined();
      expect((await store.users.list({ search: 'leaving', limit: 10 })).length).toBe(0);
    });

    it('ends all sessions of a user but the one kept', async () => {
      const id = await addUser('sessions');
      for (const hash of ['s1', 's2', 's3']) await store.sessions.create(hash, id, Date.now() + 60_000);
      expect(await store.sessions.deleteByUser(id, 's2')).toBe(2);
      expect(await store.sessions.findUser('s1', Date.now())).toBeUndefined();
      expect((await store.sessions.findUser('s2', Date.now()))?.id).toBe(id);
      expect(await store.sessions.deleteByUser(id)).toBe(1);
    });

    it('stores key restrictions and reads them back', async () => {
      const id = await addUser('key-owner');
      const keyId = await store.apiKeys.create({
        userId: id,
        name: 'restricted',
        keyHash: 'c'.repeat(64),
        masked: 'sk-cccc…cccc',
        models: ['m'],
        expiresAt: null,
        creditLimit: 1_000_000_000_000,
        rpm: 10,
        tpm: 2_000_000_000,
        scopes: ['llm-chat'],
        allowIps: ['10.0.0.0/8', '2001:db8::/32'],
      });
      expect(await store.apiKeys.findByHash('c'.repeat(64))).toMatchObject({
        id: keyId,
        credit_limit: 1_000_000_000_000,
        rpm: 10,
        tpm: 2_000_000_000,
        scopes: '["llm-chat"]',
        allow_ips: '["10.0.0.0/8","2001:db8::/32"]',
        enabled: 1,
      });
      expect(await store.apiKeys.updateOwned(keyId, id + 1000, { name: 'stolen' })).toBe(false);
      expect(await store.apiKeys.updateOwned(keyId, id, { name: 'restricted' })).toBe(true);
    });

    it('keeps operator settings', async () => {
      expect(await store.settings.get('signup_credits')).toBeUndefined();
      await store.settings.set(new Map([['signup_credits', '5']]));
      await store.settings.set(new Map([['signup_credits', '7']]));
      expect(await store.settings.get('signup_credits')).toBe('7');
      expect(await store.settings.getAll()).toEqual(new Map([['signup_credits', '7']]));
    });
  });
}
