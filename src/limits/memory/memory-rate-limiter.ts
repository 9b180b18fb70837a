import { bucketNeeds, recordedAmount } from '../bucket-needs.ts';
import type { Admission, AdmitRequest, BucketState, RateLimiter } from '../rate-limiter.ts';
import { MemorySlidingWindow } from './memory-sliding-window.ts';

export interface MemoryRateLimiterOptions {
  /** The sliding window (default 60 s). */
  windowMs?: number;
  /** Milliseconds that never go back (default: the process's monotonic clock); injectable for tests. */
  clock?: () => number;
}

/**
 * Monotonic, so a wall clock stepped back (an NTP correction, a VM resumed) cannot leave entries in
 * the future, refusing a key for as long as the step. Whole milliseconds: entries of one millisecond
 * share a slot (see MemorySlidingWindow), which keeps a busy bucket's log small.
 */
const monotonicNow = (): number => Math.floor(performance.now());

/** Buckets a sweep looks at per admission: it never holds up a request for long, however many there are. */
const SWEEP_STEP = 32;

/**
 * The one-node limiter: every bucket's log in a Map. Admission is synchronous under the hood, so
 * all-or-nothing holds without locks. Buckets whose window has emptied are swept once per window,
 * a few with each admission (so a sweep over many buckets — a flood from many addresses — never
 * stalls the process), faster than admissions can add buckets.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly remote = false;
  readonly #windows = new Map<string, MemorySlidingWindow>();
  readonly #windowMs: number;
  readonly #clock: () => number;
  #lastSweep: number;
  /** The sweep under way: where it has got to in the map. */
  #sweeping: Iterator<[string, MemorySlidingWindow]> | undefined;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#windowMs = options.windowMs ?? 60_000;
    this.#clock = options.clock ?? monotonicNow;
    this.#lastSweep = this.#clock();
  }

  /** Buckets held in memory (for tests and the status page). */
  get bucketCount(): number {
    return this.#windows.size;
  }

  /** Slots a bucket's log holds (what its memory grows with). */
  slotCount(bucketId: string): number {
    return this.#windows.get(bucketId)?.slots ?? 0;
  }

  admit(request: AdmitRequest): Promise<Admission> {
    try {
      return Promise.resolve(this.#admit(request));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  record(bucketId: string, amount: number): Promise<void> {
    const tokens = recordedAmount(amount);
    if (tokens === 0) return Promise.resolve();
    const now = this.#clock();
    this.#window(bucketId, now).add(now, tokens);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#sweeping = undefined;
    this.#windows.clear();
    return Promise.resolve();
  }

  #admit(request: AdmitRequest): Admission {
    const needs = bucketNeeds(request.buckets);
    const now = this.#clock();
    this.#sweep(now);
    const windowMs = this.#windowMs;
    const windows = request.buckets.map((bucket) => {
      const window = this.#windows.get(bucket.id);
      window?.prune(now, windowMs);
      return window;
    });
    const fits = request.buckets.map(
      (bucket, index) => (windows[index]?.total ?? 0) + needs[index]! <= bucket.limit,
    );
    const allowed = fits.every(Boolean);
    if (allowed) {
      request.buckets.forEach((bucket, index) => {
        if (bucket.kind !== 'requests') return;
        const window = windows[index] ?? this.#window(bucket.id, now);
        window.add(now, 1);
        windows[index] = window;
      });
    }
    let retryAfterMs = 0;
    const buckets = request.buckets.map((bucket, index): BucketState => {
      const window = windows[index];
      const wait = fits[index] ? 0 : (window?.waitForRoomMs(now, windowMs, bucket.limit, needs[index]!) ?? 0);
      retryAfterMs = Math.max(retryAfterMs, wait);
      return {
        id: bucket.id,
        kind: bucket.kind,
        limit: bucket.limit,
        remaining: Math.max(0, bucket.limit - (window?.total ?? 0)),
        resetMs: window?.resetMs(now, windowMs) ?? 0,
        allowed: fits[index]!,
        retryAfterMs: wait,
      };
    });
    return { allowed, retryAfterMs, buckets };
  }

  #window(bucketId: string, now: number): MemorySlidingWindow {
    let window = this.#windows.get(bucketId);
    if (window) {
      window.prune(now, this.#windowMs);
    } else {
      window = new MemorySlidingWindow();
      this.#windows.set(bucketId, window);
    }
    return window;
  }

  /**
   * Forgets idle buckets: a sweep starts at most once per window and looks at `SWEEP_STEP` buckets
   * per admission until it has seen them all (a Map's iterator survives deletions and sees what is
   * added meanwhile), so an admission's cost stays O(1).
   */
  #sweep(now: number): void {
    if (this.#sweeping === undefined) {
      if (now - this.#lastSweep < this.#windowMs) return;
      this.#lastSweep = now;
      this.#sweeping = this.#windows.entries();
    }
    for (let step = 0; step < SWEEP_STEP; step++) {
      const next = this.#sweeping.next();
      if (next.done === true) {
        this.#sweeping = undefined;
        return;
      }
      const [id, window] = next.value;
      window.prune(now, this.#windowMs);
      if (window.isEmpty) this.#windows.delete(id);
    }
  }
}
