import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisConnection } from './redis-connection.ts';

/** Set in CI (and by developers with a Redis at hand): suites over Redis run only then. */
export const testRedisUrl: string | undefined = process.env.TEST_REDIS_URL || undefined;

let announced = false;
/** Says once per test file that the Redis suites were skipped, so a green run never hides it. */
export function announceRedisSkipped(): void {
  if (testRedisUrl || announced) return;
  announced = true;
  console.warn('[skipped] redis tests: set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379) to run them');
}

/** A key prefix no other test (or test run) uses. */
export function uniqueTestPrefix(): string {
  return `switchboard-test:${randomBytes(6).toString('hex')}:`;
}

/** A fresh connection to the test Redis, ready for commands. */
export async function connectTestRedis(name = 'switchboard-test'): Promise<Redis> {
  if (!testRedisUrl) throw new Error('TEST_REDIS_URL is not set');
  const redis = createRedisConnection(testRedisUrl, { connectionName: name });
  await redis.ping();
  return redis;
}

/** Deletes every key under `prefix`. */
export async function deleteTestKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
