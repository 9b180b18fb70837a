import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import {
  connectTestRedis,
  deleteTestKeys,
  testRedisUrl,
  uniqueTestPrefix,
} from '../cluster/redis/test-redis.test-support.ts';
import { MemoryRateLimiter } from './memory/memory-rate-limiter.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { RedisRateLimiter } from './redis/redis-rate-limiter.ts';

/** Limiters that share one store, as gateway nodes do, and a way to let time pass for them. */
export interface SharedLimiters {
  /** Distinct instances (own connections, for Redis) over the same buckets. */
  limiters: RateLimiter[];
  /** Lets `ms` pass: the injected clock moves (memory), or the test waits (Redis). */
  advance(ms: number): Promise<void>;
  /** Exact for memory; for Redis, real time makes figures differ by the test's own latency. */
  exactClock: boolean;
  cleanup(): Promise<void>;
}

export interface LimiterBackend {
  name: 'memory' | 'redis';
  /** Undefined when the backend cannot run here (no TEST_REDIS_URL). */
  create: ((options: { windowMs: number; instances: number }) => Promise<SharedLimiters>) | undefined;
}

async function createMemory(options: { windowMs: number; instances: number }): Promise<SharedLimiters> {
  let now = 1_700_000_000_000;
  const limiter = new MemoryRateLimiter({ windowMs: options.windowMs, clock: () => now });
  return {
    // One process holds one limiter: its "instances" are the same object.
    limiters: Array.from({ length: options.instances }, () => limiter),
    advance: async (ms) => {
      now += ms;
    },
    exactClock: true,
    cleanup: () => limiter.close(),
  };
}

async function createRedis(options: { windowMs: number; instances: number }): Promise<SharedLimiters> {
  const prefix = uniqueTestPrefix();
  const connections: Redis[] = [];
  for (let index = 0; index < options.instances; index++) {
    connections.push(await connectTestRedis(`switchboard-test-limiter-${index}`));
  }
  return {
    limiters: connections.map(
      (redis) => new RedisRateLimiter(redis, { keyPrefix: prefix, windowMs: options.windowMs }),
    ),
    advance: (ms) => sleep(ms),
    exactClock: false,
    cleanup: async () => {
      await deleteTestKeys(connections[0]!, prefix);
      await Promise.all(connections.map((redis) => redis.quit()));
    },
  };
}

/** Memory always; Redis when TEST_REDIS_URL is set. */
export const limiterBackends: LimiterBackend[] = [
  { name: 'memory', create: createMemory },
  { name: 'redis', create: testRedisUrl ? createRedis : undefined },
];
