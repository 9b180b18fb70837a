import type { Logger } from 'pino';

export interface BatchSink<T> {
  insertMany(rows: readonly T[]): Promise<void>;
  /**
   * Whether `error` is the database refusing what some row of the batch holds (a value out of its
   * column's range, a constraint), not a failure of the connection or the server. The batch is then
   * written in halves down to the rows it refuses, which are set aside, so that one row the database
   * will never take does not hold every row queued behind it. Without it, every failure is retried.
   */
  refusesRows?(error: unknown): boolean;
}

export interface BatchWriterOptions {
  /** What the rows are, for the operator's log: `request log`, `credit settlement`. */
  label: string;
  batchSize: number;
  flushIntervalMs: number;
  /** Above this many queued rows a warning is logged; rows are still kept, never dropped. */
  warnQueueLength?: number;
}

/**
 * Writes rows (request logs, credit settlements) off the request path: rows queue in memory and are inserted in batches,
 * on a timer or as soon as a batch is full. A failed insert keeps its rows for the next attempt, and
 * `close()` drains the queue, so a clean shutdown loses nothing.
 */
export class BatchWriter<T> {
  #queue: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #closed = false;
  #failures = 0;

  constructor(
    private readonly sink: BatchSink<T>,
    private readonly logger: Logger,
    private readonly options: BatchWriterOptions,
  ) {}

  get pending(): number {
    return this.#queue.length;
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
  }

  /**
   * Writes the rows queued when the pass began, then any further full batches. Rows that arrive
   * meanwhile and do not fill a batch wait for the next timer: under a steady stream, writes come a
   * flush interval apart with everything gathered, not back to back in small batches (each its own
   * transaction, and for settlements, its own turn at the users' balance rows).
   */
  async #drain(): Promise<void> {
    let owed = this.#queue.length;
    while (owed > 0 || this.#queue.length >= this.options.batchSize) {
      const batch = this.#queue.slice(0, this.options.batchSize);
      // How many rows from the batch's start are written or set aside.
      let done = 0;
      try {
        try {
          await this.sink.insertMany(batch);
        } catch (error) {
          if (!this.sink.refusesRows?.(error)) throw error;
          await this.#writeAround(batch, 0, batch.length, error, (upTo) => (done = upTo));
        }
      } catch (error) {
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
   * order, down to the single rows it refuses: those are set aside into the operator's log, whole,
   * so that nothing of them is lost. `progress` learns how far from the batch's start rows are done
   * with; a failure that is not a refusal is thrown, the rows from there on to be retried.
   */
  async #writeAround(
    rows: readonly T[],
    start: number,
    end: number,
    refusal: unknown,
    progress: (upTo: number) => void,
  ): Promise<void> {
    if (end - start === 1) {
      this.logger.error(
        { err: refusal, row: rows[start] },
        `the database refused a ${this.options.label} row; it is set aside here, the others are written`,
      );
      progress(end);
      return;
    }
    const middle = (start + end) >> 1;
    for (const [from, to] of [
      [start, middle],
      [middle, end],
    ] as const) {
      try {
        await this.sink.insertMany(rows.slice(from, to));
        progress(to);
      } catch (error) {
        if (!this.sink.refusesRows?.(error)) throw error;
        await this.#writeAround(rows, from, to, error, progress);
      }
    }
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
