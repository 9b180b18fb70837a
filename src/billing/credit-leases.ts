import { randomBytes } from 'node:crypto';
import type { HoldInput, HoldOutcome, Settlement } from './credit-ledger.ts';

/** The ledger's exact, committed hold: what a lease is taken with. */
export type PlaceHold = (input: HoldInput) => Promise<HoldOutcome>;

export interface CreditLeasesOptions {
  /** A lease covers this many holds the size of the one that opened it. */
  holdsPerLease?: number;
  /**
   * A lease is taken only while the user's balance is at least this many leases: far above it, so
   * that credits held in one node's lease can practically never be what another node is refused for.
   */
  balanceInLeases?: number;
  /** A lease no request has used for this long is given back. */
  idleMs?: number;
  /** A lease is given back this long after it was taken, however busy (bounds what a crash strands). */
  maxAgeMs?: number;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
}

/** One node's lease on one user's credits, for one key's requests. */
export interface CreditLease {
  readonly userId: number;
  readonly keyId: number;
  /** The request id of the lease's hold in the ledger: `lease-<node>-<n>`. */
  readonly requestId: string;
  readonly amount: number;
  readonly takenAt: number;
  /** The user's balance right after the lease was taken. */
  readonly balanceAfter: number;
  /** Worst cases of the requests in flight under it. */
  reserved: number;
  /** What the finished requests under it cost. */
  charged: number;
  inFlight: number;
  lastUsed: number;
  /** No more requests go under it; it is settled once those in flight are done. */
  closing: boolean;
}

/** A request's hold, and the lease it is under when it is under one. */
export interface LeasedHold {
  outcome: HoldOutcome;
  lease?: CreditLease;
}

const key = (userId: number, keyId: number) => `${userId}:${keyId}`;

/**
 * Credit leases on PostgreSQL and MySQL: instead of a committed hold (a database round trip and a
 * lock on the user's balance row) per request, a node takes one committed hold for many requests —
 * a lease, through the ledger's own exact hold — and places its requests' holds in memory against
 * it, as SQLite does against the balance. When the lease is given back it is settled like any hold:
 * one `settle` row charging what its requests cost, the rest returned. The balance is exact across
 * nodes, as every credit a node spends was first taken by a conditional update.
 *
 * A lease is taken only while the balance is far above it (`balanceInLeases` leases), for keys
 * without a credit limit; everything else is held request by request, as before, so a small
 * balance is still decided hold by hold, exactly. A lease is given back when it runs out, after
 * `idleMs` without use, after `maxAgeMs`, and when the gateway stops. A node that dies leaves its
 * leases taken, as it leaves its requests' holds taken; what its requests under them cost is not
 * charged.
 */
export class CreditLeases {
  readonly #open = new Map<string, CreditLease>();
  readonly #opening = new Map<string, Promise<CreditLease | undefined>>();
  /** Holds waiting for a lease, per user and key: what the next lease is sized for. */
  readonly #waiting = new Map<string, number>();
  /** Leases given up but with requests still in flight. */
  readonly #closing = new Set<CreditLease>();
  /** The last balance seen per user (from holds and leases), to know whether a lease may be taken. */
  readonly #balances = new Map<number, number>();
  readonly #tag = randomBytes(4).toString('hex');
  #sequence = 0;
  readonly #holdsPerLease: number;
  readonly #balanceInLeases: number;
  readonly #idleMs: number;
  readonly #maxAgeMs: number;
  readonly #clock: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly placeHold: PlaceHold,
    /** Where given-back leases go to be settled (the settlement batch writer). */
    private readonly settle: (settlement: Settlement) => void,
    options: CreditLeasesOptions = {},
  ) {
    this.#holdsPerLease = options.holdsPerLease ?? 64;
    this.#balanceInLeases = options.balanceInLeases ?? 100;
    this.#idleMs = options.idleMs ?? 2_000;
    this.#maxAgeMs = options.maxAgeMs ?? 10_000;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * A request's hold: in memory against a lease when one covers it (or can be taken), otherwise
   * through the ledger. `lease` says which lease to give it back to.
   */
  async hold(input: HoldInput): Promise<LeasedHold> {
    if (input.keyLimit !== null) return { outcome: await this.#direct(input) };
    const id = key(input.userId, input.keyId);
    // A lease is sized for the holds waiting when it is taken; should a burst still spend it before
    // all of them had their turn, they wait for the next. Refused or not far above a lease, the
    // balance is held request by request.
    this.#waiting.set(id, (this.#waiting.get(id) ?? 0) + 1);
    try {
      for (let attempt = 0; attempt < 4; attempt++) {
        const leased = this.#reserve(this.#open.get(id), input.amount);
        if (leased) return leased;
        if ((await this.#openLease(input)) === undefined) break;
      }
    } finally {
      const left = this.#waiting.get(id)! - 1;
      if (left === 0) this.#waiting.delete(id);
      else this.#waiting.set(id, left);
    }
    return { outcome: await this.#direct(input) };
  }

  /** A request held under `lease` is over: it cost `charged`. */
  release(lease: CreditLease, held: number, charged: number): void {
    lease.reserved -= held;
    lease.charged += charged;
    lease.inFlight -= 1;
    if (lease.closing && lease.inFlight === 0) this.#settle(lease);
  }

  /** Gives back every lease (those with requests in flight as these end): the gateway stops. */
  closeAll(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const lease of [...this.#open.values()]) this.#close(lease);
  }

  /** Leases open or still settling, for tests. */
  get count(): number {
    return this.#open.size + this.#closing.size;
  }

  async #direct(input: HoldInput): Promise<HoldOutcome> {
    const outcome = await this.placeHold(input);
    this.#noteBalance(input.userId, outcome.balance);
    return outcome;
  }

  #reserve(lease: CreditLease | undefined, amount: number): LeasedHold | undefined {
    if (lease === undefined || lease.closing) return undefined;
    const now = this.#clock();
    const left = lease.amount - lease.reserved - lease.charged;
    if (amount > left || now - lease.takenAt >= this.#maxAgeMs) {
      // Spent or old: new requests go under a new lease; this one is settled once its own are done.
      this.#close(lease);
      return undefined;
    }
    lease.reserved += amount;
    lease.inFlight += 1;
    lease.lastUsed = now;
    return { outcome: { ok: true, balance: lease.balanceAfter + left - amount }, lease };
  }

  /** Takes a lease for the hold's user and key, when the balance is far above one; one at a time. */
  #openLease(input: HoldInput): Promise<CreditLease | undefined> {
    const id = key(input.userId, input.keyId);
    const pending = this.#opening.get(id);
    if (pending) return pending;
    const amount = input.amount * Math.max(this.#holdsPerLease, this.#waiting.get(id) ?? 0);
    const balance = this.#balances.get(input.userId);
    if (balance === undefined || balance < amount * this.#balanceInLeases || !Number.isSafeInteger(amount)) {
      return Promise.resolve(undefined);
    }
    const opening = this.#take(input, amount).finally(() => this.#opening.delete(id));
    this.#opening.set(id, opening);
    return opening;
  }

  async #take(input: HoldInput, amount: number): Promise<CreditLease | undefined> {
    this.#sequence += 1;
    const requestId = `lease-${this.#tag}-${this.#sequence}`;
    const takenAt = this.#clock();
    const outcome = await this.placeHold({ ...input, amount, requestId });
    this.#noteBalance(input.userId, outcome.balance);
    if (!outcome.ok) return undefined;
    const lease: CreditLease = {
      userId: input.userId,
      keyId: input.keyId,
      requestId,
      amount,
      takenAt,
      balanceAfter: outcome.balance,
      reserved: 0,
      charged: 0,
      inFlight: 0,
      lastUsed: takenAt,
      closing: false,
    };
    const id = key(input.userId, input.keyId);
    const previous = this.#open.get(id);
    if (previous) this.#close(previous);
    this.#open.set(id, lease);
    this.#startTimer();
    return lease;
  }

  #close(lease: CreditLease): void {
    if (lease.closing) return;
    lease.closing = true;
    const id = key(lease.userId, lease.keyId);
    if (this.#open.get(id) === lease) this.#open.delete(id);
    if (lease.inFlight === 0) this.#settle(lease);
    else this.#closing.add(lease);
  }

  #settle(lease: CreditLease): void {
    this.#closing.delete(lease);
    this.settle({
      userId: lease.userId,
      keyId: lease.keyId,
      held: lease.amount,
      charged: lease.charged,
      requestId: lease.requestId,
      heldAt: lease.takenAt,
    });
  }

  #noteBalance(userId: number, balance: number): void {
    if (this.#balances.size >= 100_000 && !this.#balances.has(userId)) this.#balances.clear();
    this.#balances.set(userId, balance);
  }

  /** Gives back leases that went idle or old; runs only while leases are open. */
  #startTimer(): void {
    if (this.#timer) return;
    this.#timer = setInterval(
      () => {
        const now = this.#clock();
        for (const lease of [...this.#open.values()]) {
          if (now - lease.takenAt >= this.#maxAgeMs || now - lease.lastUsed >= this.#idleMs)
            this.#close(lease);
        }
        if (this.#open.size === 0) {
          clearInterval(this.#timer);
          this.#timer = undefined;
        }
      },
      Math.max(50, Math.min(this.#idleMs, this.#maxAgeMs) / 4),
    );
    this.#timer.unref();
  }
}
