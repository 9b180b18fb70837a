import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/spawn-gateway.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-one-process-'));
const running: SpawnedGateway[] = [];
afterAll(() => {
  for (const gateway of running) gateway.process.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('SQLite serves one gateway process', () => {
  it('refuses a second process on the same database, and starts once the first has stopped', async () => {
    const env = {
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${join(dataDir, 'gateway.db')}`,
      ADMIN_PASSWORD: 'one-process-password',
    };
    const first = await spawnGateway(env);
    running.push(first);
    const pid = String(first.process.pid);
    await expect(spawnGateway(env)).rejects.toThrow(
      new RegExp(`another Switchboard process \\(pid ${pid}\\) is using the SQLite database`),
    );
    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const second = await spawnGateway(env);
    running.push(second);
    expect((await fetch(`${second.url}/api/status`)).status).toBe(200);
  }, 60_000);
});
