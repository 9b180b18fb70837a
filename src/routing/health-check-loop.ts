import type { Logger } from 'pino';
import type { ChannelRow } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { ChannelChecker } from './channel-checker.ts';
import type { ChannelHealth } from './channel-health.ts';

/**
 * The periodic health check: every interval, tests the channels that are out of service — an open
 * (or half-open) breaker, a Retry-After rest, or disabled by the gateway itself — one after the
 * other. A pass closes the breaker or re-enables the channel; channels an admin disabled are left
 * alone. Channels that serve are not tested: their requests say how they are.
 */
export class HealthCheckLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly store: Store,
    private readonly health: ChannelHealth,
    private readonly checker: ChannelChecker,
    private readonly logger: Logger,
  ) {}

  /** Starts checking every `intervalMs`; 0 leaves the check off. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running || this.#stopped) return;
      this.#running = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error({ err: error }, 'channel health check failed'))
        .finally(() => {
          this.#running = undefined;
        });
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a check in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One round: tests every channel out of service; returns the ids tested. */
  async runOnce(): Promise<number[]> {
    const tested: number[] = [];
    for (const row of await this.store.channels.list()) {
      if (this.#stopped) break;
      if (!this.#needsCheck(row)) continue;
      tested.push(row.id);
      // One channel's failure (its result not written) does not keep the others from their check.
      await this.checker
        .check(row, { reenable: true })
        .catch((error: unknown) =>
          this.logger.error({ err: error, channel: row.id }, 'channel health check failed'),
        );
    }
    return tested;
  }

  #needsCheck(row: ChannelRow): boolean {
    if (row.enabled === 0) return row.disabled_reason !== null;
    const figures = this.health.figures(row.id);
    return figures.breaker !== 'closed' || figures.restingUntil !== null;
  }
}
