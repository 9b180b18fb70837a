import { RateLimiterUnavailableError } from '../rate-limiter-unavailable-error.ts';

/**
 * Tokens recorded on this node and not yet written to Redis, as one entry per bucket: records for a
 * bucket that has an open entry are summed into it, for at most `spanMs` (then the entry is sealed
 * and a new one opened, so that while Redis cannot be reached a bucket's entries tell about when
 * their tokens were used; each is written as of its last record). An entry taken for a script call is sealed: its
 * id (and so its log member, `<id>:<amount>`) no longer changes, and if the call fails it comes back
 * as it was, to be sent again under the same member, which the script recognises rather than
 * counting twice. Later records for that bucket open a new entry.
 */
export interface PendingRecord {
  readonly bucketId: string;
  readonly id: string;
  amount: number;
  /** `now()` when its first tokens were recorded. */
  readonly recordedAt: number;
  /** `now()` when its last tokens were recorded. */
  lastRecordedAt: number;
  /** What every `record` call summed into this entry waits for. */
  readonly written: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

export interface PendingRecordsOptions {
  /** A unique id per entry. */
  nextId: () => string;
  /**
   * An entry not written after this long is given up and its records rejected: by then its tokens
   * would have left the window anyway (the limiter passes its window).
   */
  maxAgeMs: number;
  /** How long an entry takes records before it is sealed (default 1000 ms). */
  spanMs?: number;
  /** Milliseconds, monotonic (default `performance.now`). */
  now?: () => number;
}

export class PendingRecords {
  /** Sealed entries not yet handed out: given back by a failed call, or full; oldest first. */
  #returned: PendingRecord[] = [];
  /** At most one entry per bucket still taking records. */
  readonly #open = new Map<string, PendingRecord>();
  readonly #nextId: () => string;
  readonly #maxAgeMs: number;
  readonly #spanMs: number;
  readonly #now: () => number;

  constructor(options: PendingRecordsOptions) {
    this.#nextId = options.nextId;
    this.#maxAgeMs = options.maxAgeMs;
    this.#spanMs = options.spanMs ?? 1000;
    this.#now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.#returned.length + this.#open.size;
  }

  /** Sums `amount` (a positive integer) into the bucket's open entry; settles when that entry is written. */
  add(bucketId: string, amount: number): Promise<void> {
    const now = this.#now();
    const open = this.#open.get(bucketId);
    if (open) {
      if (now - open.recordedAt < this.#spanMs) {
        open.amount += amount;
        open.lastRecordedAt = now;
        return open.written;
      }
      this.#open.delete(bucketId);
      this.#returned.push(open);
    }
    const entry = createEntry(bucketId, this.#nextId(), amount, now);
    this.#open.set(bucketId, entry);
    return entry.written;
  }

  /** Up to `max` entries, oldest first, sealed, after giving up those older than `maxAgeMs`. */
  take(max: number): PendingRecord[] {
    this.expire();
    const taken = this.#returned.splice(0, max);
    for (const [bucketId, entry] of this.#open) {
      if (taken.length >= max) break;
      taken.push(entry);
      this.#open.delete(bucketId);
    }
    return taken;
  }

  /** Entries a failed call had taken: kept, ahead of anything recorded since, for the next call. */
  giveBack(entries: readonly PendingRecord[]): void {
    if (entries.length > 0) this.#returned = [...entries, ...this.#returned];
  }

  /** How long ago the entry's last tokens were recorded: it is written as of then. */
  ageOf(entry: PendingRecord): number {
    return Math.max(0, Math.round(this.#now() - entry.lastRecordedAt));
  }

  /** Rejects what was last recorded longer than `maxAgeMs` ago (its tokens have left the window). */
  expire(): void {
    const oldest = this.#now() - this.#maxAgeMs;
    if (this.#returned.some((entry) => entry.lastRecordedAt < oldest)) {
      const kept: PendingRecord[] = [];
      for (const entry of this.#returned) {
        if (entry.lastRecordedAt < oldest) entry.reject(tooOld(entry));
        else kept.push(entry);
      }
      this.#returned = kept;
    }
    for (const [bucketId, entry] of this.#open) {
      // Insertion order is the order of first records, and an open entry's last record is at most
      // `spanMs` after its first: past an entry first recorded recently enough, none is too old.
      if (entry.recordedAt >= oldest) break;
      if (entry.lastRecordedAt >= oldest) continue;
      entry.reject(tooOld(entry));
      this.#open.delete(bucketId);
    }
  }

  /** Rejects and forgets every entry (a closing limiter that could not write them). */
  rejectAll(error: Error): void {
    for (const entry of this.take(Number.POSITIVE_INFINITY)) entry.reject(error);
  }
}

function createEntry(bucketId: string, id: string, amount: number, recordedAt: number): PendingRecord {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const written = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { bucketId, id, amount, recordedAt, lastRecordedAt: recordedAt, written, resolve, reject };
}

function tooOld(entry: PendingRecord): RateLimiterUnavailableError {
  return new RateLimiterUnavailableError(
    `rate limiter: ${entry.amount} tokens for ${entry.bucketId} could not be written to Redis within one window`,
  );
}
