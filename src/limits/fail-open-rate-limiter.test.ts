import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { FailOpenRateLimiter } from './fail-open-rate-limiter.ts';
import { MemoryRateLimiter } from './memory/memory-rate-limiter.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { RateLimiterUnavailableError } from './rate-limiter-unavailable-error.ts';

const unavailable = () => new RateLimiterUnavailableError('Redis connection is reconnecting');

function failingLimiter(error: () => Error): RateLimiter & { admitted: number } {
  return {
    remote: true,
    admitted: 0,
    admit() {
      this.admitted += 1;
      return Promise.reject(error());
    },
    record: () => Promise.reject(error()),
    close: () => Promise.resolve(),
  };
}

function capturingLogger() {
  const lines: unknown[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('FailOpenRateLimiter', () => {
  it('lets a request through, whole buckets and marked, when the store fails', async () => {
    const { logger } = capturingLogger();
    const limiter = new FailOpenRateLimiter(failingLimiter(unavailable), logger);
    const admission = await limiter.admit({
      buckets: [
        { id: 'key:1:rpm', kind: 'requests', limit: 30 },
        { id: 'key:1:tpm', kind: 'tokens', limit: 1000, estimate: 10 },
      ],
    });
    expect(admission.allowed).toBe(true);
    expect(admission.failedOpen).toBe(true);
    expect(admission.buckets.map((bucket) => [bucket.remaining, bucket.allowed])).toEqual([
      [30, true],
      [1000, true],
    ]);
    await expect(limiter.record('key:1:tpm', 50)).resolves.toBeUndefined();
  });

  it('warns once per interval and counts every failure', async () => {
    const { logger, lines } = capturingLogger();
    let now = 0;
    const onFailure = vi.fn();
    const limiter = new FailOpenRateLimiter(failingLimiter(unavailable), logger, {
      warnIntervalMs: 1000,
      onFailure,
      clock: () => now,
    });
    for (let index = 0; index < 5; index++) await limiter.admit({ buckets: [] });
    expect(lines).toHaveLength(1);
    now = 1000;
    await limiter.record('x', 1);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ suppressed: 4, during: 'record' });
    expect(onFailure).toHaveBeenCalledTimes(6);
  });

  it('still rejects what is not a store failure', async () => {
    const { logger } = capturingLogger();
    const limiter = new FailOpenRateLimiter(
      failingLimiter(() => new RangeError('bad limit')),
      logger,
    );
    await expect(limiter.admit({ buckets: [] })).rejects.toThrow(RangeError);
    await expect(limiter.record('x', 1)).rejects.toThrow(RangeError);
  });

  it('passes decisions of a working limiter through untouched', async () => {
    const { logger } = capturingLogger();
    const limiter = new FailOpenRateLimiter(new MemoryRateLimiter(), logger);
    const buckets = [{ id: 'k', kind: 'requests' as const, limit: 1 }];
    expect((await limiter.admit({ buckets })).allowed).toBe(true);
    const refused = await limiter.admit({ buckets });
    expect(refused.allowed).toBe(false);
    expect(refused.failedOpen).toBeUndefined();
  });
});
