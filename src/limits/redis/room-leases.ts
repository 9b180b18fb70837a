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
   * covers several requests like this one, unless a call in flight already asks for it or the bucket
   * is too small to lease from. `asking` and then `answered` must follow.
   */
  wants(buckets: readonly BucketCheck[], needs: readonly number[]): number[] {
    return buckets.map((bucket, index) => {
      if (this.#leaseMs <= 0 || this.#asking.has(bucket.id)) return 0;
      const need = needs[index]!;
      const now = this.#now();
      if (this.#hasRoom(this.#leases.get(bucket.id), bucket, need, now)) return 0;
      const declined = this.#declined.get(bucket.id);
      if (declined !== undefined) {
        if (declined > now) return 0;
        this.#declined.delete(bucket.id);
      }
      const size = Math.min(Math.floor(bucket.limit * LEASE_SHARE), need * LEASE_REQUESTS);
      if (size < 2 * need) return 0;
      return size;
    });
  }

  /** Notes the call that asks for `wants`, `ending` once it has been answered. */
  asking(wants: readonly number[], buckets: readonly BucketCheck[], ending: Promise<unknown>): void {
    buckets.forEach((bucket, index) => {
      if (wants[index]! > 0) this.#asking.set(bucket.id, ending);
    });
  }

  /** A call in flight asking a lease for one of these buckets, if any: worth waiting for. */
  askedFor(buckets: readonly BucketCheck[]): Promise<unknown> | undefined {
    for (const bucket of buckets) {
      const call = this.#asking.get(bucket.id);
      if (call !== undefined) return call;
    }
    return undefined;
  }

  /**
   * The answer to a call `id` that asked for `wants`. A granted lease replaces the bucket's old one,
   * which is settled; `askedAt` is `now()` when the call was sent, so the lease ends here no later
   * than its entries' score in Redis. Without `grants` (the call failed, or its reply was lost), what
   * it may have granted is settled unused: settling room that was never granted changes nothing.
   */
  answered(
    wants: readonly number[],
    buckets: readonly BucketCheck[],
    askedAt: number,
    id: string,
    grants?: LeaseGrant[],
  ): void {
    buckets.forEach((bucket, index) => {
      const want = wants[index]!;
      if (want <= 0) return;
      this.#asking.delete(bucket.id);
      if (grants === undefined) {
        this.#settlements.push({ bucketId: bucket.id, kind: bucket.kind, id, size: want, used: 0 });
      }
    });
    if (grants === undefined) return;
    buckets.forEach((bucket, index) => {
      if (wants[index]! > 0 && !grants.some((grant) => grant.bucketId === bucket.id && grant.size > 0)) {
        if (this.#declined.size >= MAX_DECLINED) this.#declined.clear();
        this.#declined.set(bucket.id, askedAt + this.#leaseMs);
      }
    });
    for (const grant of grants) {
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
    if (settlements.length > 0) this.#settlements = [...settlements, ...this.#settlements];
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
    this.#settlements.push({
      bucketId: lease.bucketId,
      kind: lease.kind,
      id: lease.id,
      size: lease.size,
      used: Math.min(lease.used, lease.size),
    });
  }
}
