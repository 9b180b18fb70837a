import type { Logger } from 'pino';

export interface ExpiringLog {
  /** Deletes up to `limit` rows created before `cutoff` (epoch ms) and says how many went. */
  deleteOlderThan(cutoff: number, limit: number): Promise<number>;
}

export interface LogRetentionOptions {
  /** Rows older than this many days are deleted; 0 keeps them forever. */
  retentionDays: number;
  /** Time between sweeps; the first runs after `min(sweepMs, firstSweepDelayMs)`. */
  sweepMs: number;
  firstSweepDelayMs?: number;
  /** Rows per DELETE: small enough that no statement holds locks (or SQLite's event loop) for long. */
  batchSize?: number;
}

const dayMs = 86_400_000;

/**
 * Deletes request-log rows (and their bodies) past the retention age, off the request path: a sweep
 * on an unref'd timer, one batch per statement, yielding between batches. Hourly rollups are kept:
 * they hold no request content, and the dashboard keeps its history.
 */
export class LogRetention {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(
    private readonly log: ExpiringLog,
    private readonly logger: Logger,
    private readonly options: LogRetentionOptions,
  ) {}

  get enabled(): boolean {
    return this.options.retentionDays > 0;
  }

  /** Starts the sweeps (when a retention age is set). */
  start(): void {
    if (!this.enabled || this.#timer !== undefined || this.#stopped) return;
    const schedule = (delayMs: number) => {
      this.#timer = setTimeout(() => {
        void this.sweep().finally(() => {
          if (!this.#stopped) schedule(this.options.sweepMs);
        });
      }, delayMs);
      this.#timer.unref();
    };
    schedule(Math.min(this.options.sweepMs, this.options.firstSweepDelayMs ?? 30_000));
  }

  /** One sweep now (a running one is shared): deletes every expired row, and says how many. */
  sweep(now = Date.now()): Promise<number> {
    if (!this.enabled) return Promise.resolve(0);
    this.#running ??= this.#deleteExpired(now - this.options.retentionDays * dayMs).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops the timer and waits for a sweep in progress to finish its current batch. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #deleteExpired(cutoff: number): Promise<number> {
    const batchSize = this.options.batchSize ?? 5000;
    let deleted = 0;
    try {
      for (;;) {
        const count = await this.log.deleteOlderThan(cutoff, batchSize);
        deleted += count;
        if (count < batchSize || this.#stopped) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.logger.error(
        { err: error, deleted },
        'deleting expired request logs failed; will retry next sweep',
      );
    }
    if (deleted > 0)
      this.logger.info({ deleted, before: new Date(cutoff).toISOString() }, 'expired request logs deleted');
    return deleted;
  }
}
