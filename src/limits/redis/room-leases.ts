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
  /** Tokens buckets: what this node recorded for the bucket since the grant (its requests' real use). */
  recorded: number;
  /** What the bucket held right after the grant, the lease's whole room included. */
  readonly heldAtGrant: number;
  /** `now()` at the grant, and the bucket's reset then. */
  readonly grantedAt: number;
  /** Redis's clock (ms) when the script granted it: its entries stand at this plus the lease time. */
  readonly startsAt: number;
  /** Requests buckets: `now()` when each request admitted within it came, in order. */
  readonly usedAt: number[];
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
  /** Requests: Redis-clock scores for the used entries, when their requests came (see `#settle`). */
  readonly usedAt?: readonly number[];
  /** `now()` when it was queued. */
  readonly queuedAt: number;
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
  /** Redis's clock (ms) when the script ran. */
  startsAt: number;
}

/** What a script call that asked for leases answered. */
export interface LeaseAnswer {
  /** The leases granted (buckets that got none are left out). */
  grants: LeaseGrant[];
  /** Buckets that got none because they refused the request or are over half full. */
  declined: readonly string[];
}

export interface RoomLeasesOptions {
  /** How long a lease admits requests (its entries are scored that far ahead); at most `MAX_LEASE_MS`. */
  leaseMs: number;
  /**
   * A settlement not sent after this long is dropped: its room's entries have left the window by
   * then (the limiter passes its window plus `MAX_LEASE_MS`). Default: never.
   */
  maxSettlementAgeMs?: number;
  /** Milliseconds, monotonic (default `performance.now`). */
  now?: () => number;
}

/** The longest lease there is: keys expire one window plus this after their last write, whatever a node's lease time. */
export const MAX_LEASE_MS = 10_000;

/** A lease is at most this share of its bucket's limit… */
const LEASE_SHARE = 1 / 64;
/** …and at most this many requests' worth of room (tokens: of this request's need). */
const LEASE_REQUESTS = 32;
/** Declined buckets remembered at most; beyond, that memory starts over (they are asked again). */
const MAX_REMEMBERED = 100_000;
/** Settlements waiting at most (only a long Redis failure comes near it). */
const MAX_SETTLEMENTS = 10_000;

/**
 * This node's leases, one per bucket at most, and the settlements waiting for the next script call.
 * A request is admitted from leases only when every one of its buckets has a live lease with room
 * for its need; otherwise it goes to Redis, which may grant new leases with the admission.
 */
export class RoomLeases {
  readonly #leaseMs: number;
  readonly #maxSettlementAgeMs: number;
  readonly #now: () => number;
  /** In the order they were granted, which (all lasting `leaseMs`) is the order they end. */
  readonly #leases = new Map<string, RoomLease>();
  /**
   * Buckets a call in flight asks a lease for, the room it asks, and the call: no second call asks
   * meanwhile, and a request that finds no room waits for it rather than going to Redis on its own.
   */
  readonly #asking = new Map<string, { size: number; call: Promise<unknown> }>();
  /**
   * Buckets Redis lately declined to lease from (too full), until when: not asked again meanwhile,
   * so near a limit no request waits for a lease that will not come.
   */
  readonly #declined = new Map<string, number>();
  #settlements: LeaseSettlement[] = [];

  constructor(options: RoomLeasesOptions) {
    if (!(options.leaseMs >= 0 && options.leaseMs <= MAX_LEASE_MS)) {
      throw new RangeError(`leaseMs must be between 0 and ${MAX_LEASE_MS}`);
    }
    this.#leaseMs = options.leaseMs;
    this.#maxSettlementAgeMs = options.maxSettlementAgeMs ?? Number.POSITIVE_INFINITY;
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
      if (lease.kind === 'requests') lease.usedAt.push(now);
      // What the window holds as this node sees it: the grant's total without the room not yet used
      // (a requests bucket counts this request; a tokens bucket counts what was used before it).
      const held =
        lease.heldAtGrant -
        lease.size +
        (lease.kind === 'requests' ? lease.used : Math.max(before, lease.recorded));
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
   * from (too small, or lately declined): such a request is not admitted from leases, so leasing
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

  /** Notes the call that asks for `wants` before it starts. */
  asking(wants: readonly number[], buckets: readonly BucketCheck[], call: Promise<unknown>): void {
    buckets.forEach((bucket, index) => {
      const size = wants[index]!;
      if (size > 0) this.#asking.set(bucket.id, { size, call });
    });
  }

  /**
   * A call in flight asking a lease for one of these buckets, worth waiting for: only when each
   * bucket either has a live lease with room for this request, or is being asked room enough for it.
   */
  askedFor(buckets: readonly BucketCheck[], needs: readonly number[]): Promise<unknown> | undefined {
    const now = this.#now();
    let call: Promise<unknown> | undefined;
    for (let index = 0; index < buckets.length; index++) {
      const bucket = buckets[index]!;
      const need = needs[index]!;
      const asked = this.#asking.get(bucket.id);
      if (asked !== undefined && asked.size >= need) call ??= asked.call;
      else if (!this.#hasRoom(this.#leases.get(bucket.id), bucket, need, now)) return undefined;
    }
    return call;
  }

  /**
   * The answer to a call `id` that asked for `wants`: what it granted and declined, `'lost'` when it
   * failed in a way that may have run it (a timeout, a lost reply), `'unsent'` when it never reached
   * Redis. A granted lease replaces the bucket's old one, which is settled; `askedAt` is `now()` when
   * the call was sent, so the lease ends here no later than its entries' score in Redis. What a lost
   * call may have granted is settled unused (settling room never granted changes nothing). A bucket
   * declined, or asked for by a call that failed, is not asked again for `leaseMs`: near its limit,
   * or while Redis fails, requests then go to Redis without waiting for leases.
   */
  answered(
    wants: readonly number[],
    buckets: readonly BucketCheck[],
    askedAt: number,
    id: string,
    outcome: LeaseAnswer | 'lost' | 'unsent',
  ): void {
    buckets.forEach((bucket, index) => {
      const want = wants[index]!;
      if (want <= 0) return;
      this.#asking.delete(bucket.id);
      if (outcome === 'lost') {
        this.#queue({ bucketId: bucket.id, kind: bucket.kind, id, size: want, used: 0, queuedAt: askedAt });
      }
      if (typeof outcome === 'string' || outcome.declined.includes(bucket.id)) {
        this.#remember(this.#declined, bucket.id, askedAt + this.#leaseMs);
      }
    });
    if (typeof outcome === 'string') return;
    for (const grant of outcome.grants) {
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
        recorded: 0,
        heldAtGrant: grant.held,
        grantedAt: askedAt,
        startsAt: grant.startsAt,
        usedAt: [],
        resetMsAtGrant: grant.resetMs,
        expiresAt: askedAt + this.#leaseMs,
      });
    }
  }

  /**
   * Tokens this node recorded for a bucket: a live lease counts them, so that a request this node
   * would see over the limit (its own tokens included) is not admitted from the lease.
   */
  record(bucketId: string, amount: number): void {
    const lease = this.#leases.get(bucketId);
    if (lease !== undefined) lease.recorded += amount;
  }

  /** Settles every lease past its end; returns when the next one ends (undefined: none left). */
  expire(): number | undefined {
    const now = this.#now();
    for (const lease of this.#leases.values()) {
      if (lease.expiresAt > now) return lease.expiresAt;
      this.#settle(lease);
    }
    return undefined;
  }

  /** Settles every lease (the limiter closes). */
  settleAll(): void {
    for (const lease of this.#leases.values()) this.#settle(lease);
  }

  /** Up to `max` settlements to send, oldest first (those too old to matter are dropped). */
  takeSettlements(max: number): LeaseSettlement[] {
    const oldest = this.#now() - this.#maxSettlementAgeMs;
    if (this.#settlements.length > 0 && this.#settlements[0]!.queuedAt < oldest) {
      this.#settlements = this.#settlements.filter((settlement) => settlement.queuedAt >= oldest);
    }
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

  /**
   * Whether the lease admits a request of this need: live, for the same limit, with room left, and
   * the bucket as this node sees it (the grant's total, with its own tokens recorded since in place of
   * the needs they stand for when more) still fitting the request, as Redis would check it.
   */
  #hasRoom(lease: RoomLease | undefined, bucket: BucketCheck, need: number, now: number): boolean {
    return (
      lease !== undefined &&
      lease.expiresAt > now &&
      lease.limit === bucket.limit &&
      lease.used + need <= lease.size &&
      lease.heldAtGrant - lease.size + Math.max(lease.used, lease.recorded) + need <= lease.limit
    );
  }

  #remember(memory: Map<string, number>, bucketId: string, value: number): void {
    if (memory.size >= MAX_REMEMBERED && !memory.has(bucketId)) memory.clear();
    memory.set(bucketId, value);
  }

  /**
   * Queues the lease's settlement. A requests lease tells when its requests came, on Redis's clock:
   * the script ran between `grantedAt` (when the call was made) and the answer, so a request that
   * came `t - grantedAt` after the call came at most that long after the script's `startsAt` — scored
   * there, its entry leaves the window no earlier than its request's own would have.
   */
  #settle(lease: RoomLease): void {
    this.#leases.delete(lease.bucketId);
    const used = Math.min(lease.used, lease.size);
    this.#queue({
      bucketId: lease.bucketId,
      kind: lease.kind,
      id: lease.id,
      size: lease.size,
      used,
      ...(lease.kind === 'requests' && used > 0
        ? {
            usedAt: lease.usedAt
              .slice(0, used)
              .map(
                (at) =>
                  lease.startsAt + Math.min(this.#leaseMs, Math.max(0, Math.ceil(at - lease.grantedAt))),
              ),
          }
        : {}),
      queuedAt: this.#now(),
    });
  }
}
