import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { bucketNeeds, recordedAmount } from '../bucket-needs.ts';
import type { Admission, AdmitRequest, BucketState, RateLimiter } from '../rate-limiter.ts';
import { RateLimiterUnavailableError } from '../rate-limiter-unavailable-error.ts';
import { PendingRecords } from './pending-records.ts';
import { MAX_LEASE_MS, RoomLeases, type LeaseGrant } from './room-leases.ts';
import {
  defineSlidingWindow,
  type RedisSlidingWindow,
  type ScriptBucket,
  type ScriptReply,
} from './redis-sliding-window.ts';

export interface RedisRateLimiterOptions {
  /** Namespace of every key, e.g. `switchboard:` (keys are `<prefix>rl:log:<bucket>`, `<prefix>rl:sum:<bucket>`). */
  keyPrefix: string;
  /** The sliding window (default 60 s). */
  windowMs?: number;
  /** Whether `close` also closes the connection (default false: the caller owns it). */
  ownsConnection?: boolean;
  /**
   * Longest a record waits for an admission to carry it before it is written on its own (default
   * 20 ms): also how late other nodes may see this node's tokens.
   */
  recordDelayMs?: number;
  /**
   * How long this node may admit requests from room it leased from a bucket far from its limit,
   * without a round trip (default 1000 ms; 0: never lease). See room-leases.ts.
   */
  leaseMs?: number;
}

/** At most this many records, and settlements, ride on one call (only a backlog after failures comes near it). */
const recordsPerCall = 256;
/**
 * Longest wait between two tries of pending records while Redis keeps failing: the wait doubles
 * from `recordDelayMs` with each failure in a row, so a Redis that is up but refusing (out of
 * memory, a read-only replica) is not sent a call every few milliseconds by every node. A connection
 * coming back ready is tried at once (see the constructor).
 */
const MAX_RETRY_DELAY_MS = 1000;

/**
 * The many-node limiter: one Lua script per admission over every bucket's sorted set, timed by the
 * Redis clock, so any number of gateway processes share exact limits. The connection must be a
 * standalone (or Sentinel) Redis: an admission touches several keys, which Redis Cluster would
 * spread over slots. A connection that is not ready fails admissions at once rather than queueing
 * requests; records wait for it (see below).
 *
 * Records cost no round trip of their own: they are summed per bucket and written by this node's
 * next admission, in the same script call and before it decides (so it sees them), or by a timer
 * after `recordDelayMs` when no admission comes, or by `close`. `record` resolves once its tokens
 * are in Redis and rejects (`RateLimiterUnavailableError`) only when they are given up: Redis
 * refused that bucket's write, the limiter closed without writing them, or a window passed. A
 * call that fails in transit gives its records back for the next call; sent again under the same
 * log member, they are counted once even if the first call had in fact run.
 *
 * Buckets far from their limits cost no round trip for most requests: with an admission, the script
 * may lease this node a slice of the bucket's room (at most 1/64 of the limit, about 32 requests'
 * worth, only while the bucket stays at most half full), counted in Redis as used at once. Requests
 * whose every bucket has a live lease with room are admitted here from it; a lease ends when spent,
 * after `leaseMs`, or on `close`, and its unused room is given back by the next call (settlement,
 * riding on calls as records do). A node that dies with a lease leaves its room counted for one
 * window. Near a limit no lease is granted, so every request there is decided by Redis; a node may
 * then still hold room it leased earlier, for at most `leaseMs`.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly remote = true;
  readonly #redis: Redis;
  readonly #script: RedisSlidingWindow;
  readonly #prefix: string;
  readonly #windowMs: number;
  readonly #ownsConnection: boolean;
  readonly #recordDelayMs: number;
  readonly #pending: PendingRecords;
  readonly #leases: RoomLeases;
  #timer: NodeJS.Timeout | undefined;
  #leaseTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Calls that failed in a row: pending records wait longer before the next try (MAX_RETRY_DELAY_MS). */
  #failedFlushes = 0;
  readonly #onReady = (): void => {
    if (this.#failedFlushes === 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.#flush();
  };
  /** Unique entry ids: this limiter's random tag and a counter. */
  readonly #tag = randomBytes(6).toString('base64url');
  #sequence = 0;

  constructor(redis: Redis, options: RedisRateLimiterOptions) {
    this.#redis = redis;
    this.#script = defineSlidingWindow(redis);
    this.#prefix = options.keyPrefix;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#ownsConnection = options.ownsConnection ?? false;
    this.#recordDelayMs = options.recordDelayMs ?? 20;
    this.#pending = new PendingRecords({ nextId: () => this.#nextId(), maxAgeMs: this.#windowMs });
    this.#leases = new RoomLeases({
      leaseMs: options.leaseMs ?? 1000,
      maxSettlementAgeMs: this.#windowMs + MAX_LEASE_MS,
    });
    redis.on('ready', this.#onReady);
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    const needs = bucketNeeds(request.buckets);
    if (request.buckets.length === 0) return { allowed: true, retryAfterMs: 0, buckets: [] };
    if (this.#closed)
      return this.#decide(
        request,
        needs,
        request.buckets.map(() => 0),
      );
    const leased = this.#leases.admit(request.buckets, needs);
    if (leased !== undefined) return leased;
    // A lease being asked for may well have room for this request too: worth one wait (not more, so
    // that a burst larger than a lease is not served a lease per round trip). If that call could not
    // reach Redis, neither could this request's: it fails alike rather than wait for a call of its own.
    const asked = this.#leases.askedFor(request.buckets, needs);
    if (asked !== undefined) {
      const failure = await asked.then(
        () => undefined,
        (error: unknown) => error,
      );
      if (failure instanceof RateLimiterUnavailableError) throw failure;
      const fromNewLease = this.#leases.admit(request.buckets, needs);
      if (fromNewLease !== undefined) return fromNewLease;
    }
    const wants = this.#leases.wants(request.buckets, needs);
    const deciding = this.#decide(request, needs, wants);
    // Noted at once: `#decide` has run up to its first wait, and notes the answer only after it.
    this.#leases.asking(wants, request.buckets, deciding);
    deciding.catch(() => {});
    return deciding;
  }

  /** One admission by the script, asking for `wants` of room to lease besides. */
  async #decide(request: AdmitRequest, needs: number[], wants: number[]): Promise<Admission> {
    const askedAt = performance.now();
    const requestId = this.#nextId();
    // Answered after a wait, always: `admit` notes the call as asking once this has started.
    await Promise.resolve();
    if (this.#redis.status !== 'ready') {
      this.#leases.answered(wants, request.buckets, askedAt, requestId, 'unsent');
      throw this.#notReady();
    }
    let reply: ScriptReply;
    try {
      reply = await this.#run(
        request.buckets.map((bucket, index) => ({
          log: this.#logKey(bucket.id),
          sum: this.#sumKey(bucket.id),
          kind: bucket.kind,
          limit: bucket.limit,
          need: needs[index]!,
          want: wants[index]!,
        })),
        requestId,
      );
    } catch (error) {
      this.#leases.answered(wants, request.buckets, askedAt, requestId, 'lost');
      this.#schedule();
      throw error;
    }
    const admission = reply.admission;
    if (!admission || 'error' in admission) {
      this.#leases.answered(wants, request.buckets, askedAt, requestId, 'lost');
      this.#schedule();
      throw new RateLimiterUnavailableError(
        admission
          ? `rate limiter: Redis failed: ${admission.error}`
          : 'rate limiter: the Redis script decided nothing',
      );
    }
    const grants: LeaseGrant[] = [];
    const declined: string[] = [];
    let retryAfterMs = 0;
    const buckets = request.buckets.map((bucket, index): BucketState => {
      const figures = admission.buckets[index]!;
      retryAfterMs = Math.max(retryAfterMs, figures.waitMs);
      const want = wants[index]!;
      const after = figures.total + want + (bucket.kind === 'tokens' ? needs[index]! : 0);
      if (want > 0 && figures.granted === 0 && (!figures.fits || after * 2 > bucket.limit)) {
        declined.push(bucket.id);
      }
      if (figures.granted > 0) {
        grants.push({
          bucketId: bucket.id,
          kind: bucket.kind,
          limit: bucket.limit,
          size: figures.granted,
          held: figures.total,
          resetMs: figures.resetMs,
          startsAt: admission.now,
        });
      }
      return {
        id: bucket.id,
        kind: bucket.kind,
        limit: bucket.limit,
        // Room leased to this node is room it may still use.
        remaining: Math.max(0, bucket.limit - figures.total + figures.granted),
        resetMs: figures.resetMs,
        allowed: figures.fits,
        retryAfterMs: figures.waitMs,
      };
    });
    this.#leases.answered(wants, request.buckets, askedAt, requestId, { grants, declined });
    if (this.#closed) {
      // Granted to a call still in flight when the limiter closed: given back at once.
      this.#leases.settleAll();
      void this.#flush();
    } else if (grants.length > 0) {
      this.#watchLeases();
    }
    return { allowed: admission.allowed, retryAfterMs, buckets };
  }

  record(bucketId: string, amount: number): Promise<void> {
    const tokens = recordedAmount(amount);
    if (tokens === 0) return Promise.resolve();
    // Kept while the connection is down too: written once it is back (within a window), so a short
    // reconnect loses no tokens.
    this.#leases.record(bucketId, tokens);
    const written = this.#pending.add(bucketId, tokens);
    if (this.#closed) void this.#flush();
    else this.#schedule();
    return written;
  }

  /** Writes what is still pending (records it cannot write are rejected), then closes an owned connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#redis.off('ready', this.#onReady);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#leaseTimer);
    this.#leaseTimer = undefined;
    this.#leases.settleAll();
    // Each pass writes up to `recordsPerCall` records and settlements, or gives up all of them (see `#flush`).
    while (this.#pending.size > 0 || this.#leases.pendingSettlements > 0) await this.#flush();
    if (this.#ownsConnection) await this.#redis.quit();
  }

  /**
   * One script call: every pending record (up to `recordsPerCall`), then the buckets if any. The
   * records' fate is settled here, whatever becomes of the admission: written ones resolve, refused
   * ones reject, and all come back for the next call if the call itself failed.
   */
  async #run(buckets: ScriptBucket[], requestId = ''): Promise<ScriptReply> {
    if (this.#redis.status !== 'ready') {
      this.#failedFlushes += 1;
      throw this.#notReady();
    }
    const records = this.#pending.take(recordsPerCall);
    const settlements = this.#leases.takeSettlements(recordsPerCall);
    // What was pending may all have been given up for age: nothing to send then.
    if (records.length === 0 && settlements.length === 0 && buckets.length === 0) {
      return { settlementErrors: [], recordErrors: [], admission: undefined };
    }
    let reply: ScriptReply;
    try {
      reply = await this.#script.run({
        windowMs: this.#windowMs,
        leaseMs: this.#leases.leaseMs,
        settlements: settlements.map((settlement) => ({
          log: this.#logKey(settlement.bucketId),
          sum: this.#sumKey(settlement.bucketId),
          kind: settlement.kind,
          id: settlement.id,
          size: settlement.size,
          used: settlement.used,
          ...(settlement.usedAt === undefined ? {} : { usedAt: settlement.usedAt }),
        })),
        records: records.map((entry) => ({
          log: this.#logKey(entry.bucketId),
          sum: this.#sumKey(entry.bucketId),
          id: entry.id,
          amount: entry.amount,
          ageMs: this.#pending.ageOf(entry),
        })),
        buckets,
        requestId,
      });
    } catch (error) {
      const failure =
        error instanceof RateLimiterUnavailableError
          ? error
          : new RateLimiterUnavailableError(
              `rate limiter: Redis failed: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            );
      if (this.#closed) {
        // Room not given back stays counted until its entries leave the window.
        for (const entry of records) entry.reject(failure);
      } else {
        this.#failedFlushes += 1;
        this.#pending.giveBack(records);
        this.#leases.giveBack(settlements);
        this.#schedule();
      }
      throw failure;
    }
    // Redis answered: pending records are tried again at the usual pace.
    this.#failedFlushes = 0;
    records.forEach((entry, index) => {
      const error = reply.recordErrors[index];
      if (error === undefined) entry.resolve();
      else entry.reject(new RateLimiterUnavailableError(`rate limiter: Redis failed: ${error}`));
    });
    if (this.#pending.size > 0 || this.#leases.pendingSettlements > 0) this.#schedule();
    return reply;
  }

  /** Writes pending records in a call of their own; a failure leaves them pending (see `#run`). */
  async #flush(): Promise<void> {
    if (this.#pending.size === 0 && this.#leases.pendingSettlements === 0) return;
    try {
      await this.#run([]);
    } catch (error) {
      // Not ready, or the call failed: the records are still pending, and `#schedule` tries again;
      // after `close` nothing will, so they are given up.
      if (this.#closed) {
        this.#pending.rejectAll(error instanceof Error ? error : new Error(String(error)));
        // Room not given back stays counted until its entries leave the window.
        this.#leases.dropSettlements();
      } else {
        this.#pending.expire();
        this.#schedule();
      }
    }
  }

  #schedule(): void {
    if (this.#timer || this.#closed || (this.#pending.size === 0 && this.#leases.pendingSettlements === 0)) {
      return;
    }
    const delayMs =
      this.#failedFlushes === 0
        ? this.#recordDelayMs
        : Math.min(MAX_RETRY_DELAY_MS, this.#recordDelayMs * 2 ** Math.min(this.#failedFlushes, 16));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, delayMs);
    this.#timer.unref();
  }

  /** Settles leases as they end (sent with the next call, or after `recordDelayMs`). */
  #watchLeases(delayMs = this.#leases.leaseMs): void {
    if (this.#leaseTimer || this.#closed) return;
    this.#leaseTimer = setTimeout(() => {
      this.#leaseTimer = undefined;
      const next = this.#leases.expire();
      this.#schedule();
      if (next !== undefined) this.#watchLeases(Math.max(1, next - performance.now()));
    }, delayMs);
    this.#leaseTimer.unref();
  }

  #notReady(): RateLimiterUnavailableError {
    return new RateLimiterUnavailableError(`rate limiter: Redis connection is ${this.#redis.status}`);
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
