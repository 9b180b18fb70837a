import { afterEach, describe, expect, it, vi } from 'vitest';
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
    // A sweep looks at a few dozen buckets per admission.
    await limiter.admit({ buckets: [] });
    expect(limiter.bucketCount).toBeGreaterThan(1);
    await limiter.admit({ buckets: [] });
    // Only the bucket written at 999 still holds an entry.
    expect(limiter.bucketCount).toBe(1);
  });

  it('sweeps many buckets a few per admission, never all at once, and keeps up with new ones', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ windowMs: 1000, clock: () => now });
    for (let index = 0; index < 10_000; index++) {
      await limiter.admit({ buckets: [{ id: `ip:${index}`, kind: 'requests', limit: 5 }] });
    }
    now = 2000;
    await limiter.admit({ buckets: [] });
    expect(limiter.bucketCount).toBeGreaterThan(9_900);
    // Every admission adds a bucket of its own (a flood from new addresses): the sweep still ends.
    let admissions = 0;
    while (limiter.bucketCount > 1_000 && admissions < 1_000) {
      await limiter.admit({ buckets: [{ id: `new:${admissions}`, kind: 'requests', limit: 5 }] });
      admissions += 1;
    }
    expect(limiter.bucketCount).toBeLessThanOrEqual(1_000);
  });

  // Entries of one millisecond share a slot: a tokens bucket recorded thousands of times a second
  // holds at most one slot per millisecond, however many records.
  it('keeps one slot per millisecond on its own clock', async () => {
    const limiter = new MemoryRateLimiter({ windowMs: 60_000 });
    const started = performance.now();
    let records = 0;
    while (performance.now() - started < 20) {
      await limiter.record('key:tpm', 1);
      records += 1;
    }
    const admission = await limiter.admit({
      buckets: [{ id: 'key:tpm', kind: 'tokens', limit: records * 10, estimate: 1 }],
    });
    expect(admission.buckets[0]).toMatchObject({ remaining: records * 9 });
    expect(limiter.slotCount('key:tpm')).toBeLessThanOrEqual(Math.ceil(performance.now() - started) + 1);
    expect(records).toBeGreaterThan(100);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  // An NTP correction or a resumed VM steps the wall clock back: a key at its limit must not be
  // refused for as long as the step.
  it('does not go by the wall clock, which can step back', async () => {
    const realNow = Date.now.bind(Date);
    let step = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + step);
    const limiter = new MemoryRateLimiter({ windowMs: 200 });
    const buckets = [{ id: 'key', kind: 'requests' as const, limit: 1 }];
    expect((await limiter.admit({ buckets })).allowed).toBe(true);
    step = -3_600_000;
    await new Promise((resolve) => setTimeout(resolve, 250));
    const admission = await limiter.admit({ buckets });
    expect(admission).toMatchObject({ allowed: true });
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
