import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './memory-rate-limiter.ts';

describe('MemoryRateLimiter', () => {
  it('forgets buckets whose window has emptied, sweeping at most once per window', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ windowMs: 1000, clock: () => now });
    for (let index = 0; index < 50; index++) {
      await limiter.admit({ buckets: [{ id: `ip:${index}`, kind: 'requests', limit: 5 }] });
    }
    await limiter.record('key:tpm', 10);
    expect(limiter.bucketCount).toBe(51);
    now = 999;
    await limiter.admit({ buckets: [{ id: 'ip:late', kind: 'requests', limit: 5 }] });
    expect(limiter.bucketCount).toBe(52);
    now = 1000;
    await limiter.admit({ buckets: [] });
    // Only the bucket written at 999 still holds an entry.
    expect(limiter.bucketCount).toBe(1);
  });

  it('holds a full window of a busy bucket in bounded memory and stays exact', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ windowMs: 1000, clock: () => now });
    const buckets = [{ id: 'key', kind: 'requests' as const, limit: 100 }];
    let admitted = 0;
    // 10 requests per ms for 5 windows: exactly 100 per window pass, however the log is compacted.
    for (now = 0; now < 5000; now++) {
      for (let index = 0; index < 10; index++) if ((await limiter.admit({ buckets })).allowed) admitted += 1;
    }
    expect(admitted).toBe(500);
  });
});
