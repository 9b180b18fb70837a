export interface OutcomeCounts {
  successes: number;
  failures: number;
}

/**
 * Successes and failures over a sliding time window, in a ring of buckets: recording is O(1) and
 * the window forgets old outcomes a bucket at a time.
 */
export class OutcomeWindow {
  readonly #bucketMs: number;
  readonly #successes: number[];
  readonly #failures: number[];
  /** Which time slot (`floor(time / bucketMs)`) each bucket currently counts. */
  readonly #slots: number[];

  constructor(windowMs: number, buckets = 10) {
    this.#bucketMs = Math.max(1, Math.ceil(windowMs / buckets));
    this.#successes = new Array<number>(buckets).fill(0);
    this.#failures = new Array<number>(buckets).fill(0);
    this.#slots = new Array<number>(buckets).fill(-1);
  }

  record(success: boolean, now: number): void {
    const index = this.#bucketAt(now);
    if (success) this.#successes[index]! += 1;
    else this.#failures[index]! += 1;
  }

  /** Turns a success already counted into a failure: a stream that broke after it was counted. */
  recountAsFailure(now: number): void {
    const index = this.#bucketAt(now);
    if (this.#successes[index]! > 0) this.#successes[index]! -= 1;
    this.#failures[index]! += 1;
  }

  counts(now: number): OutcomeCounts {
    const current = Math.floor(now / this.#bucketMs);
    const oldest = current - this.#slots.length + 1;
    let successes = 0;
    let failures = 0;
    for (let index = 0; index < this.#slots.length; index++) {
      const slot = this.#slots[index]!;
      if (slot < oldest || slot > current) continue;
      successes += this.#successes[index]!;
      failures += this.#failures[index]!;
    }
    return { successes, failures };
  }

  clear(): void {
    this.#successes.fill(0);
    this.#failures.fill(0);
    this.#slots.fill(-1);
  }

  #bucketAt(now: number): number {
    const slot = Math.floor(now / this.#bucketMs);
    const index = slot % this.#slots.length;
    if (this.#slots[index] !== slot) {
      this.#slots[index] = slot;
      this.#successes[index] = 0;
      this.#failures[index] = 0;
    }
    return index;
  }
}
