import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createLogger } from '../observability/logger.ts';
import { ChannelRegistry } from '../relay/channel-registry.ts';
import { UpstreamClient } from '../relay/upstream-client.ts';
import { SecretBox } from '../security/secret-box.ts';
import { Store } from '../store/store.ts';
import { createRoutingServices } from './routing-services.ts';

describe('createRoutingServices', () => {
  let dir: string;
  let store: Store;
  const upstream = new UpstreamClient({
    connectTimeoutMs: 1000,
    firstByteTimeoutMs: 1000,
    idleTimeoutMs: 1000,
    connections: 1,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-routing-'));
    store = await Store.open(`sqlite:${join(dir, 'test.db')}`);
  });
  afterAll(async () => {
    await store.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const build = (env: Record<string, string>) => {
    const logger = createLogger('silent');
    const secretBox = new SecretBox('a-test-secret-key-of-some-length');
    const registry = new ChannelRegistry(store.channels, secretBox, logger);
    return createRoutingServices(loadConfig(env), { store, registry, upstream, secretBox, logger });
  };

  it('fails over to every channel within 30 s by default, with a 50 ms–1 s backoff', () => {
    expect(build({}).failover).toEqual({
      maxAttempts: 0,
      budgetMs: 30_000,
      backoff: { baseMs: 50, maxMs: 1000 },
    });
  });

  it('takes the failover and breaker settings from the configuration', () => {
    const routing = build({
      UPSTREAM_MAX_ATTEMPTS: '3',
      UPSTREAM_RETRY_BUDGET_MS: '5000',
      UPSTREAM_RETRY_BACKOFF_BASE_MS: '10',
      UPSTREAM_RETRY_BACKOFF_MAX_MS: '100',
      CIRCUIT_BREAKER_FAILURES: '2',
      CIRCUIT_BREAKER_COOLDOWN_MS: '60000',
    });
    expect(routing.failover).toEqual({ maxAttempts: 3, budgetMs: 5000, backoff: { baseMs: 10, maxMs: 100 } });
    for (let i = 0; i < 2; i++) routing.health.failed(routing.health.admit(7, false)!, 'down');
    expect(routing.health.figures(7).breaker).toBe('open');
    expect(routing.health.availableAt(7)).toBeGreaterThan(Date.now() + 50_000);
  });

  it('refuses an error rate outside 0–1', () => {
    expect(() => loadConfig({ CIRCUIT_BREAKER_ERROR_RATE: '1.5' })).toThrow(/CIRCUIT_BREAKER_ERROR_RATE/);
  });
});
