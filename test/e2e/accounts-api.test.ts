import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';
import { send, expectFailure, type Data, expectOk } from '../support/management-calls.ts';

/** Users, sessions, keys and settings on the management API: who may do what to whom. */

const password = 'a-good-password-1';

/** Bodies no JSON route may answer with 2xx or 5xx. */
const malformedBodies = ['{"name": "x", ', 'not json', '[]', '"text"', '42'];

const huge = 'x'.repeat(1_000_000);

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`accounts API on ${backend.name}`, () => {
    let database: TestDatabase;
    let test: TestGateway;
    let rootId: number;
    let counter = 0;

    const call = (method: string, path: string, options?: Parameters<typeof send>[3]) =>
      send(test.url, method, path, options);
    const root = (method: string, path: string, json?: unknown) =>
      call(method, path, { token: test.adminToken, json });
    const as = (token: string) => (method: string, path: string, json?: unknown) =>
      call(method, path, { token, json });
    const login = async (username: string, secret = password) => {
      const result = await call('POST', '/api/user/login', { json: { username, password: secret } });
      return result.status === 200 ? String((result.body.data as Data).token) : undefined;
    };
    /** A new user of `role` (created by root) with a live session. */
    const newUser = async (role: 'user' | 'admin' | 'root' = 'user', prefix = 'u') => {
      counter += 1;
      const username = `${prefix}${counter}-${role}`;
      const id = Number(expectOk(await root('POST', '/api/user/', { username, password, role })).id);
      return { id, username, token: (await login(username))! };
    };

    beforeAll(async () => {
      database = await backend.create!();
      test = await startTestGateway({
        databaseUrl: database.url,
        env: { LOGIN_MAX_FAILURES: '1000', LOGIN_MAX_FAILURES_PER_IP: '1000' },
      });
      rootId = Number(expectOk(await root('GET', '/api/user/self')).id);
    });
    afterAll(async () => {
      await test?.close();
      await database?.drop();
    });

    describe('registration', () => {
      it('creates a plain user who can log in and read their profile', async () => {
        const registered = await call('POST', '/api/user/register', {
          json: { username: 'Carol.R', password, display_name: 'Carol R', email: 'carol@example.com' },
        });
        const data = expectOk(registered);
        expect(data).toEqual({
          id: expect.any(Number),
          username: 'Carol.R',
          display_name: 'Carol R',
          email: 'carol@example.com',
          role: 'user',
          group: 'default',
          enabled: true,
          balance: 0,
          plan: null,
          plan_expires_at: null,
          created_at: expect.any(String),
          updated_at: expect.any(String),
        });
        expect(registered.text).not.toContain(password);
        const token = await login('Carol.R');
        expect(token).toBeDefined();
        expect(expectOk(await as(token!)('GET', '/api/user/self'))).toMatchObject({
          id: data.id,
          role: 'user',
        });
      });

      it('refuses a taken name, in any case, with 409 naming the field', async () => {
        expectOk(await call('POST', '/api/user/register', { json: { username: 'dave', password } }));
        expectFailure(
          await call('POST', '/api/user/register', { json: { username: 'dave', password } }),
          409,
          'username',
        );
        expectFailure(
          await call('POST', '/api/user/register', { json: { username: 'DAVE', password } }),
          409,
          'username',
        );
        expectFailure(
          await call('POST', '/api/user/register', { json: { username: 'admin', password } }),
          409,
        );
      });

      it.each([
        ['a missing username', { password }, 'username'],
        ['a missing password', { username: 'erin' }, 'password'],
        ['a short username', { username: 'ab', password }, 'username'],
        ['a username with spaces', { username: 'er in', password }, 'username'],
        ['a username starting with a dot', { username: '.erin', password }, 'username'],
        ['a numeric username', { username: 12345, password }, 'username'],
        ['a huge username', { username: huge, password }, 'username'],
        ['a short password', { username: 'erin', password: 'short' }, 'password'],
        ['a huge password', { username: 'erin', password: huge }, 'password'],
        [
          'a password that is the username',
          { username: 'erin-password', password: 'ERIN-PASSWORD' },
          'password',
        ],
        ['a password that is a number', { username: 'erin', password: 12345678 }, 'password'],
        ['a bad email', { username: 'erin', password, email: 'not-an-email' }, 'email'],
        ['a blank display name', { username: 'erin', password, display_name: '   ' }, 'display_name'],
        ['a huge display name', { username: 'erin', password, display_name: huge }, 'display_name'],
        ['a role', { username: 'erin', password, role: 'admin' }, 'role'],
        ['a group', { username: 'erin', password, group: 'vip' }, 'group'],
      ])('refuses %s with 422 naming the field', async (_what, json, field) => {
        expectFailure(await call('POST', '/api/user/register', { json }), 422, field);
        expect(await login('erin')).toBeUndefined();
      });

      it('answers malformed bodies with 4xx', async () => {
        for (const rawBody of [...malformedBodies, 'null']) {
          const result = await call('POST', '/api/user/register', { rawBody });
          expect(result.status, rawBody).toBeGreaterThanOrEqual(400);
          expect(result.status, rawBody).toBeLessThan(500);
          expect(result.body).toMatchObject({ success: false, data: null });
        }
      });
    });

    describe('the profile', () => {
      it('changes the display name and email, and clears them with null', async () => {
        const user = await newUser();
        const self = as(user.token);
        expect(
          expectOk(await self('PUT', '/api/user/self', { display_name: ' Frank ', email: 'f@example.org' })),
        ).toMatchObject({
          display_name: 'Frank',
          email: 'f@example.org',
          role: 'user',
        });
        expect(expectOk(await self('PUT', '/api/user/self', { email: null }))).toMatchObject({
          display_name: 'Frank',
          email: null,
        });
        expect(expectOk(await self('GET', '/api/user/self'))).toMatchObject({
          display_name: 'Frank',
          email: null,
        });
      });

      it('changes the password only with the current one, and then ends the other sessions', async () => {
        const user = await newUser();
        const other = (await login(user.username))!;
        const self = as(user.token);
        expectFailure(
          await self('PUT', '/api/user/self', { password: 'new-password-22' }),
          422,
          'current_password',
        );
        expectFailure(await self('PUT', '/api/user/self', { current_password: password }), 422, 'password');
        expectFailure(
          await self('PUT', '/api/user/self', {
            password: 'new-password-22',
            current_password: 'wrong-password',
          }),
          403,
          'current_password',
        );
        expectFailure(
          await self('PUT', '/api/user/self', { password: 'short', current_password: password }),
          422,
          'password',
        );
        expect(await login(user.username)).toBeDefined();

        const changed = await self('PUT', '/api/user/self', {
          password: 'new-password-22',
          current_password: password,
        });
        expectOk(changed);
        expect(changed.text).not.toContain('new-password-22');
        expectFailure(await as(other)('GET', '/api/user/self'), 401);
        expectOk(await self('GET', '/api/user/self'));
        expect(await login(user.username)).toBeUndefined();
        expect(await login(user.username, 'new-password-22')).toBeDefined();
      });

      it('ends every other session on request, keeping the current one', async () => {
        const user = await newUser();
        const others = [(await login(user.username))!, (await login(user.username))!];
        const ended = expectOk(await as(user.token)('DELETE', '/api/user/self/sessions'));
        expect(ended).toEqual({ ended: 2 });
        for (const token of others) expectFailure(await as(token)('GET', '/api/user/self'), 401);
        expectOk(await as(user.token)('GET', '/api/user/self'));
      });

      it('refuses a role, group or unknown field on the own profile, and bad values', async () => {
        const user = await newUser();
        const self = as(user.token);
        expectFailure(await self('PUT', '/api/user/self', { role: 'root' }), 422, 'role');
        expectFailure(await self('PUT', '/api/user/self', { group: 'vip' }), 422, 'group');
        expectFailure(await self('PUT', '/api/user/self', { enabled: true }), 422, 'enabled');
        expectFailure(await self('PUT', '/api/user/self', { email: 42 }), 422, 'email');
        expectFailure(await self('PUT', '/api/user/self', { display_name: huge }), 422, 'display_name');
        expectFailure(await self('PUT', '/api/user/self', { email: `${huge}@example.com` }), 422, 'email');
        for (const rawBody of malformedBodies) {
          const result = await call('PUT', '/api/user/self', { token: user.token, rawBody });
          expect(result.status, rawBody).toBeGreaterThanOrEqual(400);
          expect(result.status, rawBody).toBeLessThan(500);
        }
        expect(expectOk(await self('GET', '/api/user/self'))).toMatchObject({
          role: 'user',
          group: 'default',
        });
        expectFailure(await call('PUT', '/api/user/self', { json: { display_name: 'x' } }), 401);
        expectFailure(await call('DELETE', '/api/user/self/sessions'), 401);
      });
    });

    describe('user administration', () => {
      it('answers a plain user with 403 on every admin route, changing nothing', async () => {
        const user = await newUser();
        const victim = await newUser();
        const self = as(user.token);
        expectFailure(await self('GET', '/api/user/'), 403);
        expectFailure(await self('GET', `/api/user/${victim.id}`), 403);
        expectFailure(await self('POST', '/api/user/', { username: 'sneaky', password }), 403);
        expectFailure(await self('PUT', `/api/user/${victim.id}`, { enabled: false }), 403);
        expectFailure(await self('PUT', `/api/user/${user.id}`, { role: 'root' }), 403);
        expectFailure(await self('DELETE', `/api/user/${victim.id}`), 403);
        expectFailure(await self('GET', '/api/setting/'), 403);
        expectFailure(await self('PUT', '/api/setting/', { signup_credits: 1 }), 403);
        expect(expectOk(await root('GET', `/api/user/${victim.id}`))).toMatchObject({ enabled: true });
        expect(expectOk(await self('GET', '/api/user/self'))).toMatchObject({ role: 'user' });
        expect(await login('sneaky')).toBeUndefined();
      });

      it('lets an admin manage plain users but not create, promote or change admins and roots', async () => {
        const admin = await newUser('admin');
        const otherAdmin = await newUser('admin');
        const act = as(admin.token);
        expectFailure(
          await act('POST', '/api/user/', { username: 'made-root', password, role: 'root' }),
          403,
          'root',
        );
        expectFailure(
          await act('POST', '/api/user/', { username: 'made-admin', password, role: 'admin' }),
          403,
        );
        expect(await login('made-root')).toBeUndefined();

        const made = expectOk(
          await act('POST', '/api/user/', { username: `plain-${backend.name}`, password, group: 'vip' }),
        );
        expect(made).toMatchObject({ role: 'user', group: 'vip' });
        expectFailure(await act('PUT', `/api/user/${made.id}`, { role: 'root' }), 403, 'root');
        expectFailure(await act('PUT', `/api/user/${made.id}`, { role: 'admin' }), 403);
        expect(
          expectOk(await act('PUT', `/api/user/${made.id}`, { group: 'default', enabled: false })),
        ).toMatchObject({
          role: 'user',
          group: 'default',
          enabled: false,
        });

        for (const target of [otherAdmin.id, rootId, admin.id]) {
          expectFailure(await act('PUT', `/api/user/${target}`, { enabled: false }), 403);
          expectFailure(await act('DELETE', `/api/user/${target}`), 403);
        }
        expectFailure(await act('PUT', `/api/user/${admin.id}`, { role: 'root' }), 403);
        expect(expectOk(await root('GET', `/api/user/${rootId}`))).toMatchObject({
          role: 'root',
          enabled: true,
        });
        expect(expectOk(await root('GET', `/api/user/${otherAdmin.id}`))).toMatchObject({
          role: 'admin',
          enabled: true,
        });
        // Reading is fine.
        expect(expectOk(await act('GET', `/api/user/${rootId}`))).toMatchObject({ role: 'root' });
      });

      it('lets root create, promote and demote admins and roots', async () => {
        const user = await newUser();
        expect(expectOk(await root('PUT', `/api/user/${user.id}`, { role: 'admin' }))).toMatchObject({
          role: 'admin',
        });
        expectOk(await as(user.token)('GET', '/api/user/'));
        expect(expectOk(await root('PUT', `/api/user/${user.id}`, { role: 'root' }))).toMatchObject({
          role: 'root',
        });
        expect(expectOk(await root('PUT', `/api/user/${user.id}`, { role: 'user' }))).toMatchObject({
          role: 'user',
        });
        expectFailure(await as(user.token)('GET', '/api/user/'), 403);
      });

      it('never removes the last enabled root', async () => {
        const roots = (expectOk(await root('GET', '/api/user/?role=root')).items as Data[]).filter(
          (u) => u.enabled,
        );
        expect(roots.map((u) => u.id)).toEqual([rootId]);
        expectFailure(await root('PUT', `/api/user/${rootId}`, { role: 'admin' }), 409, 'last enabled root');
        expectFailure(await root('PUT', `/api/user/${rootId}`, { enabled: false }), 409, 'last enabled root');
        expectFailure(await root('DELETE', `/api/user/${rootId}`), 409, 'last enabled root');
        expect(expectOk(await root('GET', '/api/user/self'))).toMatchObject({ role: 'root', enabled: true });

        // With a second root, one may go.
        const second = await newUser('root');
        expect(
          expectOk(await as(second.token)('PUT', `/api/user/${second.id}`, { role: 'admin' })),
        ).toMatchObject({
          role: 'admin',
        });
        expectFailure(await root('PUT', `/api/user/${rootId}`, { role: 'user' }), 409);
        // A disabled root does not count as the one that is left.
        const third = await newUser('root');
        expectOk(await root('PUT', `/api/user/${third.id}`, { enabled: false }));
        expectFailure(await root('DELETE', `/api/user/${rootId}`), 409);
      });

      it('searches by username, filters by role and pages by after_id', async () => {
        const prefix = `pg_${backend.name}`;
        const ids: number[] = [];
        for (const name of ['alpha', 'beta', 'gamma', 'delta', 'ALPHA2']) {
          ids.push(
            Number(
              expectOk(await root('POST', '/api/user/', { username: `${prefix}-${name}`, password })).id,
            ),
          );
        }
        const search = async (query: string) =>
          (expectOk(await root('GET', `/api/user/${query}`)).items as Data[]).map((u) => u.username);
        expect(await search(`?q=${prefix}-alpha`)).toEqual([`${prefix}-alpha`, `${prefix}-ALPHA2`]);
        expect(await search(`?q=${prefix.toUpperCase()}-GAMMA`)).toEqual([`${prefix}-gamma`]);
        // LIKE wildcards in the search are literal.
        expect(await search(`?q=${encodeURIComponent('%')}`)).toEqual([]);
        expect(await search(`?q=pg${encodeURIComponent('_')}${backend.name}-beta`)).toEqual([
          `${prefix}-beta`,
        ]);
        expect(await search(`?q=pgX${backend.name}`)).toEqual([]);

        const seen: string[] = [];
        let query = `?q=${prefix}&limit=2`;
        for (let page = 0; page < 10; page++) {
          const data = expectOk(await root('GET', `/api/user/${query}`));
          const items = data.items as Data[];
          expect(items.length).toBeLessThanOrEqual(2);
          seen.push(...items.map((u) => String(u.username)));
          if (data.next_after_id === null) break;
          query = `?q=${prefix}&limit=2&after_id=${String(data.next_after_id)}`;
        }
        expect(seen).toEqual(
          ['alpha', 'beta', 'gamma', 'delta', 'ALPHA2'].map((name) => `${prefix}-${name}`),
        );

        const admins = (expectOk(await root('GET', '/api/user/?role=admin')).items as Data[]).map(
          (u) => u.role,
        );
        expect(new Set(admins)).toEqual(new Set(['admin']));
        expect(JSON.stringify(await root('GET', '/api/user/'))).not.toContain('password');
      });

      it.each([
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
        ['limit=ten', 'limit'],
        ['after_id=-1', 'after_id'],
        ['role=superuser', 'role'],
        ['q=', 'q'],
        [`q=${'x'.repeat(65)}`, 'q'],
        ['colour=red', 'colour'],
      ])('refuses ?%s with 422 naming the field', async (query, field) => {
        expectFailure(await root('GET', `/api/user/?${query}`), 422, field);
      });

      it.each(['abc', '0', '99999999', '-1', '1.5', 'self2', '12345678901234567890'])(
        'answers user id %s with 404',
        async (id) => {
          expectFailure(await root('GET', `/api/user/${id}`), 404);
          expectFailure(await root('PUT', `/api/user/${id}`, { enabled: true }), 404);
          expectFailure(await root('DELETE', `/api/user/${id}`), 404);
        },
      );

      it("resets a password as admin and ends that user's sessions", async () => {
        const user = await newUser();
        expectOk(await root('PUT', `/api/user/${user.id}`, { password: 'reset-password-9' }));
        expectFailure(await as(user.token)('GET', '/api/user/self'), 401);
        expect(await login(user.username)).toBeUndefined();
        expect(await login(user.username, 'reset-password-9')).toBeDefined();
      });

      it('ends sessions of a disabled user at once and lets them back in when enabled', async () => {
        const user = await newUser();
        expectOk(await root('PUT', `/api/user/${user.id}`, { enabled: false }));
        expectFailure(await as(user.token)('GET', '/api/user/self'), 401);
        expectFailure(
          await call('POST', '/api/user/login', { json: { username: user.username, password } }),
          403,
          'disabled',
        );
        expectOk(await root('PUT', `/api/user/${user.id}`, { enabled: true }));
        expect(await login(user.username)).toBeDefined();
      });

      it('deletes a user softly: sessions and keys stop, login fails, the name stays taken', async () => {
        const user = await newUser();
        const key = await test.createKey({}, user.token);
        const models = () => fetch(`${test.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
        expect((await models()).status).toBe(200);
        const deleted = await root('DELETE', `/api/user/${user.id}`);
        expect(deleted.status, deleted.text).toBe(200);
        expect(deleted.body).toMatchObject({ success: true, data: null });
        expect((await models()).status).toBe(401);
        expectFailure(await as(user.token)('GET', '/api/user/self'), 401);
        expect(await login(user.username)).toBeUndefined();
        expectFailure(await root('GET', `/api/user/${user.id}`), 404);
        expectFailure(await root('DELETE', `/api/user/${user.id}`), 404);
        expectFailure(await root('PUT', `/api/user/${user.id}`, { enabled: true }), 404);
        const listed = (expectOk(await root('GET', `/api/user/?q=${user.username}`)).items as Data[]).length;
        expect(listed).toBe(0);
        expectFailure(
          await call('POST', '/api/user/register', { json: { username: user.username, password } }),
          409,
        );
      });

      const badCreates: [string, Record<string, unknown>, string][] = [
        ['a missing username', { password }, 'username'],
        ['a missing password', { username: 'newbie' }, 'password'],
        ['an unknown role', { username: 'newbie', password, role: 'owner' }, 'role'],
        ['a role that is a number', { username: 'newbie', password, role: 2 }, 'role'],
        ['a bad group', { username: 'newbie', password, group: 'has space' }, 'group'],
        ['a huge group', { username: 'newbie', password, group: huge }, 'group'],
        ['enabled as a string', { username: 'newbie', password, enabled: 'yes' }, 'enabled'],
        ['an unknown field', { username: 'newbie', password, credits: 100 }, 'credits'],
        ['a huge username', { username: huge, password }, 'username'],
      ];

      it.each(badCreates)('refuses a create with %s: 422 naming the field', async (_what, json, field) => {
        expectFailure(await root('POST', '/api/user/', json), 422, field);
      });

      it('refuses bad updates with 422 naming the field, and leaves the user as it was', async () => {
        const user = await newUser();
        for (const [json, field] of [
          [{ role: 'owner' }, 'role'],
          [{ enabled: 1 }, 'enabled'],
          [{ group: '' }, 'group'],
          [{ password: 'short' }, 'password'],
          [{ password: user.username }, 'password'],
          [{ username: 'renamed' }, 'username'],
          [{ display_name: 42 }, 'display_name'],
          [{ email: huge }, 'email'],
        ] as const) {
          expectFailure(await root('PUT', `/api/user/${user.id}`, json), 422, field);
        }
        for (const rawBody of malformedBodies) {
          for (const [method, path] of [
            ['POST', '/api/user/'],
            ['PUT', `/api/user/${user.id}`],
          ] as const) {
            const result = await call(method, path, { token: test.adminToken, rawBody });
            expect(result.status, `${method} ${rawBody}`).toBeGreaterThanOrEqual(400);
            expect(result.status, `${method} ${rawBody}`).toBeLessThan(500);
            expect(result.body).toMatchObject({ success: false, data: null });
          }
        }
        expect(expectOk(await root('GET', `/api/user/${user.id}`))).toMatchObject({
          username: user.username,
          role: 'user',
          group: 'default',
          enabled: true,
        });
      });
    });

    describe('API keys', () => {
      it('creates a key with every field, and shows them back', async () => {
        const user = await newUser();
        const expiresAt = new Date(Date.now() + 86_400_000);
        expiresAt.setMilliseconds(0);
        const created = expectOk(
          await as(user.token)('POST', '/api/token/', {
            name: 'full',
            models: ['gpt-4o'],
            expires_at: expiresAt.toISOString(),
            credit_limit: 5_000_000,
            rpm: 60,
            tpm: 100_000,
            scopes: ['llm-chat', 'llm-embeddings'],
            allow_ips: ['10.0.0.0/8', '2001:db8::/32', ' 192.0.2.1 '],
            enabled: false,
          }),
        );
        const expected = {
          id: created.id,
          name: 'full',
          key: expect.stringMatching(/^sk-\w{4}…\w{4}$/),
          models: ['gpt-4o'],
          expires_at: expiresAt.toISOString(),
          credit_limit: 5_000_000,
          credit_used: 0,
          rpm: 60,
          tpm: 100_000,
          scopes: ['llm-chat', 'llm-embeddings'],
          allow_ips: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'],
          enabled: false,
          created_at: expect.any(String),
          updated_at: expect.any(String),
        };
        expect(created).toEqual({ ...expected, key: expect.stringMatching(/^sk-[0-9A-Za-z]{48}$/) });
        expect(expectOk(await as(user.token)('GET', `/api/token/${String(created.id)}`))).toEqual(expected);
      });

      it('updates each field and clears the nullable ones', async () => {
        const user = await newUser();
        const act = as(user.token);
        const id = Number(expectOk(await act('POST', '/api/token/', { name: 'k' })).id);
        const changes = {
          name: 'renamed',
          models: ['a', 'b'],
          credit_limit: 0,
          rpm: 1,
          tpm: 2,
          scopes: ['llm-images'],
          allow_ips: ['::1'],
          enabled: false,
        };
        expect(expectOk(await act('PUT', `/api/token/${id}`, changes))).toMatchObject(changes);
        const cleared = {
          models: null,
          credit_limit: null,
          rpm: null,
          tpm: null,
          allow_ips: null,
          expires_at: null,
        };
        expect(expectOk(await act('PUT', `/api/token/${id}`, cleared))).toMatchObject({
          ...cleared,
          name: 'renamed',
        });
        // An empty update changes nothing.
        expect(expectOk(await act('PUT', `/api/token/${id}`, {}))).toMatchObject({
          name: 'renamed',
          scopes: ['llm-images'],
        });
      });

      it("keeps each user's keys to that user: listing, reading, updating, rotating and deleting by id", async () => {
        const alice = await newUser();
        const bob = await newUser();
        const admin = await newUser('admin');
        const created = expectOk(
          await as(alice.token)('POST', '/api/token/', { name: 'alice-key', models: ['m'] }),
        );
        const aliceKeyId = Number(created.id);
        const aliceSecret = String(created.key);
        const bobKeyId = Number(expectOk(await as(bob.token)('POST', '/api/token/', { name: 'bob-key' })).id);

        for (const intruder of [bob.token, admin.token, test.adminToken]) {
          const act = as(intruder);
          // The key, and ids around it: whatever exists is someone else's and looks absent.
          for (const id of [aliceKeyId, aliceKeyId + 1, aliceKeyId - 1]) {
            if (intruder === bob.token && id === bobKeyId) continue;
            expectFailure(await act('GET', `/api/token/${id}`), 404);
            expectFailure(await act('PUT', `/api/token/${id}`, { name: 'stolen', enabled: false }), 404);
            expectFailure(await act('POST', `/api/token/${id}/rotate`), 404);
            expectFailure(await act('DELETE', `/api/token/${id}`), 404);
          }
          const listed = expectOk(await act('GET', '/api/token/')) as unknown as Data[];
          expect(listed.map((key) => key.id)).not.toContain(aliceKeyId);
        }

        const own = expectOk(await as(alice.token)('GET', '/api/token/')) as unknown as Data[];
        expect(own).toEqual([expect.objectContaining({ id: aliceKeyId, name: 'alice-key', enabled: true })]);
        const models = await fetch(`${test.url}/v1/models`, {
          headers: { authorization: `Bearer ${aliceSecret}` },
        });
        expect(models.status).toBe(200);
      });

      it('rotates a key: the new secret is shown once, the masked form changes', async () => {
        const user = await newUser();
        const act = as(user.token);
        const created = expectOk(await act('POST', '/api/token/', { name: 'rot' }));
        const rotated = expectOk(await act('POST', `/api/token/${String(created.id)}/rotate`, {}));
        expect(rotated.id).toBe(created.id);
        expect(rotated.key).not.toBe(created.key);
        const read = expectOk(await act('GET', `/api/token/${String(created.id)}`));
        expect(read.key).toBe(`${String(rotated.key).slice(0, 7)}…${String(rotated.key).slice(-4)}`);
        expectFailure(
          await act('POST', `/api/token/${String(created.id)}/rotate`, { keep: true }),
          422,
          'keep',
        );
      });

      const badKeys: [string, Record<string, unknown>, string][] = [
        ['a missing name', {}, 'name'],
        ['a numeric name', { name: 7 }, 'name'],
        ['a huge name', { name: huge }, 'name'],
        ['models as a string', { name: 'k', models: 'gpt-4o' }, 'models'],
        ['a huge model name', { name: 'k', models: [huge] }, 'models'],
        ['an unknown scope', { name: 'k', scopes: ['llm-everything'] }, 'scopes'],
        ['no scopes', { name: 'k', scopes: [] }, 'scopes'],
        ['a repeated scope', { name: 'k', scopes: ['llm-chat', 'llm-chat'] }, 'scopes'],
        ['scopes as a string', { name: 'k', scopes: 'llm-all' }, 'scopes'],
        ['an address that is not one', { name: 'k', allow_ips: ['localhost'] }, 'allow_ips'],
        ['a CIDR with a bad prefix', { name: 'k', allow_ips: ['10.0.0.0/33'] }, 'allow_ips'],
        ['an IPv6 CIDR with a bad prefix', { name: 'k', allow_ips: ['2001:db8::/200'] }, 'allow_ips'],
        ['an empty address list', { name: 'k', allow_ips: [] }, 'allow_ips'],
        ['a huge address', { name: 'k', allow_ips: [huge] }, 'allow_ips'],
        [
          'too many addresses',
          { name: 'k', allow_ips: Array.from({ length: 101 }, () => '10.0.0.1') },
          'allow_ips',
        ],
        ['a negative credit limit', { name: 'k', credit_limit: -1 }, 'credit_limit'],
        ['a fractional credit limit', { name: 'k', credit_limit: 1.5 }, 'credit_limit'],
        ['a credit limit as text', { name: 'k', credit_limit: '100' }, 'credit_limit'],
        ['a zero rpm', { name: 'k', rpm: 0 }, 'rpm'],
        ['a huge tpm', { name: 'k', tpm: 1e12 }, 'tpm'],
        ['enabled as a string', { name: 'k', enabled: 'no' }, 'enabled'],
        ['an expiry in the past', { name: 'k', expires_at: 1000 }, 'expires_at'],
        ['an unknown field', { name: 'k', owner_id: 1 }, 'owner_id'],
      ];

      it.each(badKeys)('refuses a key with %s: 422 naming the field', async (_what, json, field) => {
        expectFailure(await root('POST', '/api/token/', json), 422, field);
      });

      it('refuses the same mistakes on update, and leaves the key as it was', async () => {
        const id = Number(expectOk(await root('POST', '/api/token/', { name: 'steady' })).id);
        for (const [, json, field] of badKeys) {
          if (Object.keys(json).length === 0) continue;
          const { name: _name, ...change } = json;
          const body = field === 'name' ? json : change;
          expectFailure(await root('PUT', `/api/token/${id}`, body), 422, field);
        }
        expectFailure(await root('PUT', `/api/token/${id}`, { name: null }), 422, 'name');
        expectFailure(await root('PUT', `/api/token/${id}`, { scopes: null }), 422, 'scopes');
        for (const rawBody of malformedBodies) {
          for (const [method, path] of [
            ['POST', '/api/token/'],
            ['PUT', `/api/token/${id}`],
            ['POST', `/api/token/${id}/rotate`],
          ] as const) {
            const result = await call(method, path, { token: test.adminToken, rawBody });
            expect(result.status, `${method} ${path} ${rawBody}`).toBeGreaterThanOrEqual(400);
            expect(result.status, `${method} ${path} ${rawBody}`).toBeLessThan(500);
            expect(result.body).toMatchObject({ success: false, data: null });
          }
        }
        expect(expectOk(await root('GET', `/api/token/${id}`))).toMatchObject({
          name: 'steady',
          scopes: ['llm-all'],
          allow_ips: null,
          enabled: true,
        });
      });

      it.each(['abc', '0', '99999999', '-1', '1.5', '1e3'])(
        'answers key id %s with 404 on update and rotate',
        async (id) => {
          expectFailure(await root('PUT', `/api/token/${id}`, { name: 'x' }), 404);
          expectFailure(await root('POST', `/api/token/${id}/rotate`), 404);
        },
      );
    });

    describe('settings', () => {
      it('stores signup_credits and default_plan, admins only', async () => {
        const bodies = { default_plan: null, log_bodies: false, log_body_max_bytes: 65_536 };
        expect(expectOk(await root('GET', '/api/setting/'))).toEqual({ signup_credits: 0, ...bodies });
        expect(expectOk(await root('PUT', '/api/setting/', { signup_credits: 5_000_000 }))).toEqual({
          signup_credits: 5_000_000,
          ...bodies,
        });
        const admin = await newUser('admin');
        expect(expectOk(await as(admin.token)('GET', '/api/setting/'))).toEqual({
          signup_credits: 5_000_000,
          ...bodies,
        });
        expect(expectOk(await root('PUT', '/api/setting/', {}))).toEqual({
          signup_credits: 5_000_000,
          ...bodies,
        });
        expectFailure(await call('GET', '/api/setting/'), 401);
      });

      it.each([
        [{ signup_credits: -1 }, 'signup_credits'],
        [{ signup_credits: 1.5 }, 'signup_credits'],
        [{ signup_credits: '100' }, 'signup_credits'],
        [{ signup_credits: null }, 'signup_credits'],
        [{ default_plan: 'not a plan name' }, 'default_plan'],
        [{ default_plan: 7 }, 'default_plan'],
        [{ registration: false }, 'registration'],
        [{ log_bodies: 'yes' }, 'log_bodies'],
        [{ log_body_max_bytes: 0 }, 'log_body_max_bytes'],
        [{ log_body_max_bytes: 5 * 1024 * 1024 }, 'log_body_max_bytes'],
      ])('refuses %j with 422 naming the field', async (json, field) => {
        expectFailure(await root('PUT', '/api/setting/', json), 422, field);
      });
    });
  });
}
