import type { Admission, BucketCheck, BucketState } from '../rate-limiter.ts';

/**
 * Room a node took from a shared bucket for a short while, so that the requests it admits within
 * that room need no round trip to Redis. In Redis the room is already counted as used when it is
 * granted (requests: one log entry per request of room; tokens: one entry of the whole amount), scored
 * at the lease's end, so another node never sees more room than there is and no entry leaves the
 * window before the request it stands for would have. When the lease ends (spent, expired, replaced,
 * or the limiter closes) it is settled: the room it did not use is given back to the window.
 */
export interface RoomLease {
  readonly bucketId: string;
  readonly kind: 'requests' | 'tokens';
  readonly limit: number;
  /** The admission that took it; its Redis entries are named after it. */
  readonly id: string;
  /** Requests, or tokens, of room taken. */
  readonly size: number;
  /** Of `size`, what the requests admitted within it need (requests: 1 each; tokens: their estimates). */
  used: number;
  /** What the bucket held right after the grant, the lease's whole room included. */
  readonly heldAtGrant: number;
  /** `now()` at the grant, and the bucket's reset then. */
  readonly grantedAt: number;
  readonly resetMsAtGrant: number;
  /** `now()` past which it admits nothing more. */
  readonly expiresAt: number;
}

/** A lease to settle in Redis: `size - used` of its room goes back (requests: the unused entries). */
export interface LeaseSettlement {
  readonly bucketId: string;
  readonly kind: 'requests' | 'tokens';
  readonly id: string;
  readonly size: number;
  readonly used: number;
}

/** What a script call granted one bucket. */
export interface LeaseGrant {
  bucketId: string;
  kind: 'requests' | 'tokens';
  limit: number;
  /** Room granted (0: none). */
  size: number;
  /** The bucket's total after the admission and the grant, and its reset. */
  held: number;
  resetMs: number;
}

export interface RoomLeasesOptions {
  /** How long a lease admits requests (its entries are scored that far ahead). */
  leaseMs: number;
  /** Milliseconds, monotonic (default `performance.now`). */
  now?: () => number;
}

/** A lease is at most this share of its bucket's limit… */
const LEASE_SHARE = 1 / 64;
/** …and at most this many requests' worth of room (tokens: of this request's need). */
const LEASE_REQUESTS = 32;
/** Declined buckets remembered at most; beyond, the memory starts over (they are asked again). */
const MAX_DECLINED = 100_000;
/** Settlements waiting at most (only a long Redis failure comes near it). */
const MAX_SETTLEMENTS = 10_000;

/**
 * This node's leases, one per bucket at most, and the settlements waiting for the next script call.
 * A request is admitted from leases only when every one of its buckets has a live lease with room
 * for its need; otherwise it goes to Redis, which may grant new leases with the admission.
 */
export class RoomLeases {
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #leases = new Map<string, RoomLease>();
  /**
   * Buckets a call in flight asks a lease for, and that call's end: no second call asks meanwhile,
   * and a request that finds no room waits for it rather than going to Redis on its own.
   */
  readonly #asking = new Map<string, Promise<unknown>>();
  /**
   * Buckets Redis lately declined to lease from (too full), until when: not asked again meanwhile,
   * so near a limit no request waits for a lease that will not come.
   */
  readonly #declined = new Map<string, number>();
  #settlements: LeaseSettlement[] = [];

  constructor(options: RoomLeasesOptions) {
    this.#leaseMs = options.leaseMs;
    this.#now = options.now ?? (() => performance.now());
  }

  get leaseMs(): number {
    return this.#leaseMs;
  }

  /** Settlements waiting to be sent. */
  get pendingSettlements(): number {
    return this.#settlements.length;
  }

  /**
   * The admission of a request whose every bucket a live lease has room for, the room taken from
   * them; undefined (nothing taken) otherwise. `needs` as `bucketNeeds` gives them.
   */
  admit(buckets: readonly BucketCheck[], needs: readonly number[]): Admission | undefined {
    const now = this.#now();
    for (let index = 0; index < buckets.length; index++) {
      const bucket = buckets[index]!;
      if (!this.#hasRoom(this.#leases.get(bucket.id), bucket, needs[index]!, now)) return undefined;
    }
    const states: BucketState[] = buckets.map((bucket, index) => {
      const lease = this.#leases.get(bucket.id)!;
      const before = lease.used;
      lease.used += needs[index]!;
      // What the window holds as this node sees it: the grant's total without the room not yet used
      // (a requests bucket counts this request; a tokens bucket counts what was used before it).
      const held = lease.heldAtGrant - lease.size + (lease.kind === 'requests' ? lease.used : before);
      return {
        id: bucket.id,
        kind: bucket.kind,
        limit: bucket.limit,
        remaining: Math.max(0, bucket.limit - held),
        resetMs: Math.max(0, Math.round(lease.resetMsAtGrant - (now - lease.grantedAt))),
        allowed: true,
        retryAfterMs: 0,
      };
    });
    return { allowed: true, retryAfterMs: 0, buckets: states };
  }

  /**
   * Per bucket, the room to ask Redis for with an admission (0: none): a share of the limit that
   * covers several requests like this one. Nothing at all when one of the buckets cannot be leased
   * from (too small, or lately declined): such a request is never admitted from leases, so leasing
   * room for its other buckets would only hold that room. Nothing for a bucket with a live lease that
   * has room, or one a call in flight asks for. `asking` and then `answered` must follow.
   */
  wants(buckets: readonly BucketCheck[], needs: readonly number[]): number[] {
    const now = this.#now();
    const wants: number[] = [];
    for (let index = 0; index < buckets.length; index++) {
      const bucket = buckets[index]!;
      const need = needs[index]!;
      const size = this.#leaseSize(bucket, need, now);
      if (size === 0) return buckets.map(() => 0);
      const covered =
        this.#asking.has(bucket.id) || this.#hasRoom(this.#leases.get(bucket.id), bucket, need, now);
      wants.push(covered ? 0 : size);
    }
    return wants;
  }

  /** Notes the call that asks for `wants`, `ending` once it has been answered. */
  asking(wants: readonly number[], buckets: readonly BucketCheck[], ending: Promise<unknown>): void {
    buckets.forEach((bucket, index) => {
      if (wants[index]! > 0) this.#asking.set(bucket.id, ending);
    });
  }

  /**
   * A call in flight asking a lease for one of these buckets, worth waiting for: only when each of
   * the others has a live lease with room for this request, or is being asked for as well.
   */
  askedFor(buckets: readonly BucketCheck[], needs: readonly number[]): Promise<unknown> | undefined {
    const now = this.#now();
    let call: Promise<unknown> | undefined;
    for (let index = 0; index < buckets.length; index++) {
      const bucket = buckets[index]!;
      const asked = this.#asking.get(bucket.id);
      if (asked !== undefined) call ??= asked;
      else if (!this.#hasRoom(this.#leases.get(bucket.id), bucket, needs[index]!, now)) return undefined;
    }
    return call;
  }

  /**
   * The answer to a call `id` that asked for `wants`: the leases it granted, `'lost'` when it failed
   * in a way that may have run it (a timeout, a lost reply), `'unsent'` when it never reached Redis.
   * A granted lease replaces the bucket's old one, which is settled; `askedAt` is `now()` when the
   * call was sent, so the lease ends here no later than its entries' score in Redis. What a lost call
   * may have granted is settled unused (settling room never granted changes nothing). A bucket that
   * got no lease is not asked again for `leaseMs`: near its limit, or while Redis fails, requests
   * then go to Redis without waiting for leases.
   */
  answered(
    wants: readonly number[],
    buckets: readonly BucketCheck[],
    askedAt: number,
    id: string,
    outcome: LeaseGrant[] | 'lost' | 'unsent',
  ): void {
    buckets.forEach((bucket, index) => {
      const want = wants[index]!;
      if (want <= 0) return;
      this.#asking.delete(bucket.id);
      if (outcome === 'lost')
        this.#queue({ bucketId: bucket.id, kind: bucket.kind, id, size: want, used: 0 });
      if (
        typeof outcome === 'string' ||
        !outcome.some((grant) => grant.bucketId === bucket.id && grant.size > 0)
      ) {
        if (this.#declined.size >= MAX_DECLINED) this.#declined.clear();
        this.#declined.set(bucket.id, askedAt + this.#leaseMs);
      }
    });
    if (typeof outcome === 'string') return;
    for (const grant of outcome) {
      if (grant.size <= 0) continue;
      const old = this.#leases.get(grant.bucketId);
      if (old !== undefined) this.#settle(old);
      this.#leases.set(grant.bucketId, {
        bucketId: grant.bucketId,
        kind: grant.kind,
        limit: grant.limit,
        id,
        size: grant.size,
        used: 0,
        heldAtGrant: grant.held,
        grantedAt: askedAt,
        resetMsAtGrant: grant.resetMs,
        expiresAt: askedAt + this.#leaseMs,
      });
    }
  }

  /** Settles every lease past its end; returns when the next one ends (undefined: none left). */
  expire(): number | undefined {
    const now = this.#now();
    let next: number | undefined;
    for (const lease of this.#leases.values()) {
      if (lease.expiresAt <= now) this.#settle(lease);
      else next = Math.min(next ?? lease.expiresAt, lease.expiresAt);
    }
    return next;
  }

  /** Settles every lease (the limiter closes). */
  settleAll(): void {
    for (const lease of this.#leases.values()) this.#settle(lease);
  }

  /** Up to `max` settlements to send, oldest first. */
  takeSettlements(max: number): LeaseSettlement[] {
    return this.#settlements.splice(0, max);
  }

  /** Settlements of a call that failed: sent again with the next (settling is idempotent). */
  giveBack(settlements: readonly LeaseSettlement[]): void {
    if (settlements.length > 0)
      this.#settlements = [...settlements, ...this.#settlements].slice(-MAX_SETTLEMENTS);
  }

  /** Forgets every settlement (the limiter closed and cannot send them): their room stays counted. */
  dropSettlements(): void {
    this.#settlements = [];
  }

  /** The room a lease of this bucket would have for requests like this one; 0 when it is not leased from. */
  #leaseSize(bucket: BucketCheck, need: number, now: number): number {
    if (this.#leaseMs <= 0) return 0;
    const declined = this.#declined.get(bucket.id);
    if (declined !== undefined) {
      if (declined > now) return 0;
      this.#declined.delete(bucket.id);
    }
    const size = Math.min(Math.floor(bucket.limit * LEASE_SHARE), need * LEASE_REQUESTS);
    return size < 2 * need ? 0 : size;
  }

  /**
   * Queues a settlement. The queue is bounded: past it the oldest is dropped, its room staying
   * counted as used until its entries leave the window (never less than was used).
   */
  #queue(settlement: LeaseSettlement): void {
    if (this.#settlements.length >= MAX_SETTLEMENTS) this.#settlements.shift();
    this.#settlements.push(settlement);
  }

  #hasRoom(lease: RoomLease | undefined, bucket: BucketCheck, need: number, now: number): boolean {
    return (
      lease !== undefined &&
      lease.expiresAt > now &&
      lease.limit === bucket.limit &&
      lease.used + need <= lease.size
    );
  }

  #settle(lease: RoomLease): void {
    this.#leases.delete(lease.bucketId);
    this.#queue({
      bucketId: lease.bucketId,
      kind: lease.kind,
      id: lease.id,
      size: lease.size,
      used: Math.min(lease.used, lease.size),
    });
  }
}
