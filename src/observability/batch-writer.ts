import type { Logger } from 'pino';

export interface BatchSink<T> {
  insertMany(rows: readonly T[]): Promise<void>;
  /**
   * Whether `error` is the database refusing what some row of the batch holds (a value out of its
   * column's range, a constraint), not a failure of the connection or the server. The batch is then
   * written in halves down to the rows it refuses, which are set aside (see `BatchWriter`), so that
   * one row the database will not take does not hold every row queued behind it. Without it, every
   * failure is retried.
   */
  refusesRows?(error: unknown): boolean;
}

export interface BatchWriterOptions<T = unknown> {
  /** What the rows are, for the operator's log: `request log`, `credit settlement`. */
  label: string;
  batchSize: number;
  flushIntervalMs: number;
  /** Above this many queued rows a warning is logged; rows are still kept, never dropped. */
  warnQueueLength?: number;
  /** A row as the operator's log shows it when the database refuses it (default: the row). */
  describe?: (row: T) => unknown;
}

/** How often rows the database refused are offered to it again, one by one. */
const refusedRetryMs = 60_000;
/** Rows set aside at most; past this the oldest are given up (each was logged when set aside). */
const maxRefused = 10_000;
/**
 * Rows set aside in one batch, none written, past which the refusal is taken for the database's
 * (a schema that does not match, say) rather than the rows': the batch waits and is retried whole.
 */
const refusedBeforeBackoff = 16;

/**
 * Writes rows (request logs, credit settlements) off the request path: rows queue in memory and are inserted in batches,
 * on a timer or as soon as a batch is full. A failed insert keeps its rows for the next attempt, and
 * `close()` drains the queue, so a clean shutdown loses nothing.
 *
 * A row the database refuses for what it holds is set aside: logged whole when refused, kept in
 * memory, and offered again alone every minute and at shutdown (a settlement keeps its credits held
 * meanwhile), so that it does not hold back the rows queued behind it.
 */
export class BatchWriter<T> {
  #queue: T[] = [];
  #refused: T[] = [];
  #refusedRetryAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #closed = false;
  #failures = 0;

  constructor(
    private readonly sink: BatchSink<T>,
    private readonly logger: Logger,
    private readonly options: BatchWriterOptions<T>,
  ) {}

  get pending(): number {
    return this.#queue.length;
  }

  /** Rows the database refused, waiting to be offered again. */
  get setAside(): number {
    return this.#refused.length;
  }

  enqueue(row: T): void {
    this.#queue.push(row);
    // Closed, a row that comes late (a request that outlived the shutdown's wait) is written at once.
    if (this.#queue.length >= this.options.batchSize || this.#closed) {
      void this.#pass();
    } else {
      this.#schedule(this.options.flushIntervalMs);
    }
    if (this.#queue.length === (this.options.warnQueueLength ?? 100_000)) {
      this.logger.warn(
        { queued: this.#queue.length },
        `${this.options.label} queue is growing: is the database slow?`,
      );
    }
  }

  /** Writes everything queued so far. */
  flush(): Promise<void> {
    const running = this.#flushing;
    if (running === undefined) return this.#pass();
    // A pass owes only what was queued when it began: what came since gets a pass of its own.
    return running.then(() => (this.#queue.length > 0 ? this.#pass() : undefined));
  }

  /** Starts a pass, or joins the one in flight. */
  #pass(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
      if (this.#queue.length > 0 && !this.#closed) {
        this.#schedule(this.#failures > 0 ? this.#retryDelay() : this.options.flushIntervalMs);
      }
    });
    return this.#flushing;
  }

  /** Stops the timer and writes every queued row, retrying for up to `deadlineMs`. */
  async close(deadlineMs = 30_000): Promise<void> {
    this.#closed = true;
    const deadline = Date.now() + deadlineMs;
    while (this.#queue.length > 0 || this.#flushing) {
      await this.flush();
      if (this.#queue.length === 0) break;
      if (Date.now() >= deadline) {
        this.logger.error(
          { lost: this.#queue.length },
          `${this.options.label} rows could not be written before shutdown`,
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.#retryDelay()));
    }
    if (this.#refused.length > 0) await this.#retryRefused();
    if (this.#refused.length > 0) {
      this.logger.error(
        { lost: this.#refused.length },
        `${this.options.label} rows the database refused (each logged when refused) are given up at shutdown`,
      );
    }
  }

  /**
   * Writes the rows queued when the pass began, then any further full batches. Rows that arrive
   * meanwhile and do not fill a batch wait for the next timer: under a steady stream, writes come a
   * flush interval apart with everything gathered, not back to back in small batches (each its own
   * transaction, and for settlements, its own turn at the users' balance rows).
   */
  async #drain(): Promise<void> {
    if (this.#refused.length > 0 && Date.now() >= this.#refusedRetryAt) await this.#retryRefused();
    let owed = this.#queue.length;
    while (owed > 0 || this.#queue.length >= this.options.batchSize) {
      const batch = this.#queue.slice(0, this.options.batchSize);
      // How many rows from the batch's start are written or set aside, and of them how many written.
      const progress = { done: 0, written: 0 };
      try {
        try {
          await this.sink.insertMany(batch);
        } catch (error) {
          if (!this.sink.refusesRows?.(error)) throw error;
          await this.#writeAround(batch, 0, batch.length, error, progress);
        }
      } catch (error) {
        const done = progress.done;
        this.#queue.splice(0, done);
        this.#failures += 1;
        this.logger.error(
          { err: error, rows: batch.length - done },
          `writing ${this.options.label} rows failed; will retry`,
        );
        return;
      }
      this.#failures = 0;
      this.#queue.splice(0, batch.length);
      owed -= batch.length;
    }
  }

  /**
   * Writes `rows[start, end)`, which the database refused as one batch (`refusal`), in halves, in
   * order, down to the single rows it refuses, which are set aside. `progress.done` is how far from
   * the batch's start rows are done with; a failure that is not a refusal is thrown (the rows from
   * there on are retried), and so is a refusal of row after row with none written.
   */
  async #writeAround(
    rows: readonly T[],
    start: number,
    end: number,
    refusal: unknown,
    progress: { done: number; written: number },
  ): Promise<void> {
    if (end - start === 1) {
      if (progress.written === 0 && start >= refusedBeforeBackoff) throw refusal;
      this.#setAside(rows[start]!, refusal);
      progress.done = end;
      return;
    }
    const middle = (start + end) >> 1;
    for (const [from, to] of [
      [start, middle],
      [middle, end],
    ] as const) {
      try {
        await this.sink.insertMany(rows.slice(from, to));
        progress.done = to;
        progress.written += to - from;
      } catch (error) {
        if (!this.sink.refusesRows?.(error)) throw error;
        await this.#writeAround(rows, from, to, error, progress);
      }
    }
  }

  #setAside(row: T, refusal: unknown): void {
    this.logger.error(
      { err: refusal, row: this.options.describe ? this.options.describe(row) : row },
      `the database refused a ${this.options.label} row; it is set aside and offered again every minute, the others are written`,
    );
    if (this.#refused.length === 0) this.#refusedRetryAt = Date.now() + refusedRetryMs;
    this.#refused.push(row);
    if (this.#refused.length > maxRefused) {
      const dropped = this.#refused.splice(0, this.#refused.length - maxRefused);
      this.logger.error(
        { lost: dropped.length },
        `too many ${this.options.label} rows refused by the database: the oldest are given up`,
      );
    }
  }

  /** Offers each set-aside row again, alone; stops at a failure that is not a refusal. */
  async #retryRefused(): Promise<void> {
    this.#refusedRetryAt = Date.now() + refusedRetryMs;
    const still: T[] = [];
    const rows = this.#refused;
    this.#refused = [];
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      try {
        await this.sink.insertMany([row]);
      } catch (error) {
        still.push(row);
        if (!this.sink.refusesRows?.(error)) {
          still.push(...rows.slice(index + 1));
          break;
        }
      }
    }
    this.#refused.unshift(...still);
  }

  #retryDelay(): number {
    return Math.min(30_000, 100 * 2 ** Math.min(this.#failures, 8));
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => void this.#pass(), delayMs);
    this.#timer.unref();
  }
}
