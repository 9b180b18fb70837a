import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.ts';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { spawnGateway } from '../support/spawn-gateway.ts';

let mock: MockUpstream;
let dataDir: string;

beforeAll(async () => {
  mock = await startMockUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-shutdown-'));
});
afterAll(async () => {
  await mock?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function json(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('shutdown under load', () => {
  it('finishes in-flight requests on SIGTERM and writes a log row for every one of them', async () => {
    const databaseUrl = `sqlite:${join(dataDir, 'gateway.db')}`;
    // A long flush interval: rows reach the database only through the shutdown flush.
    const gateway = await spawnGateway({
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      ADMIN_PASSWORD: 'shutdown-password',
      LOG_FLUSH_INTERVAL_MS: '600000',
      LOG_BATCH_SIZE: '100000',
    });
    const headers = { 'content-type': 'application/json' };
    const login = await json(`${gateway.url}/api/user/login`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ username: 'admin', password: 'shutdown-password' }),
    });
    const session = { ...headers, authorization: String((login.body.data as { token: string }).token) };
    await json(`${gateway.url}/api/channel/`, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({
        name: 'mock',
        provider: 'openai',
        base_url: `${mock.url}/v1`,
        api_key: 'k',
        models: ['m'],
      }),
    });
    const created = await json(`${gateway.url}/api/token/`, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ name: 'load' }),
    });
    const key = String((created.body.data as { key: string }).key);

    // Every upstream answer waits 400 ms; SIGTERM is sent once all requests have reached the upstream.
    mock.setDefault({ kind: 'delay', ms: 400, then: { kind: 'echo' } });
    const total = 150;
    const requests = Array.from({ length: total }, (_, i) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${key}` },
        body: JSON.stringify({
          model: 'm',
          messages: [{ role: 'user', content: `n${i}` }],
          stream: i % 2 === 0,
        }),
      }).then(async (response) => ({ status: response.status, text: await response.text() })),
    );
    while (mock.requests.length < total) await new Promise((resolve) => setTimeout(resolve, 5));
    gateway.process.kill('SIGTERM');
    const results = await Promise.all(requests);
    expect(await gateway.exited).toBe(0);
    mock.setDefault({ kind: 'echo' });

    const served = results.filter((result) => result.status === 200);
    expect(served.length).toBe(total);
    // Complete answers: whole JSON completions, and streams that reached [DONE].
    expect(results.filter((result) => result.text.includes('"chat.completion"'))).toHaveLength(total / 2);
    expect(results.filter((result) => result.text.endsWith('data: [DONE]\n\n'))).toHaveLength(total / 2);

    const store = await Store.open(databaseUrl);
    try {
      const rows = await store.requestLogs.list({ limit: 1000 });
      expect(rows.filter((row) => row.status === 200)).toHaveLength(served.length);
      expect(rows.filter((row) => row.stream === 1)).toHaveLength(total / 2);
    } finally {
      await store.close();
    }
  });
});
