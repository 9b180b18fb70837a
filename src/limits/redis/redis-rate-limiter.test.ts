import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  announceRedisSkipped,
  connectTestRedis,
  deleteTestKeys,
  testRedisUrl,
  uniqueTestPrefix,
} from '../../cluster/redis/test-redis.test-support.ts';
import { createRedisConnection } from '../../cluster/redis/redis-connection.ts';
import { RateLimiterUnavailableError } from '../rate-limiter-unavailable-error.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';

announceRedisSkipped();

describe.skipIf(!testRedisUrl)('RedisRateLimiter, against Redis itself', () => {
  let redis: Redis;
  let prefix: string;

  beforeEach(async () => {
    redis = await connectTestRedis();
    prefix = uniqueTestPrefix();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await deleteTestKeys(redis, prefix);
    await redis.quit();
  });

  it('keeps its keys under the prefix, expiring one window after the last write', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, windowMs: 5000 });
    await limiter.admit({ buckets: [{ id: 'key:1:rpm', kind: 'requests', limit: 3 }] });
    await limiter.record('key:1:tpm', 42);
    const keys = (await redis.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([
      `${prefix}rl:log:key:1:rpm`,
      `${prefix}rl:log:key:1:tpm`,
      `${prefix}rl:sum:key:1:tpm`,
    ]);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(4000);
      expect(ttl).toBeLessThanOrEqual(5000);
    }
    expect(await redis.get(`${prefix}rl:sum:key:1:tpm`)).toBe('42');
  });

  it('times entries by the Redis clock: a node whose clock is an hour off agrees', async () => {
    const other = await connectTestRedis('switchboard-test-skewed');
    try {
      const onTime = new RedisRateLimiter(redis, { keyPrefix: prefix, windowMs: 60_000 });
      const skewed = new RedisRateLimiter(other, { keyPrefix: prefix, windowMs: 60_000 });
      const bucket = [{ id: 'key:2:rpm', kind: 'requests' as const, limit: 2 }];
      expect((await onTime.admit({ buckets: bucket })).allowed).toBe(true);
      const realNow = Date.now();
      vi.spyOn(Date, 'now').mockReturnValue(realNow + 3_600_000);
      const second = await skewed.admit({ buckets: bucket });
      expect(second.allowed).toBe(true);
      expect(second.buckets[0]!.resetMs).toBeGreaterThan(59_000);
      expect(second.buckets[0]!.resetMs).toBeLessThanOrEqual(60_000);
      vi.spyOn(Date, 'now').mockReturnValue(realNow - 3_600_000);
      expect((await skewed.admit({ buckets: bucket })).allowed).toBe(false);
    } finally {
      await other.quit();
    }
  });

  it('surfaces a failing script as RateLimiterUnavailableError', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix });
    await redis.set(`${prefix}rl:log:broken`, 'not a sorted set');
    const admitting = limiter.admit({ buckets: [{ id: 'broken', kind: 'requests', limit: 3 }] });
    await expect(admitting).rejects.toThrow(RateLimiterUnavailableError);
    await expect(admitting).rejects.toThrow(/WRONGTYPE/);
    await expect(limiter.record('broken', 5)).rejects.toThrow(RateLimiterUnavailableError);
  });

  it('fails at once, without queueing, while the server cannot be reached or the connection is closed', async () => {
    const unreachable = createRedisConnection('redis://127.0.0.1:1');
    unreachable.on('error', () => {});
    const limiter = new RedisRateLimiter(unreachable, { keyPrefix: prefix, ownsConnection: true });
    const bucket = [{ id: 'k', kind: 'requests' as const, limit: 3 }];
    try {
      const started = performance.now();
      await expect(limiter.admit({ buckets: bucket })).rejects.toThrow(RateLimiterUnavailableError);
      await expect(limiter.record('k', 3)).rejects.toThrow(/Redis connection is (connecting|reconnecting)/);
      expect(performance.now() - started).toBeLessThan(50);
    } finally {
      unreachable.disconnect();
    }
    const closing = await connectTestRedis('switchboard-test-closed');
    const closed = new RedisRateLimiter(closing, { keyPrefix: prefix, ownsConnection: true });
    await closed.close();
    await expect(closed.admit({ buckets: bucket })).rejects.toThrow(RateLimiterUnavailableError);
  });

  it('loads its script again after SCRIPT FLUSH', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix });
    const bucket = [{ id: 'key:3:rpm', kind: 'requests' as const, limit: 2 }];
    expect((await limiter.admit({ buckets: bucket })).allowed).toBe(true);
    await redis.script('FLUSH');
    expect((await limiter.admit({ buckets: bucket })).buckets[0]!.remaining).toBe(0);
  });
});
