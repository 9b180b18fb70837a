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
import { RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.ts';
import { defineSlidingWindow, slidingWindowCommand } from './redis-sliding-window.ts';
import { MAX_LEASE_MS } from './room-leases.ts';

type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** Counts the limiter's script calls on `redis`, and lets a test make the next ones fail. */
function watchScript(redis: Redis) {
  const commands = redis as unknown as Record<typeof slidingWindowCommand, ScriptCommand>;
  const original = commands[slidingWindowCommand].bind(redis);
  const spy = vi.spyOn(commands, slidingWindowCommand);
  return {
    // ioredis's auto-pipeline calls the command again on its pipeline: only calls on `redis` count.
    calls: () => spy.mock.contexts.filter((context) => context === redis).length,
    /** The call never reaches Redis. */
    failBeforeSending: () =>
      spy.mockImplementationOnce(() => Promise.reject(new Error('Connection is closed.'))),
    /** The script runs, but its reply is lost (as when the command times out just before it answers). */
    failAfterRunning: () =>
      spy.mockImplementationOnce(async (...keysAndArgs) => {
        await original(...keysAndArgs);
        throw new Error('Command timed out');
      }),
    /** Every call is refused, as by a Redis out of memory, until `restore`. */
    failEveryCall: () =>
      spy.mockImplementation(() => Promise.reject(new Error('OOM command not allowed when used memory'))),
    restore: () => spy.mockRestore(),
  };
}

const rpm = { id: 'key:9:rpm', kind: 'requests' as const, limit: 100 };
const tpm = (estimate = 0) => ({ id: 'key:9:tpm', kind: 'tokens' as const, limit: 1000, estimate });

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

  /** Redis's clock, in milliseconds. */
  const redisTimeMs = async (): Promise<number> => {
    const [seconds, micros] = await redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  };

  /** A limiter on a connection of its own, dropped (Redis unreachable) before `body` runs; `reconnect` brings it back. */
  async function withDroppedConnection(
    name: string,
    options: Partial<RedisRateLimiterOptions>,
    body: (limiter: RedisRateLimiter, reconnect: () => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const other = await connectTestRedis(name);
    try {
      const limiter = new RedisRateLimiter(other, { keyPrefix: prefix, ...options });
      const ended = new Promise((resolve) => other.once('end', resolve));
      other.disconnect();
      await ended;
      expect(other.status).not.toBe('ready');
      await body(limiter, () => other.connect());
    } finally {
      await other.quit();
    }
  }

  it('keeps its keys under the prefix, expiring one window and the longest lease time after the last write', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, windowMs: 5000, leaseMs: 500 });
    // Roomy: the admission leases room, scored half a second ahead.
    await limiter.admit({ buckets: [{ id: 'key:1:rpm', kind: 'requests', limit: 6400 }] });
    await limiter.record('key:1:tpm', 42);
    const keys = (await redis.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([
      `${prefix}rl:log:key:1:rpm`,
      `${prefix}rl:log:key:1:tpm`,
      `${prefix}rl:sum:key:1:tpm`,
    ]);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      // Whatever this node's lease time: another node's longer lease must not outlive its key.
      expect(ttl).toBeGreaterThan(5000 + MAX_LEASE_MS - 1000);
      expect(ttl).toBeLessThanOrEqual(5000 + MAX_LEASE_MS);
    }
    expect(await redis.get(`${prefix}rl:sum:key:1:tpm`)).toBe('42');
    await limiter.close();
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

  it('fails admissions at once, without queueing, while the server cannot be reached or the connection is closed', async () => {
    const unreachable = createRedisConnection('redis://127.0.0.1:1');
    unreachable.on('error', () => {});
    const limiter = new RedisRateLimiter(unreachable, { keyPrefix: prefix });
    const bucket = [{ id: 'k', kind: 'requests' as const, limit: 3 }];
    try {
      const started = performance.now();
      await expect(limiter.admit({ buckets: bucket })).rejects.toThrow(RateLimiterUnavailableError);
      expect(performance.now() - started).toBeLessThan(50);
      // Tokens wait for the connection; closing without one gives them up.
      const recorded = limiter.record('k', 3);
      const early = await Promise.race([
        recorded.then(
          () => 'written',
          () => 'refused',
        ),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 50)),
      ]);
      expect(early).toBe('waiting');
      await limiter.close();
      await expect(recorded).rejects.toThrow(/Redis connection is (connecting|reconnecting)/);
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

  it('writes records with the next admission, in the same call, counted exactly once', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, recordDelayMs: 10_000, leaseMs: 0 });
    const script = watchScript(redis);
    const written = [limiter.record('key:9:tpm', 100), limiter.record('key:9:tpm', 50)];
    expect(await redis.get(`${prefix}rl:sum:key:9:tpm`)).toBeNull();
    const admission = await limiter.admit({ buckets: [rpm, tpm(10)] });
    expect(script.calls()).toBe(1);
    await Promise.all(written);
    expect(admission.buckets[1]!.remaining).toBe(850);
    // One entry per bucket and call: the two records were summed.
    expect(await redis.zrange(`${prefix}rl:log:key:9:tpm`, '0', '-1')).toHaveLength(1);
    expect(await redis.get(`${prefix}rl:sum:key:9:tpm`)).toBe('150');
    expect((await limiter.admit({ buckets: [rpm, tpm()] })).buckets[1]!.remaining).toBe(850);
    expect(script.calls()).toBe(2);
  });

  for (const failure of ['failBeforeSending', 'failAfterRunning'] as const) {
    it(`keeps the records of a call that failed (${failure}) and writes them once with a later one`, async () => {
      const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, recordDelayMs: 10_000, leaseMs: 0 });
      const script = watchScript(redis);
      let settled = false;
      const written = limiter.record('key:9:tpm', 100).finally(() => {
        settled = true;
      });
      script[failure]();
      await expect(limiter.admit({ buckets: [rpm, tpm()] })).rejects.toThrow(RateLimiterUnavailableError);
      expect(settled).toBe(false);
      const later = limiter.record('key:9:tpm', 20);
      const admission = await limiter.admit({ buckets: [rpm, tpm()] });
      await Promise.all([written, later]);
      expect(admission.buckets[1]!.remaining).toBe(880);
      expect(await redis.get(`${prefix}rl:sum:key:9:tpm`)).toBe('120');
      // The failed admission recorded its request only if its script ran.
      expect(admission.buckets[0]!.remaining).toBe(failure === 'failAfterRunning' ? 98 : 99);
    });
  }

  it('writes records on its own after the delay when no admission comes', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, recordDelayMs: 30 });
    const script = watchScript(redis);
    const started = performance.now();
    const written = limiter.record('key:9:tpm', 70);
    void limiter.record('key:9:tpm', 5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await redis.get(`${prefix}rl:sum:key:9:tpm`)).toBeNull();
    await written;
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(script.calls()).toBe(1);
    expect(await redis.get(`${prefix}rl:sum:key:9:tpm`)).toBe('75');
    // A failed write is tried again by the timer.
    script.failBeforeSending();
    await limiter.record('key:9:tpm', 25);
    expect(script.calls()).toBe(3);
    expect(await redis.get(`${prefix}rl:sum:key:9:tpm`)).toBe('100');
  });

  it('tries pending records less and less often while Redis keeps refusing them, and writes them once it takes them', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, recordDelayMs: 10, leaseMs: 0 });
    const script = watchScript(redis);
    script.failEveryCall();
    const written = limiter.record('key:9:tpm', 40);
    await new Promise((resolve) => setTimeout(resolve, 700));
    // Every 10 ms that would be about 70 calls; waiting twice as long after each failure, 6 or 7.
    expect(script.calls()).toBeGreaterThanOrEqual(4);
    expect(script.calls()).toBeLessThanOrEqual(8);
    script.restore();
    await written;
    expect(await redis.get(`${prefix}rl:sum:key:9:tpm`)).toBe('40');
    await limiter.close();
  });

  it('writes pending records on close, and rejects them when it cannot', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, recordDelayMs: 10_000, leaseMs: 0 });
    const written = limiter.record('key:9:tpm', 40);
    await limiter.close();
    await written;
    expect(await redis.get(`${prefix}rl:sum:key:9:tpm`)).toBe('40');

    const other = await connectTestRedis('switchboard-test-closing');
    const closing = new RedisRateLimiter(other, {
      keyPrefix: prefix,
      recordDelayMs: 10_000,
      ownsConnection: true,
    });
    watchScript(other).failBeforeSending();
    const lost = expect(closing.record('key:9:tpm', 5)).rejects.toThrow(RateLimiterUnavailableError);
    await closing.close();
    await lost;
    expect(await redis.get(`${prefix}rl:sum:key:9:tpm`)).toBe('40');
  });

  it('rejects a record Redis refuses without holding up the admission or the other records', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, recordDelayMs: 10_000, leaseMs: 0 });
    await redis.set(`${prefix}rl:log:broken`, 'not a sorted set');
    const refused = limiter.record('broken', 5);
    const written = limiter.record('key:9:tpm', 5);
    const admission = await limiter.admit({ buckets: [rpm, tpm()] });
    expect(admission.allowed).toBe(true);
    expect(admission.buckets[1]!.remaining).toBe(995);
    await expect(refused).rejects.toThrow(/WRONGTYPE/);
    await expect(written).resolves.toBeUndefined();
  });

  it('finds when a refused tokens bucket has room, however deep in its log that is', async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, windowMs: 60_000 });
    const [seconds, micros] = await redis.time();
    const start = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 55_000;
    // 100 entries of 1 token, one per half second, the oldest 55 s ago.
    const members = Array.from({ length: 100 }, (_, index) => [
      start + 500 * index,
      `entry${index}:1`,
    ]).flat();
    await redis.zadd(`${prefix}rl:log:key:9:tpm`, ...members);
    await redis.set(`${prefix}rl:sum:key:9:tpm`, 100);
    for (const [estimate, leaving] of [
      [1, 0],
      [40, 39],
      [100, 99],
    ] as const) {
      const before = Date.now();
      const refused = await limiter.admit({
        buckets: [{ id: 'key:9:tpm', kind: 'tokens', limit: 100, estimate }],
      });
      const elapsed = Date.now() - before;
      expect(refused.allowed).toBe(false);
      // The entry whose leaving makes room is the (leaving + 1)th oldest.
      const expected = 60_000 - 55_000 + 500 * leaving;
      expect(refused.retryAfterMs).toBeLessThanOrEqual(expected);
      expect(refused.retryAfterMs).toBeGreaterThanOrEqual(expected - elapsed - 250);
    }
  });

  describe('room leases', () => {
    const roomy = { id: 'key:5:rpm', kind: 'requests' as const, limit: 6400 };
    /** A limiter on the test's connection whose leases last 10 s unless told otherwise. */
    const leasing = (options: Partial<RedisRateLimiterOptions> = {}): RedisRateLimiter =>
      new RedisRateLimiter(redis, { keyPrefix: prefix, leaseMs: 10_000, ...options });

    it('admits most requests of a roomy bucket without a round trip, and gives unused room back on close', async () => {
      const limiter = leasing();
      const script = watchScript(redis);
      const remaining: number[] = [];
      for (let index = 0; index < 64; index++) {
        const admission = await limiter.admit({ buckets: [roomy] });
        expect(admission.allowed).toBe(true);
        remaining.push(admission.buckets[0]!.remaining);
      }
      // One call per 32 requests of lease, and the request that took it.
      expect(script.calls()).toBe(2);
      expect(remaining).toEqual(Array.from({ length: 64 }, (_, index) => 6400 - index - 1));
      // The open lease's room counts as used for every other node until it is settled.
      expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(66);
      await limiter.close();
      expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(64);
    });

    it('makes concurrent requests wait for the lease being asked for rather than each call Redis', async () => {
      const limiter = leasing();
      const script = watchScript(redis);
      const admissions = await Promise.all(
        Array.from({ length: 40 }, () => limiter.admit({ buckets: [roomy] })),
      );
      expect(admissions.every((admission) => admission.allowed)).toBe(true);
      // The first call's request and its lease of 32; each of the 7 left over waited once and then
      // calls on its own (the first of them asking for the next lease), rather than wait in line.
      expect(script.calls()).toBe(8);
      await limiter.close();
      expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(40);
    });

    it('lets two nodes together admit no more than the limit, and exactly the limit once their leases end', async () => {
      const other = await connectTestRedis('switchboard-test-lease-b');
      try {
        // 640 a window: leases of 10, granted while the bucket stays at most half full.
        const bucket = { id: 'key:6:rpm', kind: 'requests' as const, limit: 640 };
        const nodeA = new RedisRateLimiter(redis, { keyPrefix: prefix, leaseMs: 300, recordDelayMs: 5 });
        const nodeB = new RedisRateLimiter(other, { keyPrefix: prefix, leaseMs: 300, recordDelayMs: 5 });
        const admitted = { a: 0, b: 0 };
        const burst = async (node: RedisRateLimiter, name: 'a' | 'b', count: number) => {
          for (let index = 0; index < count; index++) {
            if ((await node.admit({ buckets: [bucket] })).allowed) admitted[name] += 1;
          }
        };
        // A takes its share and a lease it leaves partly unused; B then presses against the limit.
        await burst(nodeA, 'a', 305);
        await burst(nodeB, 'b', 400);
        expect(admitted.a + admitted.b).toBeLessThanOrEqual(640);
        expect(admitted.a + admitted.b).toBeGreaterThanOrEqual(640 - 10);
        // A's lease ends and its unused room comes back: B gets exactly the rest. (Slack for a loaded
        // machine: the lease timer, then the settlement's own 5 ms delay and round trip.)
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await burst(nodeB, 'b', 20);
        expect(admitted.a + admitted.b).toBe(640);
        expect(await redis.zcard(`${prefix}rl:log:key:6:rpm`)).toBe(640);
        await Promise.all([nodeA.close(), nodeB.close()]);
        expect(await redis.zcard(`${prefix}rl:log:key:6:rpm`)).toBe(640);
      } finally {
        await other.quit();
      }
    });

    it('counts a tokens lease as used for the other nodes, and gives it back whole, recorded tokens kept', async () => {
      const other = await connectTestRedis('switchboard-test-lease-tokens');
      try {
        const bucket = { id: 'key:7:tpm', kind: 'tokens' as const, limit: 64_000, estimate: 100 };
        const nodeA = leasing({ recordDelayMs: 10_000 });
        const nodeB = new RedisRateLimiter(other, { keyPrefix: prefix, leaseMs: 0 });
        const script = watchScript(redis);
        for (let index = 0; index < 10; index++) {
          expect((await nodeA.admit({ buckets: [bucket] })).allowed).toBe(true);
        }
        expect(script.calls()).toBe(1);
        // 1000 tokens leased (1/64 of the limit), seen by B as used.
        expect((await nodeB.admit({ buckets: [bucket] })).buckets[0]!.remaining).toBe(63_000);
        const recorded = nodeA.record(bucket.id, 250);
        await nodeA.close();
        await recorded;
        expect(await redis.get(`${prefix}rl:sum:key:7:tpm`)).toBe('250');
        expect((await nodeB.admit({ buckets: [bucket] })).buckets[0]!.remaining).toBe(63_750);
      } finally {
        await other.quit();
      }
    });

    it('leases nothing from small buckets or to refused requests: each of those requests is decided by Redis', async () => {
      const limiter = leasing();
      const script = watchScript(redis);
      const small = { id: 'key:8:rpm', kind: 'requests' as const, limit: 100 };
      for (let index = 0; index < 5; index++) await limiter.admit({ buckets: [small] });
      expect(script.calls()).toBe(5);
      expect(await redis.zcard(`${prefix}rl:log:key:8:rpm`)).toBe(5);
      // A roomy bucket with a small one: never admitted from leases, so none is taken for it.
      for (let index = 0; index < 3; index++) await limiter.admit({ buckets: [roomy, small] });
      expect(script.calls()).toBe(8);
      expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(3);
      // A tokens bucket whose window is all but full refuses, and leases nothing.
      const full = { id: 'key:8:tpm', kind: 'tokens' as const, limit: 64_000, estimate: 100 };
      await redis.zadd(`${prefix}rl:log:key:8:tpm`, Date.now(), 'earlier:63950');
      await redis.set(`${prefix}rl:sum:key:8:tpm`, 63_950);
      expect((await limiter.admit({ buckets: [full] })).allowed).toBe(false);
      expect(await redis.zcard(`${prefix}rl:log:key:8:tpm`)).toBe(1);
      expect(await redis.get(`${prefix}rl:sum:key:8:tpm`)).toBe('63950');
    });

    it("refuses, like Redis, a request this node's own recorded tokens put over the limit, lease or not", async () => {
      const limiter = leasing({ recordDelayMs: 10_000 });
      const script = watchScript(redis);
      const bucket = { id: 'key:11:tpm', kind: 'tokens' as const, limit: 64_000, estimate: 100 };
      expect((await limiter.admit({ buckets: [bucket] })).allowed).toBe(true);
      expect((await limiter.admit({ buckets: [bucket] })).allowed).toBe(true);
      expect(script.calls()).toBe(1);
      const recorded = limiter.record(bucket.id, 70_000);
      // Not from the lease: Redis decides, with the recorded tokens written first.
      expect((await limiter.admit({ buckets: [bucket] })).allowed).toBe(false);
      expect(script.calls()).toBe(2);
      await recorded;
      await limiter.close();
    });

    it('counts a tokens lease once when Redis runs the same call twice (sent again after a lost reply)', async () => {
      const script = defineSlidingWindow(redis);
      const call = {
        windowMs: 60_000,
        leaseMs: 1000,
        settlements: [],
        records: [],
        buckets: [
          {
            log: `${prefix}rl:log:key:12:tpm`,
            sum: `${prefix}rl:sum:key:12:tpm`,
            kind: 'tokens' as const,
            limit: 64_000,
            need: 100,
            want: 1000,
          },
        ],
        requestId: 'same-call',
      };
      expect((await script.run(call)).admission).toMatchObject({ buckets: [{ granted: 1000 }] });
      await script.run(call);
      expect(await redis.get(`${prefix}rl:sum:key:12:tpm`)).toBe('1000');
      expect(await redis.zcard(`${prefix}rl:log:key:12:tpm`)).toBe(1);
    });

    // The script admitted the request and wrote its entry, then the connection dropped before the
    // reply came: ioredis sends the call again, and the request must not be refused for its own entry.
    it('answers an admission Redis runs twice as it did the first time, counting it once', async () => {
      const script = defineSlidingWindow(redis);
      const bucket = (name: string, kind: 'requests' | 'tokens', limit: number, want: number) => ({
        log: `${prefix}rl:log:${name}`,
        sum: `${prefix}rl:sum:${name}`,
        kind,
        limit,
        need: kind === 'requests' ? 1 : 100,
        want,
      });
      const call = {
        windowMs: 60_000,
        leaseMs: 1000,
        settlements: [],
        records: [],
        buckets: [bucket('key:15:rpm', 'requests', 2, 0), bucket('key:15:tpm', 'tokens', 64_000, 1000)],
        requestId: 'twice',
      };
      const first = (await script.run(call)).admission;
      expect(first).toMatchObject({ allowed: true, buckets: [{ total: 1 }, { granted: 1000 }] });
      // The same answer, but for the time, and the time to the reset, which have moved on.
      const figures = (admission: typeof first) =>
        admission && 'buckets' in admission
          ? {
              allowed: admission.allowed,
              buckets: admission.buckets.map(({ resetMs: _reset, ...rest }) => rest),
            }
          : admission;
      expect(figures((await script.run(call)).admission)).toEqual(figures(first));
      expect(await redis.zcard(`${prefix}rl:log:key:15:rpm`)).toBe(1);
      expect(await redis.get(`${prefix}rl:sum:key:15:tpm`)).toBe('1000');
      // The limit of 2 still lets one more request through.
      const next = (await script.run({ ...call, requestId: 'next' })).admission;
      expect(next).toMatchObject({ allowed: true, buckets: [{ total: 2 }, {}] });

      // A requests lease, run twice: granted both times, its room counted once.
      const leased = { ...call, buckets: [bucket('key:16:rpm', 'requests', 6400, 32)], requestId: 'lease' };
      expect((await script.run(leased)).admission).toMatchObject({ buckets: [{ granted: 32, total: 33 }] });
      expect((await script.run(leased)).admission).toMatchObject({ buckets: [{ granted: 32, total: 33 }] });
      expect(await redis.zcard(`${prefix}rl:log:key:16:rpm`)).toBe(33);
    });

    it('keeps leasing from a roomy bucket when a request is refused by another of its buckets', async () => {
      const limiter = leasing();
      const full = { id: 'key:13:rpm', kind: 'requests' as const, limit: 200 };
      const shared = { id: 'user:13:rpm', kind: 'requests' as const, limit: 6400 };
      const other = { id: 'key:14:rpm', kind: 'requests' as const, limit: 6400 };
      const [seconds] = await redis.time();
      const members = Array.from({ length: 200 }, (_, index) => [
        Number(seconds) * 1000,
        `old${index}`,
      ]).flat();
      await redis.zadd(`${prefix}rl:log:key:13:rpm`, ...members);
      const script = watchScript(redis);
      expect((await limiter.admit({ buckets: [full, shared] })).allowed).toBe(false);
      // The shared bucket was not what refused: the other key's requests still lease from it.
      for (let index = 0; index < 10; index++) {
        expect((await limiter.admit({ buckets: [other, shared] })).allowed).toBe(true);
      }
      expect(script.calls()).toBe(2);
      await limiter.close();
    });

    it('gives back on its own, soon, the room a lost call may have leased, with no other traffic', async () => {
      const limiter = leasing({ recordDelayMs: 5 });
      const script = watchScript(redis);
      script.failAfterRunning();
      await expect(limiter.admit({ buckets: [roomy] })).rejects.toThrow(RateLimiterUnavailableError);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Only the request itself is left: it was admitted, as far as Redis knows.
      expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(1);
      await limiter.close();
    });

    it('writes tokens recorded while the connection was down once it is back', async () => {
      await withDroppedConnection(
        'switchboard-test-record-back',
        { recordDelayMs: 5 },
        async (limiter, reconnect) => {
          const recorded = limiter.record('key:17:tpm', 900);
          // Down long enough for the tries to have backed off to their longest wait: the records are
          // still written as soon as the connection is ready again, not at the next try.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          await reconnect();
          const soon = new Promise((resolve) => setTimeout(() => resolve('not yet'), 300));
          expect(await Promise.race([recorded.then(() => 'written'), soon])).toBe('written');
          expect(await redis.get(`${prefix}rl:sum:key:17:tpm`)).toBe('900');
          const admission = await limiter.admit({
            buckets: [{ id: 'key:17:tpm', kind: 'tokens', limit: 1000, estimate: 50 }],
          });
          expect(admission.buckets[0]).toMatchObject({ remaining: 100 });
          await limiter.close();
        },
      );
    });

    // Leased room is counted at the lease's end until settled; what the node used of it must then
    // leave the window when its requests would have, not up to a lease time later.
    it('scores the leased room it used back to when its requests came', async () => {
      const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix, leaseMs: 5_000 });
      const bucket = { id: 'key:18:rpm', kind: 'requests' as const, limit: 6400 };
      for (let index = 0; index < 6; index++)
        expect((await limiter.admit({ buckets: [bucket] })).allowed).toBe(true);
      await limiter.close();
      const redisNow = await redisTimeMs();
      const scores = (await redis.zrange(`${prefix}rl:log:key:18:rpm`, '0', '-1', 'WITHSCORES')).filter(
        (_, index) => index % 2 === 1,
      );
      // The request that took the lease and the five admitted from it; the unused room given back.
      // Scored when they came (give or take the grant's round trip), not at the lease's end 5 s on.
      expect(scores).toHaveLength(6);
      for (const score of scores) expect(Number(score)).toBeLessThanOrEqual(redisNow + 100);
    });

    // Served while Redis was unreachable (failing open), a key's tokens still count from when they
    // were used, not from the reconnect: they leave the window when they would have.
    it('writes tokens recorded during an outage as of when they were recorded', async () => {
      await withDroppedConnection(
        'switchboard-test-record-when',
        { recordDelayMs: 5 },
        async (limiter, reconnect) => {
          const recorded = limiter.record('key:19:tpm', 700);
          await new Promise((resolve) => setTimeout(resolve, 400));
          await reconnect();
          await recorded;
          const [, score] = await redis.zrange(`${prefix}rl:log:key:19:tpm`, '0', '0', 'WITHSCORES');
          expect(Number(score)).toBeLessThanOrEqual((await redisTimeMs()) - 350);
          await limiter.close();
        },
      );
    });

    it('leases again once Redis is back after an outage', async () => {
      await withDroppedConnection(
        'switchboard-test-lease-back',
        { leaseMs: 100 },
        async (limiter, reconnect) => {
          await expect(limiter.admit({ buckets: [roomy] })).rejects.toThrow(RateLimiterUnavailableError);
          await reconnect();
          await new Promise((resolve) => setTimeout(resolve, 150));
          expect((await limiter.admit({ buckets: [roomy] })).allowed).toBe(true);
          // The request's own entry and a lease of 32.
          expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(33);
          await limiter.close();
        },
      );
    });

    it('closes while Redis is unreachable, holding a lease (its room stays counted for one window)', async () => {
      const other = await connectTestRedis('switchboard-test-lease-outage');
      const limiter = new RedisRateLimiter(other, { keyPrefix: prefix, leaseMs: 10_000 });
      await limiter.admit({ buckets: [roomy] });
      const ended = new Promise((resolve) => other.once('end', resolve));
      other.disconnect();
      await ended;
      // Admissions during the outage fail at once and take no lease.
      await expect(limiter.admit({ buckets: [{ ...roomy, id: 'key:15:rpm' }] })).rejects.toThrow(
        RateLimiterUnavailableError,
      );
      const outcome = await Promise.race([
        limiter.close().then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('still closing after 2 s'), 2_000)),
      ]);
      expect(outcome).toBe('closed');
      expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(33);
    });

    it('gives back, with the next call, the room of a lease whose grant was lost in transit', async () => {
      const limiter = leasing({ recordDelayMs: 10_000 });
      const script = watchScript(redis);
      await limiter.admit({ buckets: [roomy] });
      for (let index = 0; index < 32; index++) await limiter.admit({ buckets: [roomy] });
      expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(33);
      // The lease is spent: the next admission asks for another, granted, but its reply is lost…
      script.failAfterRunning();
      await expect(limiter.admit({ buckets: [roomy] })).rejects.toThrow(RateLimiterUnavailableError);
      expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(66);
      // …so the next call settles that grant unused; close settles the rest.
      await limiter.admit({ buckets: [roomy] });
      await limiter.close();
      expect(await redis.zcard(`${prefix}rl:log:key:5:rpm`)).toBe(35);
    });
  });
});
