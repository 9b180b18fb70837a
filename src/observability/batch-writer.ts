import type { Logger } from 'pino';

export interface BatchSink<T> {
  insertMany(rows: readonly T[]): Promise<void>;
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
    if (this.#queue.length >= this.options.batchSize) {
      void this.flush();
    } else if (this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      this.#timer.unref();
    }
    if (this.#queue.length === (this.options.warnQueueLength ?? 100_000)) {
      this.logger.warn(
        { queued: this.#queue.length },
        `${this.options.label} queue is growing: is the database slow?`,
      );
    }
  }

  /** Writes everything queued so far. Concurrent calls share one pass. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
      if (this.#queue.length > 0 && !this.#closed) this.#schedule(this.#retryDelay());
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

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.slice(0, this.options.batchSize);
      try {
        await this.sink.insertMany(batch);
      } catch (error) {
        this.#failures += 1;
        this.logger.error(
          { err: error, rows: batch.length },
          `writing ${this.options.label} rows failed; will retry`,
        );
        return;
      }
      this.#failures = 0;
      this.#queue.splice(0, batch.length);
    }
  }

  #retryDelay(): number {
    return Math.min(30_000, 100 * 2 ** Math.min(this.#failures, 8));
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => void this.flush(), delayMs);
    this.#timer.unref();
  }
}
