import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { bucketNeeds, recordedAmount } from '../bucket-needs.ts';
import type { Admission, AdmitRequest, BucketState, RateLimiter } from '../rate-limiter.ts';
import { RateLimiterUnavailableError } from '../rate-limiter-unavailable-error.ts';
import { defineSlidingWindow, type RedisSlidingWindow } from './redis-sliding-window.ts';

export interface RedisRateLimiterOptions {
  /** Namespace of every key, e.g. `switchboard:` (keys are `<prefix>rl:log:<bucket>`, `<prefix>rl:sum:<bucket>`). */
  keyPrefix: string;
  /** The sliding window (default 60 s). */
  windowMs?: number;
  /** Whether `close` also closes the connection (default false: the caller owns it). */
  ownsConnection?: boolean;
}

/**
 * The many-node limiter: one Lua script per admission over every bucket's sorted set, timed by the
 * Redis clock, so any number of gateway processes share exact limits. The connection must be a
 * standalone (or Sentinel) Redis: an admission touches several keys, which Redis Cluster would
 * spread over slots. A connection that is not ready fails at once rather than queueing requests.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #script: RedisSlidingWindow;
  readonly #prefix: string;
  readonly #windowMs: number;
  readonly #ownsConnection: boolean;
  /** Unique entry ids: this limiter's random tag and a counter. */
  readonly #tag = randomBytes(6).toString('base64url');
  #sequence = 0;

  constructor(redis: Redis, options: RedisRateLimiterOptions) {
    this.#redis = redis;
    this.#script = defineSlidingWindow(redis);
    this.#prefix = options.keyPrefix;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#ownsConnection = options.ownsConnection ?? false;
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    const needs = bucketNeeds(request.buckets);
    if (request.buckets.length === 0) return { allowed: true, retryAfterMs: 0, buckets: [] };
    const reply = await this.#call(() =>
      this.#script.run({
        windowMs: this.#windowMs,
        records: [],
        buckets: request.buckets.map((bucket, index) => ({
          log: this.#logKey(bucket.id),
          sum: this.#sumKey(bucket.id),
          kind: bucket.kind,
          limit: bucket.limit,
          need: needs[index]!,
        })),
        requestId: this.#nextId(),
      }),
    );
    const admission = reply.admission;
    if (!admission) throw new RateLimiterUnavailableError('rate limiter: the Redis script decided nothing');
    if ('error' in admission)
      throw new RateLimiterUnavailableError(`rate limiter: Redis failed: ${admission.error}`);
    let retryAfterMs = 0;
    const buckets = request.buckets.map((bucket, index): BucketState => {
      const figures = admission.buckets[index]!;
      retryAfterMs = Math.max(retryAfterMs, figures.waitMs);
      return {
        id: bucket.id,
        kind: bucket.kind,
        limit: bucket.limit,
        remaining: Math.max(0, bucket.limit - figures.total),
        resetMs: figures.resetMs,
        allowed: figures.fits,
        retryAfterMs: figures.waitMs,
      };
    });
    return { allowed: admission.allowed, retryAfterMs, buckets };
  }

  async record(bucketId: string, amount: number): Promise<void> {
    const tokens = recordedAmount(amount);
    if (tokens === 0) return;
    const reply = await this.#call(() =>
      this.#script.run({
        windowMs: this.#windowMs,
        records: [
          { log: this.#logKey(bucketId), sum: this.#sumKey(bucketId), id: this.#nextId(), amount: tokens },
        ],
        buckets: [],
        requestId: '',
      }),
    );
    const error = reply.recordErrors[0];
    if (error !== undefined) throw new RateLimiterUnavailableError(`rate limiter: Redis failed: ${error}`);
  }

  async close(): Promise<void> {
    if (this.#ownsConnection) await this.#redis.quit();
  }

  async #call<T>(command: () => Promise<T>): Promise<T> {
    if (this.#redis.status !== 'ready') {
      throw new RateLimiterUnavailableError(`rate limiter: Redis connection is ${this.#redis.status}`);
    }
    try {
      return await command();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RateLimiterUnavailableError(`rate limiter: Redis failed: ${reason}`, { cause: error });
    }
  }

  #nextId(): string {
    this.#sequence = (this.#sequence + 1) % Number.MAX_SAFE_INTEGER;
    return `${this.#tag}.${this.#sequence.toString(36)}`;
  }

  #logKey(bucketId: string): string {
    return `${this.#prefix}rl:log:${bucketId}`;
  }

  #sumKey(bucketId: string): string {
    return `${this.#prefix}rl:sum:${bucketId}`;
  }
}
