import type { Logger } from 'pino';
import type { Admission, AdmitRequest, RateLimiter } from './rate-limiter.ts';
import { RateLimiterUnavailableError } from './rate-limiter-unavailable-error.ts';

export interface FailOpenOptions {
  /** At most one warning per this interval while the store fails (default 10 s): no log flood at full traffic. */
  warnIntervalMs?: number;
  /** Called on every failure, e.g. to count it in a metric. */
  onFailure?: (error: RateLimiterUnavailableError) => void;
  clock?: () => number;
}

/**
 * Lets traffic through when the limiter's store fails (`RateLimiterUnavailableError`): an outage of
 * Redis must not take the gateway down with it. The admission reads as allowed with every bucket
 * whole, marked `failedOpen`. Other errors (malformed buckets) still reject.
 */
export class FailOpenRateLimiter implements RateLimiter {
  readonly #warnIntervalMs: number;
  readonly #clock: () => number;
  #lastWarning = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(
    private readonly inner: RateLimiter,
    private readonly logger: Logger,
    private readonly options: FailOpenOptions = {},
  ) {
    this.#warnIntervalMs = options.warnIntervalMs ?? 10_000;
    this.#clock = options.clock ?? Date.now;
  }

  get remote(): boolean {
    return this.inner.remote;
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    try {
      return await this.inner.admit(request);
    } catch (error) {
      this.#failed(error, 'admission');
      return {
        allowed: true,
        retryAfterMs: 0,
        failedOpen: true,
        buckets: request.buckets.map((bucket) => ({
          id: bucket.id,
          kind: bucket.kind,
          limit: bucket.limit,
          remaining: bucket.limit,
          resetMs: 0,
          allowed: true,
          retryAfterMs: 0,
        })),
      };
    }
  }

  async record(bucketId: string, amount: number): Promise<void> {
    try {
      await this.inner.record(bucketId, amount);
    } catch (error) {
      this.#failed(error, 'record');
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Rethrows what is not a store failure; warns (now and then) about what is. */
  #failed(error: unknown, during: string): void {
    if (!(error instanceof RateLimiterUnavailableError)) throw error;
    this.options.onFailure?.(error);
    const now = this.#clock();
    if (now - this.#lastWarning < this.#warnIntervalMs) {
      this.#suppressed += 1;
      return;
    }
    this.logger.warn(
      { err: error, during, suppressed: this.#suppressed },
      'rate limiter unavailable: letting requests through unlimited',
    );
    this.#lastWarning = now;
    this.#suppressed = 0;
  }
}
