import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { FailOpenRateLimiter } from '../limits/fail-open-rate-limiter.ts';
import { MemoryRateLimiter } from '../limits/memory/memory-rate-limiter.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import { RateLimiterUnavailableError } from '../limits/rate-limiter-unavailable-error.ts';
import { RedisRateLimiter } from '../limits/redis/redis-rate-limiter.ts';
import type { InvalidationBus } from './invalidation-bus.ts';
import { MemoryInvalidationBus } from './memory/memory-invalidation-bus.ts';
import { createRedisConnection } from './redis/redis-connection.ts';
import { RedisInvalidationBus } from './redis/redis-invalidation-bus.ts';

export type LimitBackendsConfig = Pick<
  Config,
  'REDIS_URL' | 'REDIS_KEY_PREFIX' | 'RATE_LIMIT_FAIL_OPEN' | 'RATE_LIMIT_LEASE_MS'
>;

export interface LimitBackendsOptions {
  /** The rate limits' window (default 60 s; tests shorten it). */
  windowMs?: number;
  /** Called whenever the limiter's store fails (e.g. to count it); the limiter fails open or closed per config. */
  onLimiterFailure?: (error: RateLimiterUnavailableError) => void;
}

export interface LimitBackendsHealth {
  backend: 'memory' | 'redis';
  status: 'ok' | 'unavailable';
}

/** What the gateway shares with its other nodes: rate-limit windows and cache invalidations. */
export interface LimitBackends {
  backend: 'memory' | 'redis';
  limiter: RateLimiter;
  bus: InvalidationBus;
  /** Whether the shared store answers, for `GET /api/status`. */
  health(): Promise<LimitBackendsHealth>;
  close(): Promise<void>;
}

/**
 * In memory on one node (no REDIS_URL); over one Redis shared by every node otherwise. With
 * RATE_LIMIT_FAIL_OPEN, a Redis outage lets traffic through unlimited (warned about) instead of
 * refusing it. The Redis connection is made in the background: nothing here waits for it.
 */
export function createLimitBackends(
  config: LimitBackendsConfig,
  logger: Logger,
  options: LimitBackendsOptions = {},
): LimitBackends {
  if (!config.REDIS_URL) {
    const limiter = new MemoryRateLimiter({ windowMs: options.windowMs });
    const bus = new MemoryInvalidationBus({ logger });
    return {
      backend: 'memory',
      limiter,
      bus,
      health: async () => ({ backend: 'memory', status: 'ok' }),
      close: async () => {
        await bus.close();
        await limiter.close();
      },
    };
  }

  const redis = createRedisConnection(config.REDIS_URL, { connectionName: 'switchboard' });
  let outageLogged = false;
  redis.on('error', (error: Error) => {
    if (outageLogged) return;
    outageLogged = true;
    logger.error({ err: error }, 'Redis connection failed; retrying');
  });
  redis.on('ready', () => {
    if (outageLogged) logger.info('Redis connection restored');
    outageLogged = false;
  });
  const redisLimiter = new RedisRateLimiter(redis, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    windowMs: options.windowMs,
    leaseMs: config.RATE_LIMIT_LEASE_MS,
  });
  const limiter = config.RATE_LIMIT_FAIL_OPEN
    ? new FailOpenRateLimiter(redisLimiter, logger, { onFailure: options.onLimiterFailure })
    : withFailureHook(redisLimiter, options.onLimiterFailure);
  const bus = new RedisInvalidationBus(redis, { keyPrefix: config.REDIS_KEY_PREFIX, logger });
  return {
    backend: 'redis',
    limiter,
    bus,
    health: async () => {
      if (redis.status !== 'ready') return { backend: 'redis', status: 'unavailable' };
      try {
        await redis.ping();
        return { backend: 'redis', status: 'ok' };
      } catch {
        return { backend: 'redis', status: 'unavailable' };
      }
    },
    close: async () => {
      await bus.close();
      await limiter.close();
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}

/** A fail-closed limiter still reports its store's failures to the hook before rejecting. */
function withFailureHook(
  limiter: RateLimiter,
  onFailure: ((error: RateLimiterUnavailableError) => void) | undefined,
): RateLimiter {
  if (!onFailure) return limiter;
  const report = (error: unknown): never => {
    if (error instanceof RateLimiterUnavailableError) onFailure(error);
    throw error;
  };
  return {
    remote: limiter.remote,
    admit: (request) => limiter.admit(request).catch(report),
    record: (bucketId, amount) => limiter.record(bucketId, amount).catch(report),
    close: () => limiter.close(),
  };
}
