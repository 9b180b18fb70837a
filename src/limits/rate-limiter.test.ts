import { afterEach, describe, expect, it } from 'vitest';
import { announceRedisSkipped } from '../cluster/redis/test-redis.test-support.ts';
import { limiterBackends, type SharedLimiters } from './rate-limiter-backends.test-support.ts';
import type { BucketCheck, RateLimiter } from './rate-limiter.ts';

announceRedisSkipped();

const requests = (id: string, limit: number): BucketCheck => ({ id, kind: 'requests', limit });
const tokens = (id: string, limit: number, estimate?: number): BucketCheck => ({
  id,
  kind: 'tokens',
  limit,
  estimate,
});

async function admitMany(limiter: RateLimiter, count: number, buckets: BucketCheck[]) {
  return Promise.all(Array.from({ length: count }, () => limiter.admit({ buckets })));
}

for (const backend of limiterBackends) {
  describe.skipIf(!backend.create)(`rate limiter on ${backend.name}`, () => {
    // Redis runs on real time: a short window keeps the timed cases quick, and figures may differ
    // from the ideal by the round trips the test itself takes.
    const windowMs = backend.name === 'memory' ? 60_000 : 1_000;
    let shared: SharedLimiters | undefined;
    const open = async (instances = 1) => {
      shared = await backend.create!({ windowMs, instances });
      return shared;
    };
    const near = (actual: number, expected: number) => {
      const slack = shared?.exactClock ? 0 : 250;
      expect(actual).toBeGreaterThanOrEqual(expected - slack);
      expect(actual).toBeLessThanOrEqual(expected + (shared?.exactClock ? 0 : 50));
    };
    afterEach(async () => {
      await shared?.cleanup();
      shared = undefined;
    });

    it('lets exactly 30 of a burst of 100 through a 30 RPM key', async () => {
      const { limiters } = await open();
      const results = await admitMany(limiters[0]!, 100, [requests('key:1:rpm', 30)]);
      const passed = results.filter((result) => result.allowed);
      expect(passed).toHaveLength(30);
      // Each admitted request saw a different count: nothing was double-booked.
      expect(passed.map((result) => result.buckets[0]!.remaining).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 30 }, (_, index) => index),
      );
      const refused = results.filter((result) => !result.allowed);
      expect(refused.every((result) => result.retryAfterMs > 0 && result.buckets[0]!.remaining === 0)).toBe(
        true,
      );
    });

    it('lets exactly 30 through when two gateway instances share the store', async () => {
      const { limiters } = await open(2);
      const bucket = [requests('key:2:rpm', 30)];
      const [first, second] = await Promise.all([
        admitMany(limiters[0]!, 50, bucket),
        admitMany(limiters[1]!, 50, bucket),
      ]);
      const passed = [...first, ...second].filter((result) => result.allowed).length;
      expect(passed).toBe(30);
    });

    it('admits all or nothing: a full bucket refuses and the others record nothing', async () => {
      const { limiters } = await open();
      const limiter = limiters[0]!;
      const both = [requests('key:3:rpm', 5), requests('user:3:rpm', 2)];
      expect((await limiter.admit({ buckets: both })).allowed).toBe(true);
      expect((await limiter.admit({ buckets: both })).allowed).toBe(true);
      const refused = await limiter.admit({ buckets: both });
      expect(refused.allowed).toBe(false);
      expect(refused.buckets.map((bucket) => bucket.allowed)).toEqual([true, false]);
      expect(refused.buckets.map((bucket) => bucket.remaining)).toEqual([3, 0]);
      // The key bucket recorded two requests, not three: three more fit, then it is full.
      const alone = await admitMany(limiter, 4, [requests('key:3:rpm', 5)]);
      expect(alone.map((result) => result.allowed).sort()).toEqual([false, true, true, true]);
    });

    it('refuses a token bucket once what was recorded reaches the limit, or the estimate would pass it', async () => {
      const { limiters } = await open();
      const limiter = limiters[0]!;
      const tpm = (estimate?: number) => ({
        buckets: [requests('key:4:rpm', 100), tokens('key:4:tpm', 100, estimate)],
      });
      // Admission checks tokens but records none.
      for (let index = 0; index < 3; index++) expect((await limiter.admit(tpm())).allowed).toBe(true);
      expect((await limiter.admit(tpm())).buckets[1]!.remaining).toBe(100);
      await limiter.record('key:4:tpm', 60);
      const fits = await limiter.admit(tpm(40));
      expect(fits.allowed).toBe(true);
      expect(fits.buckets[1]!.remaining).toBe(40);
      const tooBig = await limiter.admit(tpm(41));
      expect(tooBig.allowed).toBe(false);
      expect(tooBig.buckets.map((bucket) => bucket.allowed)).toEqual([true, false]);
      await limiter.record('key:4:tpm', 40);
      const full = await limiter.admit(tpm());
      expect(full.allowed).toBe(false);
      expect(full.buckets[1]!.remaining).toBe(0);
      // The refused admissions recorded no request either: 5 admitted so far.
      expect(full.buckets[0]!.remaining).toBe(95);
    });

    it('lets one request whose estimate exceeds the limit into an empty token window', async () => {
      const { limiters } = await open();
      const result = await limiters[0]!.admit({ buckets: [tokens('key:5:tpm', 1000, 50_000)] });
      expect(result.allowed).toBe(true);
    });

    it('ignores records of nothing', async () => {
      const { limiters } = await open();
      await limiters[0]!.record('key:6:tpm', 0);
      await limiters[0]!.record('key:6:tpm', -5);
      const result = await limiters[0]!.admit({ buckets: [tokens('key:6:tpm', 1)] });
      expect(result.allowed).toBe(true);
    });

    it('reports reset and retry-after from when the oldest entry leaves the window', async () => {
      const { limiters, advance } = await open();
      const limiter = limiters[0]!;
      const bucket = [requests('key:7:rpm', 3)];
      await admitMany(limiter, 3, bucket);
      await advance(windowMs * 0.4);
      const refused = await limiter.admit({ buckets: bucket });
      expect(refused.allowed).toBe(false);
      near(refused.retryAfterMs, windowMs * 0.6);
      near(refused.buckets[0]!.retryAfterMs, windowMs * 0.6);
      near(refused.buckets[0]!.resetMs, windowMs * 0.6);
      expect(refused.buckets[0]!.limit).toBe(3);
      await advance(refused.retryAfterMs + (shared!.exactClock ? 0 : 30));
      const again = await limiter.admit({ buckets: bucket });
      expect(again.allowed).toBe(true);
      // The burst came in one instant and left in one: only this request is in the window now.
      expect(again.buckets[0]!.remaining).toBe(2);
      near(again.buckets[0]!.resetMs, windowMs);
    });

    it('slides: a burst just before a fixed-window boundary still counts just after it', async () => {
      const { limiters, advance } = await open();
      const limiter = limiters[0]!;
      const bucket = [requests('key:8:rpm', 3)];
      expect((await admitMany(limiter, 3, bucket)).every((result) => result.allowed)).toBe(true);
      await advance(windowMs * 0.3);
      expect((await limiter.admit({ buckets: bucket })).allowed).toBe(false);
      await advance(windowMs * 0.3);
      expect((await limiter.admit({ buckets: bucket })).allowed).toBe(false);
      await advance(windowMs * 0.4 + (shared!.exactClock ? 0 : 50));
      // The burst has left the window: the window is full again for three more.
      const after = await admitMany(limiter, 4, bucket);
      expect(after.filter((result) => result.allowed)).toHaveLength(3);
    });

    it('keeps an entry exactly one window long', async () => {
      const { limiters, advance, exactClock } = await open();
      if (!exactClock) return; // Only an injected clock can stand on the millisecond.
      const limiter = limiters[0]!;
      const bucket = [requests('key:9:rpm', 1)];
      expect((await limiter.admit({ buckets: bucket })).allowed).toBe(true);
      await advance(windowMs - 1);
      const lastMillisecond = await limiter.admit({ buckets: bucket });
      expect(lastMillisecond.allowed).toBe(false);
      expect(lastMillisecond.retryAfterMs).toBe(1);
      await advance(1);
      expect((await limiter.admit({ buckets: bucket })).allowed).toBe(true);
    });

    it('lets recorded tokens leave the window', async () => {
      const { limiters, advance } = await open();
      const limiter = limiters[0]!;
      await limiter.record('key:10:tpm', 70);
      await advance(windowMs * 0.5);
      await limiter.record('key:10:tpm', 30);
      const full = await limiter.admit({ buckets: [tokens('key:10:tpm', 100)] });
      expect(full.allowed).toBe(false);
      near(full.retryAfterMs, windowMs * 0.5);
      const needsBoth = await limiter.admit({ buckets: [tokens('key:10:tpm', 100, 80)] });
      near(needsBoth.retryAfterMs, windowMs);
      await advance(windowMs * 0.5 + (shared!.exactClock ? 0 : 50));
      const half = await limiter.admit({ buckets: [tokens('key:10:tpm', 100)] });
      expect(half.allowed).toBe(true);
      expect(half.buckets[0]!.remaining).toBe(70);
    });

    it('waits for enough entries to leave when a limit was lowered below what the window holds', async () => {
      const { limiters, advance } = await open();
      const limiter = limiters[0]!;
      for (let index = 0; index < 5; index++) {
        expect((await limiter.admit({ buckets: [requests('key:11:rpm', 5)] })).allowed).toBe(true);
        await advance(windowMs * 0.1);
      }
      // Entries at 0, .1, .2, .3, .4 windows; now .5. With a limit of 2, four must leave: the one at .3.
      const refused = await limiter.admit({ buckets: [requests('key:11:rpm', 2)] });
      expect(refused.allowed).toBe(false);
      near(refused.retryAfterMs, windowMs * 0.8);
      near(refused.buckets[0]!.resetMs, windowMs * 0.5);
      expect(refused.buckets[0]!.remaining).toBe(0);
    });

    it('admits an empty bucket list, and rejects malformed buckets', async () => {
      const { limiters } = await open();
      const limiter = limiters[0]!;
      expect(await limiter.admit({ buckets: [] })).toEqual({ allowed: true, retryAfterMs: 0, buckets: [] });
      await expect(limiter.admit({ buckets: [requests('a', 0)] })).rejects.toThrow(RangeError);
      await expect(limiter.admit({ buckets: [requests('a', 1.5)] })).rejects.toThrow(RangeError);
      await expect(limiter.admit({ buckets: [requests('a', 2), tokens('a', 2)] })).rejects.toThrow(TypeError);
      await expect(limiter.admit({ buckets: [tokens('a', 2, -1)] })).rejects.toThrow(RangeError);
    });
  });
}
