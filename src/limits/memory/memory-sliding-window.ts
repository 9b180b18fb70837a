/** Dead slots at the front of the arrays worth compacting away. */
const compactAfter = 64;

/**
 * One bucket's log: what was recorded when, oldest first, with a running total. Entries made in the
 * same millisecond share a slot, so a bucket holds at most `min(limit, window in ms)` slots or so.
 * Leaving entries are dropped from the front as time passes; no timer runs.
 */
export class MemorySlidingWindow {
  #times: number[] = [];
  #amounts: number[] = [];
  /** Index of the oldest live entry. */
  #head = 0;
  #total = 0;

  /** What the window holds, after `prune`. */
  get total(): number {
    return this.#total;
  }

  /** Live slots: entries of one millisecond share one. */
  get slots(): number {
    return this.#times.length - this.#head;
  }

  get isEmpty(): boolean {
    return this.#head === this.#times.length;
  }

  /** Drops the entries that have left the window: those recorded at or before `now - windowMs`. */
  prune(now: number, windowMs: number): void {
    const start = now - windowMs;
    const times = this.#times;
    let head = this.#head;
    while (head < times.length && times[head]! <= start) {
      this.#total -= this.#amounts[head]!;
      head += 1;
    }
    if (head === times.length) {
      this.#times = [];
      this.#amounts = [];
      this.#head = 0;
      this.#total = 0;
      return;
    }
    if (head >= compactAfter && head * 2 >= times.length) {
      this.#times = times.slice(head);
      this.#amounts = this.#amounts.slice(head);
      head = 0;
    }
    this.#head = head;
  }

  add(now: number, amount: number): void {
    const last = this.#times.length - 1;
    if (last >= this.#head && this.#times[last] === now) {
      this.#amounts[last]! += amount;
    } else {
      this.#times.push(now);
      this.#amounts.push(amount);
    }
    this.#total += amount;
  }

  /** Until the oldest entry leaves the window (0 when empty). */
  resetMs(now: number, windowMs: number): number {
    if (this.isEmpty) return 0;
    return Math.max(0, this.#times[this.#head]! + windowMs - now);
  }

  /** Until `need` more fits under `limit` as entries leave (0 if it fits now); `need <= limit`. */
  waitForRoomMs(now: number, windowMs: number, limit: number, need: number): number {
    let total = this.#total;
    if (total + need <= limit) return 0;
    for (let index = this.#head; index < this.#times.length; index++) {
      total -= this.#amounts[index]!;
      if (total + need <= limit) return Math.max(0, this.#times[index]! + windowMs - now);
    }
    return windowMs;
  }
}
