import { RateLimiterUnavailableError } from '../rate-limiter-unavailable-error.ts';

/**
 * Tokens recorded on this node and not yet written to Redis, as one entry per bucket: records for a
 * bucket that has an open entry are summed into it. An entry taken for a script call is sealed: its
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
  /** Milliseconds, monotonic (default `performance.now`). */
  now?: () => number;
}

export class PendingRecords {
  /** Entries that a failed call gave back, oldest first; sealed. */
  #returned: PendingRecord[] = [];
  /** At most one entry per bucket still taking records. */
  readonly #open = new Map<string, PendingRecord>();
  readonly #nextId: () => string;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: PendingRecordsOptions) {
    this.#nextId = options.nextId;
    this.#maxAgeMs = options.maxAgeMs;
    this.#now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.#returned.length + this.#open.size;
  }

  /** Sums `amount` (a positive integer) into the bucket's open entry; settles when that entry is written. */
  add(bucketId: string, amount: number): Promise<void> {
    const open = this.#open.get(bucketId);
    if (open) {
      open.amount += amount;
      return open.written;
    }
    const entry = createEntry(bucketId, this.#nextId(), amount, this.#now());
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

  /** Rejects what has waited longer than `maxAgeMs` and forgets it. */
  expire(): void {
    const oldest = this.#now() - this.#maxAgeMs;
    if (this.#returned.length > 0 && this.#returned[0]!.recordedAt < oldest) {
      const kept: PendingRecord[] = [];
      for (const entry of this.#returned) {
        if (entry.recordedAt < oldest) entry.reject(tooOld(entry));
        else kept.push(entry);
      }
      this.#returned = kept;
    }
    for (const [bucketId, entry] of this.#open) {
      // Insertion order is age order: the first entry young enough ends the scan.
      if (entry.recordedAt >= oldest) break;
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
  return { bucketId, id, amount, recordedAt, written, resolve, reject };
}

function tooOld(entry: PendingRecord): RateLimiterUnavailableError {
  return new RateLimiterUnavailableError(
    `rate limiter: ${entry.amount} tokens for ${entry.bucketId} could not be written to Redis within one window`,
  );
}
