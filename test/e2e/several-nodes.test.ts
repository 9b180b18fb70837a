import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceRedisSkipped, testRedisUrl } from '../../src/cluster/redis/test-redis.test-support.ts';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { announceSkipped, testBackends, type TestDatabase } from '../support/test-databases.ts';
import { spawnGateway, type SpawnedGateway } from '../support/spawn-gateway.ts';
import { callManagementApi } from '../support/test-gateway.ts';
import {
  burstOfRequests,
  chatCall,
  createPayer,
  ledgerRows,
  ledgerSum,
  type ManagementClient,
} from './credits-scenarios.ts';

/**
 * Two Switchboard processes sharing one database and one Redis, as behind a load balancer: credits,
 * rate limits and key revocation must hold across both exactly as on one node.
 */
const adminPassword = 'two-nodes-password';

const api = callManagementApi;

/** Settlements are written in batches every few milliseconds: give both nodes time to write theirs. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 500));

announceRedisSkipped();
for (const backend of testBackends.filter((candidate) => candidate.name !== 'sqlite')) {
  announceSkipped(backend);
  describe.skipIf(!backend.create || !testRedisUrl)(`two nodes on ${backend.name} and Redis`, () => {
    let database: TestDatabase;
    let mock: MockUpstream;
    const nodes: SpawnedGateway[] = [];
    const dataDirs: string[] = [];
    let client: ManagementClient;

    beforeAll(async () => {
      database = await backend.create!();
      mock = await startMockUpstream();
      const prefix = `sb-test-${Math.random().toString(36).slice(2, 10)}:`;
      // One after the other: the first creates the schema and the root user.
      for (let index = 0; index < 2; index += 1) {
        const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-node-'));
        dataDirs.push(dataDir);
        nodes.push(
          await spawnGateway({
            PORT: '0',
            DATA_DIR: dataDir,
            DATABASE_URL: database.url,
            REDIS_URL: testRedisUrl!,
            REDIS_KEY_PREFIX: prefix,
            SECRET_KEY: 'a-secret-key-both-nodes-share',
            ADMIN_PASSWORD: adminPassword,
            LOG_FLUSH_INTERVAL_MS: '20',
            CHANNEL_HEALTH_CHECK_INTERVAL_MS: '0',
          }),
        );
      }
      const first = nodes[0]!.url;
      const login = await api(first, 'POST', '/api/user/login', {
        username: 'admin',
        password: adminPassword,
      });
      const adminToken = String(login.body.data.token);
      client = { url: first, adminToken, api: (...args) => api(first, ...args) };
      const channel = await client.api(
        'POST',
        '/api/channel/',
        {
          name: 'mock',
          provider: 'openai',
          base_url: `${mock.url}/v1`,
          api_key: 'sk-up',
          models: ['gpt-4o-mini'],
        },
        adminToken,
      );
      expect(channel.status).toBe(200);
      await client.api('PUT', '/api/model/gpt-4o-mini', { price: { per_request: 1_000 } }, adminToken);
      // The second node hears of the channel and the price over Redis; wait until it serves them.
      const probe = await createPayer(client, 1_000);
      for (let tries = 0; ; tries += 1) {
        const answer = await chatCall(nodes[1]!.url, probe.key);
        if (answer.status === 200 && answer.headers.get('x-credits-consumed') === '1000') break;
        if (tries > 100) throw new Error(`the second node never served the channel: ${answer.status}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }, 60_000);

    afterAll(async () => {
      for (const node of nodes) {
        node.process.kill('SIGTERM');
        await node.exited;
      }
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
      await mock?.close();
      await database?.drop();
    }, 30_000);

    it('serves exactly the 50 of 200 requests the balance covers, spread over both nodes', async () => {
      const payer = await createPayer(client, 50 * 1_000);
      const statuses = await burstOfRequests(
        nodes.map((node) => node.url),
        payer.key,
        200,
      );
      expect(statuses.filter((status) => status === 200)).toHaveLength(50);
      expect(statuses.filter((status) => status === 402)).toHaveLength(150);
      await settled();
      const user = await client.api('GET', `/api/user/${payer.userId}`, undefined, client.adminToken);
      expect(user.body.data.balance).toBe(0);
      expect(await ledgerSum(client, payer)).toBe(0);
    });

    it("lets exactly a key's 30 RPM through a burst of 100 over both nodes", async () => {
      const payer = await createPayer(client, 10_000_000, { rpm: 30 });
      const statuses = await burstOfRequests(
        nodes.map((node) => node.url),
        payer.key,
        100,
      );
      expect(statuses.filter((status) => status === 200)).toHaveLength(30);
      expect(statuses.filter((status) => status === 429)).toHaveLength(70);
    });

    it("holds a key's 640 RPM over both nodes while they admit from leased room, and lets exactly 640 through once the leases end", async () => {
      // 640 a minute: each node leases room for 10 requests at a time while the key is under half.
      const payer = await createPayer(client, 10_000_000, { rpm: 640 });
      const urls = nodes.map((node) => node.url);
      const first = await burstOfRequests(urls, payer.key, 700);
      const admitted = first.filter((status) => status === 200).length;
      expect(first.filter((status) => status !== 200 && status !== 429)).toEqual([]);
      // Never more than the limit; less only by room a node still held leased when the key filled.
      expect(admitted).toBeLessThanOrEqual(640);
      expect(admitted).toBeGreaterThanOrEqual(640 - 2 * 10);
      // A lease lasts a second: once over, its unused room is back, and the key gets exactly the rest.
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      const rest = await burstOfRequests(urls, payer.key, 40);
      expect(admitted + rest.filter((status) => status === 200).length).toBe(640);
    });

    it('gives back whole the hold of a request the limiter refuses after a roomy answer, sent upstream meanwhile', async () => {
      // 20 RPM: while the limiter's last answer on a node left the key 17 or more, that node places
      // a request's credit hold while Redis decides. After 3 calls on the first node it has seen 17
      // left; the second node then takes those 17, unseen by the first.
      const payer = await createPayer(client, 1_000_000, { rpm: 20 });
      const callsOn = async (node: number, count: number) => {
        const statuses: number[] = [];
        for (let call = 0; call < count; call += 1) {
          statuses.push((await chatCall(nodes[node]!.url, payer.key)).status);
        }
        return statuses;
      };
      expect(await callsOn(0, 3)).toEqual([200, 200, 200]);
      expect(await callsOn(1, 17)).toEqual(Array(17).fill(200));
      // The first of these went ahead (its hold placed and the call sent upstream while Redis
      // decided): a stream, which the client must not see begin. It is refused like the others, and
      // its 429 taught the node, so the others were checked first and held nothing.
      const upstreamBefore = mock.requests.length;
      const ahead = await chatCall(nodes[0]!.url, payer.key, { stream: true });
      expect(ahead.status).toBe(429);
      expect(ahead.headers.get('content-type')).toMatch(/^application\/json/);
      expect(ahead.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ahead.body).toMatchObject({ error: { code: 'rate_limited' } });
      expect(await callsOn(0, 2)).toEqual([429, 429]);
      // At most the one that went ahead reached the upstream (none, when Redis refused it before
      // its credit hold was placed).
      expect(mock.requests.length - upstreamBefore).toBeLessThanOrEqual(1);
      await settled();
      const user = await client.api('GET', `/api/user/${payer.userId}`, undefined, client.adminToken);
      expect(user.body.data.balance).toBe(1_000_000 - 20 * 1_000);
      const rows = await ledgerRows(client, payer);
      expect(rows.reduce((sum, row) => sum + row.amount, 0)).toBe(user.body.data.balance);
      const refunds = rows.filter((row) => row.kind === 'refund');
      expect(refunds).toHaveLength(1);
      const hold = rows.find((row) => row.kind === 'hold' && row.request_id === refunds[0]!.request_id);
      expect(refunds[0]!.amount).toBe(1_000);
      expect(hold?.amount).toBe(-1_000);
      expect(rows.filter((row) => row.kind === 'hold')).toHaveLength(21);
    });

    it('refuses a key revoked on one node on the other within a second', async () => {
      const payer = await createPayer(client, 1_000_000);
      // The second node has the key cached (30 s lifetime) once it served it.
      expect((await chatCall(nodes[1]!.url, payer.key)).status).toBe(200);
      const keys = await client.api('GET', '/api/token/', undefined, payer.token);
      const keyId = (keys.body.data as unknown as { id: number }[])[0]!.id;
      const revokedAt = Date.now();
      expect((await client.api('DELETE', `/api/token/${keyId}`, undefined, payer.token)).status).toBe(200);
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 2_000) {
        status = (await chatCall(nodes[1]!.url, payer.key)).status;
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status).toBe(401);
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
    });

    it('charges an upstream that claims 1e20 tokens at most what counts hold, and settles what follows', async () => {
      // Any JSON number parses: 1e20 tokens made a charge PostgreSQL refused, and that settlement
      // held every settlement queued behind it, for ever.
      const price = (input: number) =>
        client.api(
          'PUT',
          '/api/model/gpt-4o-mini',
          { price: { per_request: 1_000, input } },
          client.adminToken,
        );
      const start = 10_000_000;
      const payer = await createPayer(client, start);
      await price(10);
      try {
        mock.enqueue({ kind: 'chat', content: 'ok', usage: { prompt_tokens: 1e20, completion_tokens: 1 } });
        expect((await chatCall(nodes[0]!.url, payer.key)).status).toBe(200);
        mock.enqueue({ kind: 'chat', content: 'ok', usage: { prompt_tokens: 5, completion_tokens: 1 } });
        expect((await chatCall(nodes[0]!.url, payer.key)).status).toBe(200);
      } finally {
        await price(0);
      }
      // Leases give back what they hold after 2 s without use.
      await new Promise((resolve) => setTimeout(resolve, 2_600));
      await settled();
      // 2^31 - 1 tokens at 10 per million, rounded up, and the per-request price; then 5 tokens.
      const charged = 1_000 + Math.ceil(((2 ** 31 - 1) * 10) / 1e6) + 1_001;
      const user = await client.api('GET', `/api/user/${payer.userId}`, undefined, client.adminToken);
      expect(user.body.data.balance).toBe(start - charged);
      expect(await ledgerSum(client, payer)).toBe(start - charged);
    });

    it('answers 402 to a client asking for 1e25 output tokens, whose worst case no balance covers', async () => {
      const payer = await createPayer(client, 10_000_000);
      await client.api('PUT', '/api/model/gpt-4o-mini', { price: { output: 1 } }, client.adminToken);
      try {
        const response = await fetch(`${nodes[0]!.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${payer.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'gpt-4o-mini',
            max_tokens: 1e25,
            messages: [{ role: 'user', content: 'hi' }],
          }),
        });
        expect(response.status).toBe(402);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
          'insufficient_credits',
        );
      } finally {
        await client.api(
          'PUT',
          '/api/model/gpt-4o-mini',
          { price: { per_request: 1_000 } },
          client.adminToken,
        );
      }
    });

    it('charges exactly over both nodes, one of them stopping, when a large balance is held under leases', async () => {
      const start = 100_000_000;
      const payer = await createPayer(client, start);
      // Each node learns the balance from a request held on its own; then it leases.
      for (const node of nodes) expect((await chatCall(node.url, payer.key)).status).toBe(200);
      const statuses = await burstOfRequests(
        nodes.map((node) => node.url),
        payer.key,
        300,
      );
      expect(statuses.every((status) => status === 200)).toBe(true);
      // The second node stops (SIGTERM): it gives back its leases and writes their settlements. The
      // first gives its back after 2 s without use. (Last in this suite: it stops a node.)
      nodes[1]!.process.kill('SIGTERM');
      expect(await nodes[1]!.exited).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 2_600));
      await settled();
      const user = await client.api('GET', `/api/user/${payer.userId}`, undefined, client.adminToken);
      expect(user.body.data.balance).toBe(start - 302 * 1_000);
      expect(await ledgerSum(client, payer)).toBe(start - 302 * 1_000);
      const rows = await ledgerRows(client, payer);
      const leases = rows.filter((row) => row.kind === 'hold' && row.request_id?.startsWith('lease-'));
      expect(leases.length).toBeGreaterThan(0);
      // Far fewer committed holds than requests: most were held in memory under leases.
      expect(rows.filter((row) => row.kind === 'hold').length).toBeLessThan(100);
    });
  });
}
