import { OutcomeWindow } from './outcome-window.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** Failure share over the window that opens it (0 turns this rule off)… */
  errorRate: number;
  /** …once the window holds at least this many outcomes. */
  minRequests: number;
  windowMs: number;
  /** How long an open breaker refuses before it lets one probe through. */
  cooldownMs: number;
}

/** What one request may do: go as usual, go as the half-open probe, or not go. */
export type BreakerAdmission = 'pass' | 'probe' | 'refuse';

/**
 * A channel's circuit breaker. Closed: requests go. Open (after `failureThreshold` consecutive
 * failures, or an error rate over the window): requests are refused until the cooldown passes.
 * Half-open: one request goes as a probe; its success closes the breaker, its failure opens it for
 * another cooldown. A probe that never reports back frees its place after one cooldown.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #consecutiveFailures = 0;
  /** Open: when a probe may go. */
  #reopenAt = 0;
  /** Half-open: when the probe in flight was let through. */
  #probeSince: number | undefined;
  readonly #window: OutcomeWindow;

  constructor(private readonly options: BreakerOptions) {
    this.#window = new OutcomeWindow(options.windowMs);
  }

  /** The state as routing sees it: an open breaker whose cooldown has passed reads as half-open. */
  state(now: number): BreakerState {
    if (this.#state === 'open' && now >= this.#reopenAt) return 'half-open';
    return this.#state;
  }

  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /** When a request could be admitted without forcing: `now` or earlier if it can be now. */
  availableAt(now: number): number {
    switch (this.#state) {
      case 'closed':
        return now;
      case 'open':
        return this.#reopenAt;
      case 'half-open':
        return this.#probeSince === undefined ? now : this.#probeSince + this.options.cooldownMs;
      default: {
        const unreachable: never = this.#state;
        throw new Error(`unknown breaker state ${String(unreachable)}`);
      }
    }
  }

  /** Claims the right to send one request; `forced` sends through an open breaker too. */
  admit(now: number, forced: boolean): BreakerAdmission {
    if (this.#state === 'closed') return 'pass';
    if (this.availableAt(now) <= now) {
      this.#state = 'half-open';
      this.#probeSince = now;
      return 'probe';
    }
    return forced ? 'pass' : 'refuse';
  }

  /** A request through this channel worked: whatever the state, the channel serves again. */
  success(now: number): void {
    if (this.#state !== 'closed') {
      this.#state = 'closed';
      this.#probeSince = undefined;
      this.#window.clear();
    }
    this.#consecutiveFailures = 0;
    this.#window.record(true, now);
  }

  failure(now: number): void {
    this.#consecutiveFailures += 1;
    this.#window.record(false, now);
    if (this.#state !== 'closed' || this.#tripped(now)) this.#open(now);
  }

  /** A request admitted as `probe` ended without a verdict (the client left): another may probe. */
  release(admission: BreakerAdmission): void {
    if (admission === 'probe' && this.#state === 'half-open') this.#probeSince = undefined;
  }

  /** Back to closed with no history (the channel was re-enabled or reconfigured). */
  reset(): void {
    this.#state = 'closed';
    this.#consecutiveFailures = 0;
    this.#probeSince = undefined;
    this.#window.clear();
  }

  #tripped(now: number): boolean {
    if (this.#consecutiveFailures >= this.options.failureThreshold) return true;
    if (this.options.errorRate <= 0) return false;
    const { successes, failures } = this.#window.counts(now);
    const total = successes + failures;
    return total >= this.options.minRequests && failures / total >= this.options.errorRate;
  }

  #open(now: number): void {
    this.#state = 'open';
    this.#reopenAt = now + this.options.cooldownMs;
    this.#probeSince = undefined;
  }
}
