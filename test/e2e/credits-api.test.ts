import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';
import { send, expectFailure, type Data, expectOk } from '../support/management-calls.ts';

/**
 * Credits on the management API: top-ups and adjustments, the ledger and who may read it, signup
 * credits, redemption codes, groups and plans, and model prices.
 */

interface LedgerEntry {
  id: number;
  kind: string;
  amount: number;
  token_id: number | null;
  request_id: string | null;
  note: string | null;
  created_at: string;
}

const password = 'a-good-password-1';

const sum = (entries: readonly LedgerEntry[]): number =>
  entries.reduce((total, entry) => total + entry.amount, 0);

const isoTime = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const day = 86_400_000;

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`credits API on ${backend.name}`, () => {
    let database: TestDatabase;
    let test: TestGateway;
    let counter = 0;

    const call = (method: string, path: string, options?: Parameters<typeof send>[3]) =>
      send(test.url, method, path, options);
    const root = (method: string, path: string, json?: unknown) =>
      call(method, path, { token: test.adminToken, json });
    const as = (token: string) => (method: string, path: string, json?: unknown) =>
      call(method, path, { token, json });
    const login = async (username: string) => {
      const result = await call('POST', '/api/user/login', { json: { username, password } });
      return String(expectOk(result).token);
    };
    /** A new user of `role` (created by root) with a live session. */
    const newUser = async (role: 'user' | 'admin' = 'user') => {
      counter += 1;
      const username = `c${counter}-${role}`;
      const id = Number(expectOk(await root('POST', '/api/user/', { username, password, role })).id);
      return { id, username, token: await login(username) };
    };
    /** Every ledger row of a user (admin view), newest first, following the pages. */
    const ledgerOf = async (userId: number): Promise<LedgerEntry[]> => {
      const entries: LedgerEntry[] = [];
      let before = '';
      for (;;) {
        const page = expectOk(await root('GET', `/api/user/${userId}/ledger?limit=200${before}`));
        entries.push(...(page.items as LedgerEntry[]));
        if (page.next_before_id === null) return entries;
        before = `&before_id=${String(page.next_before_id)}`;
      }
    };
    const balanceOf = async (userId: number): Promise<number> =>
      Number(expectOk(await root('GET', `/api/user/${userId}`)).balance);

    beforeAll(async () => {
      database = await backend.create!();
      test = await startTestGateway({
        databaseUrl: database.url,
        env: { LOGIN_MAX_FAILURES: '1000', LOGIN_MAX_FAILURES_PER_IP: '1000' },
      });
    });
    afterAll(async () => {
      await test?.close();
      await database?.drop();
    });

    describe('top-ups and adjustments', () => {
      it('adds a top-up to the balance with a top_up ledger row the user sees too', async () => {
        const user = await newUser();
        expect(await balanceOf(user.id)).toBe(0);
        const topped = expectOk(
          await root('PUT', `/api/user/${user.id}`, { top_up: 5_000_000, note: 'invoice 42' }),
        );
        expect(topped).toMatchObject({ id: user.id, balance: 5_000_000, plan: null, plan_expires_at: null });
        const entries = await ledgerOf(user.id);
        expect(entries).toEqual([
          {
            id: expect.any(Number),
            kind: 'top_up',
            amount: 5_000_000,
            token_id: null,
            request_id: null,
            note: 'invoice 42',
            created_at: isoTime,
          },
        ]);
        expect(expectOk(await as(user.token)('GET', '/api/user/self'))).toMatchObject({ balance: 5_000_000 });
        expect(expectOk(await as(user.token)('GET', '/api/user/self/ledger'))).toEqual({
          items: entries,
          next_before_id: null,
        });
      });

      it('takes a negative adjustment down to zero at most, recording what was taken; rows sum to the balance', async () => {
        const user = await newUser();
        expectOk(await root('PUT', `/api/user/${user.id}`, { top_up: 3_000_000 }));
        const taken = expectOk(
          await root('PUT', `/api/user/${user.id}`, { adjustment: -1_000_000, note: 'refund' }),
        );
        expect(taken.balance).toBe(2_000_000);
        expect(expectOk(await root('PUT', `/api/user/${user.id}`, { adjustment: -9_000_000 })).balance).toBe(
          0,
        );
        expect(expectOk(await root('PUT', `/api/user/${user.id}`, { adjustment: 250 })).balance).toBe(250);
        // Both in one call: two rows, the top-up first.
        const both = expectOk(
          await root('PUT', `/api/user/${user.id}`, { top_up: 1_000, adjustment: -50, note: 'both' }),
        );
        expect(both.balance).toBe(1_200);
        // A zero adjustment changes nothing and writes no row.
        expectOk(await root('PUT', `/api/user/${user.id}`, { adjustment: 0 }));

        const entries = await ledgerOf(user.id);
        expect(entries.map((entry) => [entry.kind, entry.amount, entry.note])).toEqual([
          ['adjustment', -50, 'both'],
          ['top_up', 1_000, 'both'],
          ['adjustment', 250, null],
          ['adjustment', -2_000_000, null],
          ['adjustment', -1_000_000, 'refund'],
          ['top_up', 3_000_000, null],
        ]);
        expect(sum(entries)).toBe(1_200);
        expect(await balanceOf(user.id)).toBe(1_200);
      });

      it('lets the only root top itself up (a change that keeps it root is no last-root conflict)', async () => {
        const self = expectOk(await root('GET', '/api/user/self'));
        const rootId = Number(self.id);
        const start = Number(self.balance);
        expect(expectOk(await root('PUT', `/api/user/${rootId}`, { top_up: 42, note: 'own' })).balance).toBe(
          start + 42,
        );
        expect(expectOk(await root('PUT', `/api/user/${rootId}`, { display_name: 'Root' }))).toMatchObject({
          role: 'root',
          enabled: true,
          display_name: 'Root',
        });
        expectFailure(await root('PUT', `/api/user/${rootId}`, { enabled: false }), 409, 'last enabled root');
        expect(sum(await ledgerOf(rootId))).toBe(await balanceOf(rootId));
      });

      it('pages the ledger by before_id, newest first', async () => {
        const user = await newUser();
        for (const amount of [1, 2, 3, 4, 5]) {
          expectOk(await root('PUT', `/api/user/${user.id}`, { top_up: amount }));
        }
        const self = as(user.token);
        const first = expectOk(await self('GET', '/api/user/self/ledger?limit=2'));
        expect((first.items as LedgerEntry[]).map((entry) => entry.amount)).toEqual([5, 4]);
        expect(first.next_before_id).toBe((first.items as LedgerEntry[])[1]!.id);
        const second = expectOk(
          await self('GET', `/api/user/self/ledger?limit=2&before_id=${String(first.next_before_id)}`),
        );
        expect((second.items as LedgerEntry[]).map((entry) => entry.amount)).toEqual([3, 2]);
        const third = expectOk(
          await self('GET', `/api/user/self/ledger?limit=2&before_id=${String(second.next_before_id)}`),
        );
        expect((third.items as LedgerEntry[]).map((entry) => entry.amount)).toEqual([1]);
        expect(third.next_before_id).toBeNull();
        expect(sum(await ledgerOf(user.id))).toBe(15);
      });

      it.each([
        [{ top_up: 0 }, 'top_up'],
        [{ top_up: -5 }, 'top_up'],
        [{ top_up: 1.5 }, 'top_up'],
        [{ top_up: '100' }, 'top_up'],
        [{ top_up: null }, 'top_up'],
        [{ top_up: 1e16 }, 'top_up'],
        [{ top_up: 1e300 }, 'top_up'],
        [{ top_up: Number.MAX_SAFE_INTEGER + 2 }, 'top_up'],
        [{ adjustment: 0.5 }, 'adjustment'],
        [{ adjustment: '-5' }, 'adjustment'],
        [{ adjustment: -1e16 }, 'adjustment'],
        [{ adjustment: 1e300 }, 'adjustment'],
        [{ top_up: 5, note: 42 }, 'note'],
        [{ top_up: 5, note: 'x'.repeat(256) }, 'note'],
        [{ top_up: 5, balance: 1_000_000 }, 'balance'],
        [{ credits: 5 }, 'credits'],
      ])('refuses %j with 422 naming the field, changing nothing', async (json, field) => {
        const user = await newUser();
        expectOk(await root('PUT', `/api/user/${user.id}`, { top_up: 7 }));
        expectFailure(await root('PUT', `/api/user/${user.id}`, json), 422, field);
        expect(await balanceOf(user.id)).toBe(7);
        expect((await ledgerOf(user.id)).length).toBe(1);
      });

      it('lets only admins top up: a user cannot top up themself or anyone; unknown users are 404', async () => {
        const user = await newUser();
        const other = await newUser();
        expectFailure(await as(user.token)('PUT', `/api/user/${user.id}`, { top_up: 1_000_000 }), 403);
        expectFailure(await as(user.token)('PUT', `/api/user/${other.id}`, { adjustment: 1 }), 403);
        expectFailure(await call('PUT', `/api/user/${user.id}`, { json: { top_up: 1 } }), 401);
        expectFailure(await as(user.token)('PUT', '/api/user/self', { top_up: 1 }), 422, 'top_up');
        expect(await balanceOf(user.id)).toBe(0);
        expect(await balanceOf(other.id)).toBe(0);
        expectFailure(await root('PUT', '/api/user/99999999', { top_up: 1 }), 404);
        // An admin may top up plain users but not other admins (only root may).
        const admin = await newUser('admin');
        expect(expectOk(await as(admin.token)('PUT', `/api/user/${user.id}`, { top_up: 9 })).balance).toBe(9);
        const otherAdmin = await newUser('admin');
        expectFailure(await as(admin.token)('PUT', `/api/user/${otherAdmin.id}`, { top_up: 9 }), 403);
        expect(await balanceOf(otherAdmin.id)).toBe(0);
      });
    });

    describe('ledger isolation', () => {
      it('shows users only their own rows: another user’s ledger is 403, the admin route too', async () => {
        const alice = await newUser();
        const bob = await newUser();
        expectOk(await root('PUT', `/api/user/${alice.id}`, { top_up: 100 }));
        expectOk(await root('PUT', `/api/user/${bob.id}`, { top_up: 200 }));
        expectFailure(await as(alice.token)('GET', `/api/user/${bob.id}/ledger`), 403);
        expectFailure(await as(alice.token)('GET', `/api/user/${alice.id}/ledger`), 403);
        expectFailure(await call('GET', '/api/user/self/ledger'), 401);
        expectFailure(await call('GET', `/api/user/${bob.id}/ledger`), 401);
        const own = expectOk(await as(alice.token)('GET', '/api/user/self/ledger'));
        expect((own.items as LedgerEntry[]).map((entry) => entry.amount)).toEqual([100]);
        const bobs = expectOk(await as(bob.token)('GET', '/api/user/self/ledger'));
        expect((bobs.items as LedgerEntry[]).map((entry) => entry.amount)).toEqual([200]);
      });

      it('answers an unknown user id on the admin route with 404', async () => {
        for (const id of ['99999999', 'abc', '0', '-1', '1.5']) {
          expectFailure(await root('GET', `/api/user/${id}/ledger`), 404);
        }
      });

      it.each([
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
        ['limit=x', 'limit'],
        ['before_id=-1', 'before_id'],
        ['before_id=1e3', 'before_id'],
        ['before_id=99999999999999999999', 'before_id'],
        ['user_id=2', 'user_id'],
      ])('refuses the query %s with 422 naming the parameter', async (query, field) => {
        expectFailure(await root('GET', `/api/user/self/ledger?${query}`), 422, field);
        expectFailure(await root('GET', `/api/user/1/ledger?${query}`), 422, field);
      });
    });

    describe('signup credits', () => {
      it('grants signup_credits at registration through the ledger', async () => {
        expectOk(await root('PUT', '/api/setting/', { signup_credits: 2_500_000 }));
        const registered = expectOk(
          await call('POST', '/api/user/register', { json: { username: 'signup-one', password } }),
        );
        expect(registered).toMatchObject({ balance: 2_500_000, plan: null, plan_expires_at: null });
        const token = await login('signup-one');
        const own = expectOk(await as(token)('GET', '/api/user/self/ledger'));
        expect(own.items).toEqual([
          {
            id: expect.any(Number),
            kind: 'signup',
            amount: 2_500_000,
            token_id: null,
            request_id: null,
            note: null,
            created_at: isoTime,
          },
        ]);

        expectOk(await root('PUT', '/api/setting/', { signup_credits: 0 }));
        const none = expectOk(
          await call('POST', '/api/user/register', { json: { username: 'signup-two', password } }),
        );
        expect(none.balance).toBe(0);
        expect(await ledgerOf(Number(none.id))).toEqual([]);
      });

      it('does not grant signup credits to users an admin creates', async () => {
        expectOk(await root('PUT', '/api/setting/', { signup_credits: 1_000 }));
        try {
          const created = expectOk(await root('POST', '/api/user/', { username: 'made-by-admin', password }));
          expect(created.balance).toBe(0);
        } finally {
          expectOk(await root('PUT', '/api/setting/', { signup_credits: 0 }));
        }
      });
    });

    describe('redemption codes', () => {
      const createCodes = async (json: Data): Promise<Data[]> =>
        expectOk(await root('POST', '/api/redemption/', json)) as unknown as Data[];

      it('creates codes shown once, and lets a user redeem one exactly once', async () => {
        const codes = await createCodes({ name: 'launch', amount: 3_000_000, count: 3 });
        expect(codes).toHaveLength(3);
        for (const code of codes) {
          expect(code).toEqual({
            id: expect.any(Number),
            code: expect.stringMatching(/^rc-[A-Za-z0-9]{32}$/),
            name: 'launch',
            amount: 3_000_000,
            expires_at: null,
          });
        }
        expect(new Set(codes.map((code) => code.code)).size).toBe(3);

        const listed = await root('GET', '/api/redemption/?redeemed=false');
        const items = expectOk(listed).items as Data[];
        for (const code of codes) {
          expect(listed.text).not.toContain(String(code.code));
          expect(items.find((item) => item.id === code.id)).toEqual({
            id: code.id,
            name: 'launch',
            masked: `${String(code.code).slice(0, 7)}…${String(code.code).slice(-4)}`,
            amount: 3_000_000,
            created_by: expect.any(Number),
            created_at: isoTime,
            expires_at: null,
            redeemed_by: null,
            redeemed_at: null,
          });
        }

        const user = await newUser();
        const redeemed = expectOk(
          await as(user.token)('POST', '/api/user/redeem', { code: ` ${String(codes[0]!.code)} ` }),
        );
        expect(redeemed).toEqual({ amount: 3_000_000, balance: 3_000_000 });
        expect(await balanceOf(user.id)).toBe(3_000_000);
        const entries = await ledgerOf(user.id);
        expect(entries.map((entry) => [entry.kind, entry.amount])).toEqual([['redemption', 3_000_000]]);

        expectFailure(
          await as(user.token)('POST', '/api/user/redeem', { code: codes[0]!.code }),
          404,
          'redemption code',
        );
        const other = await newUser();
        expectFailure(await as(other.token)('POST', '/api/user/redeem', { code: codes[0]!.code }), 404);
        expect(await balanceOf(user.id)).toBe(3_000_000);
        expect(await balanceOf(other.id)).toBe(0);

        const used = expectOk(await root('GET', '/api/redemption/?redeemed=true')).items as Data[];
        expect(used.find((item) => item.id === codes[0]!.id)).toMatchObject({
          redeemed_by: user.id,
          redeemed_at: isoTime,
        });
        const open = expectOk(await root('GET', '/api/redemption/?redeemed=false')).items as Data[];
        expect(open.map((item) => item.id)).not.toContain(codes[0]!.id);
        expect(open.map((item) => item.id)).toEqual(expect.arrayContaining([codes[1]!.id, codes[2]!.id]));
      });

      it('lets exactly one of two users redeem a code they race for', async () => {
        for (let round = 0; round < 3; round += 1) {
          const [code] = await createCodes({ name: 'race', amount: 500 });
          const first = await newUser();
          const second = await newUser();
          const results = await Promise.all(
            [first, second].map((user) => as(user.token)('POST', '/api/user/redeem', { code: code!.code })),
          );
          expect(results.map((result) => result.status).sort()).toEqual([200, 404]);
          const balances = [await balanceOf(first.id), await balanceOf(second.id)];
          expect(balances.sort()).toEqual([0, 500]);
          const rows = [...(await ledgerOf(first.id)), ...(await ledgerOf(second.id))];
          expect(rows.map((row) => [row.kind, row.amount])).toEqual([['redemption', 500]]);
        }
      });

      it('refuses an expired code with 404, and takes a future expiry', async () => {
        const [soon] = await createCodes({
          name: 'soon',
          amount: 10,
          expires_at: new Date(Date.now() + day).toISOString(),
        });
        expect(soon!.expires_at).toEqual(isoTime);
        await test.gateway.store.db
          .updateTable('redemption_codes')
          .set({ expires_at: Date.now() - 1_000 })
          .where('id', '=', Number(soon!.id))
          .execute();
        const user = await newUser();
        expectFailure(await as(user.token)('POST', '/api/user/redeem', { code: soon!.code }), 404);
        expect(await balanceOf(user.id)).toBe(0);
        expect(await ledgerOf(user.id)).toEqual([]);
      });

      it('refuses codes nobody created with 404', async () => {
        const user = await newUser();
        for (const code of ['rc-notarealcode', 'x', 'rc-' + 'A'.repeat(32)]) {
          expectFailure(await as(user.token)('POST', '/api/user/redeem', { code }), 404, 'code');
        }
      });

      it('deletes an unused code (it can no longer be redeemed), never a used one', async () => {
        const [unused, used] = await createCodes({ name: 'delete-me', amount: 1, count: 2 });
        const user = await newUser();
        expectOk(await as(user.token)('POST', '/api/user/redeem', { code: used!.code }));
        expect(expectOk(await root('DELETE', `/api/redemption/${String(unused!.id)}`))).toBeNull();
        expectFailure(await as(user.token)('POST', '/api/user/redeem', { code: unused!.code }), 404);
        expectFailure(await root('DELETE', `/api/redemption/${String(unused!.id)}`), 404);
        expectFailure(await root('DELETE', `/api/redemption/${String(used!.id)}`), 404);
        for (const id of ['abc', '0', '99999999']) {
          expectFailure(await root('DELETE', `/api/redemption/${id}`), 404);
        }
        expect(await balanceOf(user.id)).toBe(1);
      });

      it('keeps code management to admins', async () => {
        const user = await newUser();
        const self = as(user.token);
        expectFailure(await self('POST', '/api/redemption/', { name: 'mine', amount: 1_000_000 }), 403);
        expectFailure(await self('GET', '/api/redemption/'), 403);
        const [code] = await createCodes({ name: 'admin-only', amount: 1 });
        expectFailure(await self('DELETE', `/api/redemption/${String(code!.id)}`), 403);
        expectFailure(await call('POST', '/api/redemption/', { json: { name: 'x', amount: 1 } }), 401);
        expectFailure(await call('POST', '/api/user/redeem', { json: { code: code!.code } }), 401);
        // The refused calls made nothing: the code is still there to redeem.
        expectOk(await self('POST', '/api/user/redeem', { code: code!.code }));
      });

      it('pages the code list', async () => {
        await createCodes({ name: 'page', amount: 1, count: 3 });
        const first = expectOk(await root('GET', '/api/redemption/?limit=2'));
        expect(first.items).toHaveLength(2);
        expect(first.next_before_id).toBe((first.items as Data[])[1]!.id);
        const second = expectOk(
          await root('GET', `/api/redemption/?limit=2&before_id=${String(first.next_before_id)}`),
        );
        expect(Number((second.items as Data[])[0]!.id)).toBeLessThan(Number(first.next_before_id));
      });

      it.each([
        [{ amount: 1 }, 'name'],
        [{ name: '', amount: 1 }, 'name'],
        [{ name: 'x' }, 'amount'],
        [{ name: 'x', amount: 0 }, 'amount'],
        [{ name: 'x', amount: -1 }, 'amount'],
        [{ name: 'x', amount: 1.5 }, 'amount'],
        [{ name: 'x', amount: '100' }, 'amount'],
        [{ name: 'x', amount: 1e16 }, 'amount'],
        [{ name: 'x', amount: 1e300 }, 'amount'],
        [{ name: 'x', amount: 1, count: 0 }, 'count'],
        [{ name: 'x', amount: 1, count: 101 }, 'count'],
        [{ name: 'x', amount: 1, count: 2.5 }, 'count'],
        [{ name: 'x', amount: 1, count: 1e9 }, 'count'],
        [{ name: 'x', amount: 1, expires_at: 'tomorrow' }, 'expires_at'],
        [{ name: 'x', amount: 1, expires_at: -1 }, 'expires_at'],
        [{ name: 'x', amount: 1, code: 'rc-chosen' }, 'code'],
      ])('refuses creating %j with 422 naming the field', async (json, field) => {
        const before = expectOk(await root('GET', '/api/redemption/?limit=200')).items as Data[];
        expectFailure(await root('POST', '/api/redemption/', json), 422, field);
        expect(expectOk(await root('GET', '/api/redemption/?limit=200')).items).toEqual(before);
      });

      it.each([
        [{}, 'code'],
        [{ code: 42 }, 'code'],
        [{ code: '' }, 'code'],
        [{ code: 'x'.repeat(129) }, 'code'],
        [{ code: 'rc-x', user_id: 1 }, 'user_id'],
      ])('refuses redeeming %j with 422 naming the field', async (json, field) => {
        const user = await newUser();
        expectFailure(await as(user.token)('POST', '/api/user/redeem', json), 422, field);
      });

      it.each([
        ['redeemed=maybe', 'redeemed'],
        ['limit=0', 'limit'],
        ['limit=1000', 'limit'],
        ['before_id=x', 'before_id'],
        ['name=launch', 'name'],
      ])('refuses listing with %s with 422 naming the parameter', async (query, field) => {
        expectFailure(await root('GET', `/api/redemption/?${query}`), 422, field);
      });
    });

    describe('groups', () => {
      it('creates, replaces, lists and removes a group', async () => {
        const created = expectOk(
          await root('PUT', '/api/group/gold', { multiplier: 0.8, description: 'Twenty off' }),
        );
        expect(created).toEqual({
          name: 'gold',
          multiplier: 0.8,
          multiplier_ppm: 800_000,
          description: 'Twenty off',
        });
        expect(expectOk(await root('PUT', '/api/group/gold', { multiplier: 0 }))).toEqual({
          name: 'gold',
          multiplier: 0,
          multiplier_ppm: 0,
          description: null,
        });
        const listed = expectOk(await root('GET', '/api/group/')) as unknown as Data[];
        expect(listed.filter((group) => group.name === 'gold')).toEqual([
          { name: 'gold', multiplier: 0, multiplier_ppm: 0, description: null },
        ]);
        expect(expectOk(await root('DELETE', '/api/group/gold'))).toBeNull();
        const after = expectOk(await root('GET', '/api/group/')) as unknown as Data[];
        expect(after.map((group) => group.name)).not.toContain('gold');
      });

      it('answers unknown group names with 404', async () => {
        expectFailure(await root('DELETE', '/api/group/no-such-group'), 404, 'no-such-group');
        expectFailure(await root('DELETE', '/api/group/bad%20name'), 404);
      });

      it.each([
        [{}, 'multiplier'],
        [{ multiplier: -0.1 }, 'multiplier'],
        [{ multiplier: 1001 }, 'multiplier'],
        [{ multiplier: '1' }, 'multiplier'],
        [{ multiplier: null }, 'multiplier'],
        [{ multiplier: 1e300 }, 'multiplier'],
        [{ multiplier: 1, description: 5 }, 'description'],
        [{ multiplier: 1, description: 'x'.repeat(1001) }, 'description'],
        [{ multiplier: 1, name: 'other' }, 'name'],
      ])('refuses %j with 422 naming the field', async (json, field) => {
        expectFailure(await root('PUT', '/api/group/checked', json), 422, field);
        const listed = expectOk(await root('GET', '/api/group/')) as unknown as Data[];
        expect(listed.map((group) => group.name)).not.toContain('checked');
      });

      it('is for admins only', async () => {
        const user = await newUser();
        const self = as(user.token);
        expectFailure(await self('GET', '/api/group/'), 403);
        expectFailure(await self('PUT', '/api/group/mine', { multiplier: 0 }), 403);
        expectOk(await root('PUT', '/api/group/kept', { multiplier: 2 }));
        expectFailure(await self('DELETE', '/api/group/kept'), 403);
        expectFailure(await call('GET', '/api/group/'), 401);
        const listed = expectOk(await root('GET', '/api/group/')) as unknown as Data[];
        expect(listed.map((group) => group.name)).toContain('kept');
        expect(listed.map((group) => group.name)).not.toContain('mine');
      });
    });

    describe('plans', () => {
      it('creates, replaces, lists and removes a plan', async () => {
        const plan = {
          rpm: 60,
          tpm: 100_000,
          models: ['gpt-4o', 'gpt-4o-mini'],
          groups: null,
          duration_days: 30,
          description: 'Pro',
        };
        expect(expectOk(await root('PUT', '/api/plan/pro', plan))).toEqual({ name: 'pro', ...plan });
        const replaced = expectOk(await root('PUT', '/api/plan/pro', { rpm: 120, groups: ['default'] }));
        expect(replaced).toEqual({
          name: 'pro',
          rpm: 120,
          tpm: null,
          models: null,
          groups: ['default'],
          duration_days: null,
          description: null,
        });
        const listed = expectOk(await root('GET', '/api/plan/')) as unknown as Data[];
        expect(listed.filter((entry) => entry.name === 'pro')).toEqual([replaced]);
        expect(expectOk(await root('DELETE', '/api/plan/pro'))).toBeNull();
        expectFailure(await root('DELETE', '/api/plan/pro'), 404, 'pro');
        const after = expectOk(await root('GET', '/api/plan/')) as unknown as Data[];
        expect(after.map((entry) => entry.name)).not.toContain('pro');
      });

      it('answers unknown plan names with 404', async () => {
        expectFailure(await root('DELETE', '/api/plan/no-such-plan'), 404, 'no-such-plan');
      });

      it.each([
        [{ rpm: 0 }, 'rpm'],
        [{ rpm: 1.5 }, 'rpm'],
        [{ rpm: '60' }, 'rpm'],
        [{ rpm: 1e300 }, 'rpm'],
        [{ tpm: -1 }, 'tpm'],
        [{ models: 'gpt-4o' }, 'models'],
        [{ models: [''] }, 'models'],
        [{ models: [42] }, 'models'],
        [{ groups: [''] }, 'groups'],
        [{ duration_days: 0 }, 'duration_days'],
        [{ duration_days: 36_501 }, 'duration_days'],
        [{ duration_days: 'month' }, 'duration_days'],
        [{ description: 1 }, 'description'],
        [{ price: 5 }, 'price'],
      ])('refuses %j with 422 naming the field', async (json, field) => {
        expectFailure(await root('PUT', '/api/plan/checked', json), 422, field);
        const listed = expectOk(await root('GET', '/api/plan/')) as unknown as Data[];
        expect(listed.map((entry) => entry.name)).not.toContain('checked');
      });

      it('is for admins only', async () => {
        const user = await newUser();
        const self = as(user.token);
        expectFailure(await self('GET', '/api/plan/'), 403);
        expectFailure(await self('PUT', '/api/plan/mine', { rpm: 1_000_000 }), 403);
        expectFailure(await self('DELETE', '/api/plan/mine'), 403);
        expectFailure(await call('PUT', '/api/plan/mine', { json: {} }), 401);
      });

      it('puts a user on a plan: its duration sets the end unless given; null takes them off', async () => {
        expectOk(await root('PUT', '/api/plan/monthly', { rpm: 30, duration_days: 30 }));
        expectOk(await root('PUT', '/api/plan/forever', { rpm: 10 }));
        const user = await newUser();
        const before = Date.now();
        const monthly = expectOk(await root('PUT', `/api/user/${user.id}`, { plan: 'monthly' }));
        expect(monthly.plan).toBe('monthly');
        const ends = Date.parse(String(monthly.plan_expires_at));
        expect(ends).toBeGreaterThanOrEqual(before + 30 * day);
        expect(ends).toBeLessThanOrEqual(Date.now() + 30 * day);

        const given = expectOk(
          await root('PUT', `/api/user/${user.id}`, {
            plan: 'monthly',
            plan_expires_at: '2040-01-02T03:04:05Z',
          }),
        );
        expect(given).toMatchObject({ plan: 'monthly', plan_expires_at: '2040-01-02T03:04:05.000Z' });
        expect(
          expectOk(await root('PUT', `/api/user/${user.id}`, { plan_expires_at: 2_000_000_000 })),
        ).toMatchObject({ plan: 'monthly', plan_expires_at: new Date(2_000_000_000_000).toISOString() });
        expect(expectOk(await root('PUT', `/api/user/${user.id}`, { plan: 'forever' }))).toMatchObject({
          plan: 'forever',
          plan_expires_at: null,
        });
        expect(expectOk(await as(user.token)('GET', '/api/user/self'))).toMatchObject({
          plan: 'forever',
          plan_expires_at: null,
        });
        expect(expectOk(await root('PUT', `/api/user/${user.id}`, { plan: null }))).toMatchObject({
          plan: null,
          plan_expires_at: null,
        });
      });

      it.each([
        [{ plan: 'no-such-plan' }, 'plan'],
        [{ plan: 'bad name' }, 'plan'],
        [{ plan: 42 }, 'plan'],
        [{ plan: '' }, 'plan'],
        [{ plan_expires_at: 'someday' }, 'plan_expires_at'],
        [{ plan_expires_at: -5 }, 'plan_expires_at'],
        [{ plan_expires_at: 1e300 }, 'plan_expires_at'],
      ])('refuses the user change %j with 422 naming the field', async (json, field) => {
        const user = await newUser();
        expectFailure(await root('PUT', `/api/user/${user.id}`, json), 422, field);
        expect(expectOk(await root('GET', `/api/user/${user.id}`))).toMatchObject({
          plan: null,
          plan_expires_at: null,
        });
      });

      it('keeps the default plan as a setting, checked for its form', async () => {
        expectOk(await root('PUT', '/api/plan/starter', { rpm: 5 }));
        expect(expectOk(await root('PUT', '/api/setting/', { default_plan: 'starter' }))).toMatchObject({
          default_plan: 'starter',
        });
        expect(expectOk(await root('GET', '/api/setting/'))).toMatchObject({ default_plan: 'starter' });
        expectFailure(await root('PUT', '/api/setting/', { default_plan: 'bad name' }), 422, 'default_plan');
        expectFailure(await root('PUT', '/api/setting/', { default_plan: 5 }), 422, 'default_plan');
        expect(expectOk(await root('PUT', '/api/setting/', { default_plan: null }))).toMatchObject({
          default_plan: null,
        });
      });
    });

    describe('model prices', () => {
      const price = { per_request: 0, input: 2_500_000, cached_input: 1_250_000, output: 10_000_000 };

      it('prices a catalog model with a body of only price, without overriding it', async () => {
        expect(expectOk(await root('GET', '/api/model/gpt-4o'))).toMatchObject({
          id: 'gpt-4o',
          price: null,
          overridden: false,
        });
        const priced = expectOk(await root('PUT', '/api/model/gpt-4o', { price }));
        expect(priced).toMatchObject({ id: 'gpt-4o', price, overridden: false, built_in: true });
        expect(expectOk(await root('GET', '/api/model/gpt-4o'))).toMatchObject({ price, overridden: false });
        const listed = expectOk(await root('GET', '/api/model/')) as unknown as Data[];
        expect(listed.find((model) => model.id === 'gpt-4o')).toMatchObject({ price });
        expect(listed.find((model) => model.id === 'gpt-4o-mini')).toMatchObject({ price: null });

        // Fields left out are 0 (cached input: the input price, shown as null).
        expect(
          expectOk(await root('PUT', '/api/model/gpt-4o', { price: { per_request: 1_000 } })).price,
        ).toEqual({ per_request: 1_000, input: 0, cached_input: null, output: 0 });

        const removed = expectOk(await root('PUT', '/api/model/gpt-4o', { price: null }));
        expect(removed).toMatchObject({ price: null, overridden: false });
        expect(expectOk(await root('GET', '/api/model/gpt-4o')).price).toBeNull();
      });

      it('keeps the price when an override is written and removed', async () => {
        const written = expectOk(
          await root('PUT', '/api/model/gpt-4o-mini', { owned_by: 'acme', price: { output: 5 } }),
        );
        expect(written).toMatchObject({
          owned_by: 'acme',
          overridden: true,
          price: { per_request: 0, input: 0, cached_input: null, output: 5 },
        });
        const removed = expectOk(await root('DELETE', '/api/model/gpt-4o-mini'));
        expect(removed).toMatchObject({ overridden: false, owned_by: 'openai', price: { output: 5 } });
        expectOk(await root('PUT', '/api/model/gpt-4o-mini', { price: null }));
      });

      it('prices several models at once through PUT /api/model/', async () => {
        const written = expectOk(
          await root('PUT', '/api/model/', [
            { id: 'gpt-4o', price: { input: 1 } },
            { id: 'gpt-4o-mini', enabled: true },
          ]),
        ) as unknown as Data[];
        expect(written.map((model) => [model.id, model.price])).toEqual([
          ['gpt-4o', { per_request: 0, input: 1, cached_input: null, output: 0 }],
          ['gpt-4o-mini', null],
        ]);
        expectOk(await root('PUT', '/api/model/gpt-4o', { price: null }));
        expectOk(await root('DELETE', '/api/model/gpt-4o'));
        expectOk(await root('DELETE', '/api/model/gpt-4o-mini'));
      });

      it('answers pricing an unknown model with 404', async () => {
        expectFailure(await root('PUT', '/api/model/no-such-model', { price }), 404, 'no-such-model');
      });

      it.each([
        [{ price: 'free' }, 'price'],
        [{ price: 5 }, 'price'],
        [{ price: [] }, 'price'],
        [{ price: { input: -1 } }, 'price.input'],
        [{ price: { output: 1.5 } }, 'price.output'],
        [{ price: { per_request: '1' } }, 'price.per_request'],
        [{ price: { cached_input: 1e16 } }, 'price.cached_input'],
        [{ price: { input: 1e300 } }, 'price.input'],
        [{ price: { tokens: 1 } }, 'tokens'],
      ])('refuses %j with 422 naming the field, changing nothing', async (json, field) => {
        expectFailure(await root('PUT', '/api/model/gpt-4o', json), 422, field);
        expect(expectOk(await root('GET', '/api/model/gpt-4o'))).toMatchObject({
          price: null,
          overridden: false,
        });
      });

      it('is for admins only', async () => {
        const user = await newUser();
        expectFailure(await as(user.token)('PUT', '/api/model/gpt-4o', { price }), 403);
        expectFailure(await as(user.token)('GET', '/api/model/gpt-4o'), 403);
        expect(expectOk(await root('GET', '/api/model/gpt-4o')).price).toBeNull();
      });
    });
  });
}
