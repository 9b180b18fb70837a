import { randomBytes } from 'node:crypto';
import type { HoldInput, HoldOutcome, Settlement } from './credit-ledger.ts';

/** The ledger's exact, committed hold: what a lease is taken with. */
export type PlaceHold = (input: HoldInput) => Promise<HoldOutcome>;

export interface CreditLeasesOptions {
  /** A lease covers at least this many holds the size of the one that asked for it. */
  holdsPerLease?: number;
  /**
   * A lease is taken only while the user's balance is at least this many leases: far above it, so
   * that credits held in one node's lease can practically never be what another node is refused for.
   */
  balanceInLeases?: number;
  /**
   * A lease no request has used for this long is given back; one given back waits this long at most
   * for its requests in flight before it is settled without them.
   */
  idleMs?: number;
  /** A lease takes no new requests this long after it was taken, however busy. */
  maxAgeMs?: number;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
}

/**
 * open: takes requests; closing: given back, waiting for its requests in flight; settled: its
 * settlement is queued. A lease settled with requests in flight counts their worst cases as spent,
 * and each of them is settled on its own when it ends (the unused part of its worst case given back).
 */
export type LeaseState = 'open' | 'closing' | 'settled';

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
  /** When a request last went under it, or when it began closing. */
  lastUsed: number;
  state: LeaseState;
}

/** A request's hold as placed: what `release` needs to settle it, were its lease settled first. */
export interface LeasedRequest {
  requestId: string;
  held: number;
  heldAt: number;
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
 * balance is still decided hold by hold, exactly. A lease is given back when it is half spent and
 * short for a request, after `idleMs` without use, `maxAgeMs` after it was taken, and when the
 * gateway stops. A node that dies leaves its leases taken whole, as it leaves its requests' holds
 * taken; the requests it served under them are charged nothing more.
 */
export class CreditLeases {
  readonly #open = new Map<string, CreditLease>();
  readonly #opening = new Map<string, Promise<CreditLease | undefined>>();
  /** Leases given back, waiting for their requests in flight. */
  readonly #closing = new Set<CreditLease>();
  /** Holds waiting for a lease, per user and key: what the next lease is sized for. */
  readonly #waiting = new Map<string, number>();
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
  #stopped = false;

  constructor(
    private readonly placeHold: PlaceHold,
    /** Where given-back leases (and requests that outlived theirs) go to be settled. */
    private readonly settle: (settlement: Settlement) => void,
    options: CreditLeasesOptions = {},
    /** A lease that could not be taken (the database failed): its requests are held on their own. */
    private readonly onError: (error: unknown) => void = () => {},
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
    if (input.keyLimit !== null || this.#stopped) return { outcome: await this.#direct(input) };
    const id = key(input.userId, input.keyId);
    // A lease is sized for the holds waiting when it is taken; should a burst still spend it before
    // all of them had their turn, they wait for the next. Refused or not far above a lease, the
    // balance is held request by request.
    this.#waiting.set(id, (this.#waiting.get(id) ?? 0) + 1);
    try {
      for (let attempt = 0; attempt < 4; attempt++) {
        const leased = this.#reserve(id, input.amount);
        if (leased === 'direct') break;
        if (leased !== undefined) return leased;
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
  release(lease: CreditLease, request: LeasedRequest, charged: number): void {
    lease.inFlight -= 1;
    if (lease.state === 'settled') {
      // Its lease was settled with this request's worst case spent: the request is settled alone.
      this.settle({
        userId: lease.userId,
        keyId: lease.keyId,
        held: request.held,
        charged,
        requestId: request.requestId,
        heldAt: request.heldAt,
      });
      return;
    }
    lease.reserved -= request.held;
    lease.charged += charged;
    if (lease.state === 'closing' && lease.inFlight === 0) this.#settle(lease);
  }

  /**
   * The gateway stops: every lease is settled now (and one still being taken, once it is), and
   * later holds go to the ledger directly. Resolves once no lease is being taken.
   */
  async closeAll(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const lease of [...this.#open.values(), ...this.#closing]) this.#settle(lease);
    await Promise.all([...this.#opening.values()]);
  }

  /** Leases open or closing, for tests. */
  get count(): number {
    return this.#open.size + this.#closing.size;
  }

  async #direct(input: HoldInput): Promise<HoldOutcome> {
    const outcome = await this.placeHold(input);
    this.#noteBalance(input.userId, outcome.balance);
    return outcome;
  }

  /**
   * Places the hold under the user's and key's open lease. Undefined: there is none that can take
   * it (a new one may be taken); 'direct': the open lease is mostly unspent but short for this one
   * request, far larger than its fellows, which is then held on its own.
   */
  #reserve(id: string, amount: number): LeasedHold | 'direct' | undefined {
    const lease = this.#open.get(id);
    if (lease === undefined) return undefined;
    const now = this.#clock();
    const left = lease.amount - lease.reserved - lease.charged;
    if (now - lease.takenAt >= this.#maxAgeMs || (amount > left && left * 2 < lease.amount)) {
      this.#close(lease);
      return undefined;
    }
    if (amount > left) return 'direct';
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
    const balance = this.#balances.get(input.userId);
    if (balance === undefined || balance < input.amount * this.#holdsPerLease * this.#balanceInLeases) {
      return Promise.resolve(undefined);
    }
    const opening = this.#take(input).finally(() => this.#opening.delete(id));
    this.#opening.set(id, opening);
    return opening;
  }

  async #take(input: HoldInput): Promise<CreditLease | undefined> {
    const id = key(input.userId, input.keyId);
    // Holds asked for in the same tick count among those the lease is sized for.
    await Promise.resolve();
    // As many holds as wait, but never so many that the balance is not far above the lease.
    const balance = this.#balances.get(input.userId) ?? 0;
    const most = Math.floor(balance / (this.#balanceInLeases * input.amount));
    const holds = Math.min(most, Math.max(this.#holdsPerLease, this.#waiting.get(id) ?? 0));
    const amount = input.amount * holds;
    if (holds < this.#holdsPerLease || !Number.isSafeInteger(amount)) return undefined;
    this.#sequence += 1;
    const requestId = `lease-${this.#tag}-${this.#sequence}`;
    const takenAt = this.#clock();
    let outcome: HoldOutcome;
    try {
      outcome = await this.placeHold({ ...input, amount, requestId });
    } catch (error) {
      // The requests waiting for it are held on their own, each failing or not by itself.
      this.onError(error);
      return undefined;
    }
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
      state: 'open',
    };
    if (this.#stopped) {
      // Taken while the gateway was stopping: given back at once.
      this.#settle(lease);
      return undefined;
    }
    const previous = this.#open.get(id);
    if (previous) this.#close(previous);
    this.#open.set(id, lease);
    this.#startTimer();
    return lease;
  }

  /** Takes no more requests; settled once those in flight are over (or after `idleMs`). */
  #close(lease: CreditLease): void {
    if (lease.state !== 'open') return;
    const id = key(lease.userId, lease.keyId);
    if (this.#open.get(id) === lease) this.#open.delete(id);
    if (lease.inFlight === 0) {
      this.#settle(lease);
      return;
    }
    lease.state = 'closing';
    lease.lastUsed = this.#clock();
    this.#closing.add(lease);
  }

  /** Settles the lease at what it has spent: its finished requests' cost and the worst cases in flight. */
  #settle(lease: CreditLease): void {
    if (lease.state === 'settled') return;
    const id = key(lease.userId, lease.keyId);
    if (this.#open.get(id) === lease) this.#open.delete(id);
    this.#closing.delete(lease);
    lease.state = 'settled';
    this.settle({
      userId: lease.userId,
      keyId: lease.keyId,
      held: lease.amount,
      charged: lease.charged + lease.reserved,
      requestId: lease.requestId,
      heldAt: lease.takenAt,
    });
  }

  #noteBalance(userId: number, balance: number): void {
    if (this.#balances.size >= 100_000 && !this.#balances.has(userId)) this.#balances.clear();
    this.#balances.set(userId, balance);
  }

  /** Closes leases gone idle or old, and settles those whose requests are slow to end. */
  #startTimer(): void {
    if (this.#timer) return;
    this.#timer = setInterval(
      () => {
        const now = this.#clock();
        for (const lease of [...this.#open.values()]) {
          if (now - lease.takenAt >= this.#maxAgeMs || now - lease.lastUsed >= this.#idleMs)
            this.#close(lease);
        }
        for (const lease of [...this.#closing]) {
          if (now - lease.lastUsed >= this.#idleMs) this.#settle(lease);
        }
        if (this.#open.size === 0 && this.#closing.size === 0) {
          clearInterval(this.#timer);
          this.#timer = undefined;
        }
      },
      Math.max(50, Math.min(this.#idleMs, this.#maxAgeMs) / 4),
    );
    this.#timer.unref();
  }
}
