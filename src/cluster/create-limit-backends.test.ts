import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.ts';
import { FailOpenRateLimiter } from '../limits/fail-open-rate-limiter.ts';
import { MemoryRateLimiter } from '../limits/memory/memory-rate-limiter.ts';
import { RateLimiterUnavailableError } from '../limits/rate-limiter-unavailable-error.ts';
import { createLimitBackends, type LimitBackends } from './create-limit-backends.ts';
import type { InvalidationMessage } from './invalidation-bus.ts';
import { MemoryInvalidationBus } from './memory/memory-invalidation-bus.ts';
import { RedisInvalidationBus } from './redis/redis-invalidation-bus.ts';
import {
  announceRedisSkipped,
  connectTestRedis,
  deleteTestKeys,
  testRedisUrl,
  uniqueTestPrefix,
} from './redis/test-redis.test-support.ts';

announceRedisSkipped();

const logger = pino({ level: 'silent' });
const bucket = [{ id: 'key:1:rpm', kind: 'requests' as const, limit: 1 }];

describe('createLimitBackends', () => {
  const opened: LimitBackends[] = [];
  afterEach(async () => {
    for (const backends of opened.splice(0)) await backends.close();
  });

  it('stays in memory without REDIS_URL', async () => {
    const backends = createLimitBackends(loadConfig({}), logger);
    opened.push(backends);
    expect(backends.backend).toBe('memory');
    expect(backends.limiter).toBeInstanceOf(MemoryRateLimiter);
    expect(backends.bus).toBeInstanceOf(MemoryInvalidationBus);
    expect(await backends.health()).toEqual({ backend: 'memory', status: 'ok' });
    expect((await backends.limiter.admit({ buckets: bucket })).allowed).toBe(true);
    expect((await backends.limiter.admit({ buckets: bucket })).allowed).toBe(false);
  });

  it('fails open by default, and closed when told to, while Redis cannot be reached', async () => {
    const onLimiterFailure = vi.fn();
    const open = createLimitBackends(loadConfig({ REDIS_URL: 'redis://127.0.0.1:1' }), logger, {
      onLimiterFailure,
    });
    const closed = createLimitBackends(
      loadConfig({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_FAIL_OPEN: 'false' }),
      logger,
      { onLimiterFailure },
    );
    opened.push(open, closed);
    expect(open.limiter).toBeInstanceOf(FailOpenRateLimiter);
    expect(await open.limiter.admit({ buckets: bucket })).toMatchObject({ allowed: true, failedOpen: true });
    await expect(closed.limiter.admit({ buckets: bucket })).rejects.toThrow(RateLimiterUnavailableError);
    expect(onLimiterFailure).toHaveBeenCalledTimes(2);
    expect(await closed.health()).toEqual({ backend: 'redis', status: 'unavailable' });
  });

  describe.skipIf(!testRedisUrl)('with Redis', () => {
    it('shares limits and invalidations between two nodes', async () => {
      const config = loadConfig({ REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: uniqueTestPrefix() });
      const nodeA = createLimitBackends(config, logger);
      const nodeB = createLimitBackends(config, logger);
      opened.push(nodeA, nodeB);
      expect(nodeA.bus).toBeInstanceOf(RedisInvalidationBus);
      await Promise.all([nodeA.bus.ready(), nodeB.bus.ready()]);
      await vi.waitFor(async () => expect(await nodeA.health()).toEqual({ backend: 'redis', status: 'ok' }));

      expect((await nodeA.limiter.admit({ buckets: bucket })).allowed).toBe(true);
      const onB = await nodeB.limiter.admit({ buckets: bucket });
      expect(onB).toMatchObject({ allowed: false });
      expect(onB.failedOpen).toBeUndefined();

      const received: InvalidationMessage[] = [];
      nodeB.bus.subscribe('keys', (message) => received.push(message));
      await nodeA.bus.publish('keys', { keyId: 1 });
      await vi.waitFor(() => expect(received).toHaveLength(1));
      expect(received[0]).toMatchObject({ origin: nodeA.bus.nodeId, payload: { keyId: 1 } });

      const admin = await connectTestRedis();
      await deleteTestKeys(admin, config.REDIS_KEY_PREFIX);
      await admin.quit();
    });

    it('leases rate-limit room for RATE_LIMIT_LEASE_MS, and none when it is 0', async () => {
      const roomy = [{ id: 'key:2:rpm', kind: 'requests' as const, limit: 6400 }];
      const admin = await connectTestRedis();
      for (const [leaseMs, entries] of [
        ['1000', 1 + 32],
        ['0', 1],
      ] as const) {
        const config = loadConfig({
          REDIS_URL: testRedisUrl,
          REDIS_KEY_PREFIX: uniqueTestPrefix(),
          RATE_LIMIT_LEASE_MS: leaseMs,
        });
        const node = createLimitBackends(config, logger);
        opened.push(node);
        await vi.waitFor(async () => expect(await node.health()).toEqual({ backend: 'redis', status: 'ok' }));
        expect((await node.limiter.admit({ buckets: roomy })).allowed).toBe(true);
        // The request's own entry, and the lease's room counted as used.
        expect(await admin.zcard(`${config.REDIS_KEY_PREFIX}rl:log:key:2:rpm`)).toBe(entries);
        await deleteTestKeys(admin, config.REDIS_KEY_PREFIX);
      }
      await admin.quit();
    });
  });
});
