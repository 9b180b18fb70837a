import {
  CircuitBreaker,
  type BreakerAdmission,
  type BreakerOptions,
  type BreakerState,
} from './circuit-breaker.ts';
import { ChannelStats } from './channel-stats.ts';

export interface ChannelHealthOptions {
  breaker: BreakerOptions;
  /**
   * A latency average whose last sample is older than this counts as none, so that a channel that
   * was slow once is measured again rather than avoided for ever (default five minutes).
   */
  latencyMaxAgeMs?: number;
}

/** Where first-byte latency averages come from, for the `least-latency` strategy. */
export interface LatencySource {
  averageLatencyMs(channelId: number): number | undefined;
}

/** The right to send one request to a channel; its outcome must be reported exactly once. */
export interface ChannelAdmission {
  channelId: number;
  breaker: BreakerAdmission;
}

/** A channel's health as the management API shows it. */
export interface ChannelHealthFigures {
  breaker: BreakerState;
  consecutiveFailures: number;
  /** Over the breaker's window; null when the window holds no request. */
  successRate: number | null;
  requests: number;
  averageLatencyMs: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  /** Until when the channel rests because its upstream said `Retry-After`; null when it does not. */
  restingUntil: number | null;
}

interface ChannelState {
  breaker: CircuitBreaker;
  stats: ChannelStats;
  /** Epoch ms before which the upstream asked not to be called (Retry-After). */
  restUntil: number;
}

/**
 * The health of every channel, in memory on this node: a circuit breaker, recent outcomes and
 * latency, and any Retry-After rest. Routing asks it which channels to prefer; the relay reports
 * every attempt's outcome to it. Channels the gateway is disabling are marked so they drop out of
 * routing at once, before the registry reloads.
 */
export class ChannelHealth implements LatencySource {
  readonly #channels = new Map<number, ChannelState>();
  readonly #disabled = new Set<number>();
  readonly #latencyMaxAgeMs: number;

  constructor(
    private readonly options: ChannelHealthOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.#latencyMaxAgeMs = options.latencyMaxAgeMs ?? 5 * 60_000;
  }

  /** The health clock's time (epoch ms). */
  now(): number {
    return this.clock();
  }

  isDisabled(channelId: number): boolean {
    return this.#disabled.has(channelId);
  }

  /** When the channel may take a request without forcing: 0 if it may now. */
  availableAt(channelId: number): number {
    const state = this.#channels.get(channelId);
    if (!state) return 0;
    const now = this.clock();
    const at = Math.max(state.breaker.availableAt(now), state.restUntil);
    return at <= now ? 0 : at;
  }

  /**
   * Claims the right to send a request to the channel: undefined when its breaker is open (or its
   * probe is taken) or it rests after a Retry-After. `forced` goes through both: the caller has no
   * better channel left.
   */
  admit(channelId: number, forced: boolean): ChannelAdmission | undefined {
    const state = this.#state(channelId);
    const now = this.clock();
    if (!forced && state.restUntil > now) return undefined;
    const breaker = state.breaker.admit(now, forced);
    return breaker === 'refuse' ? undefined : { channelId, breaker };
  }

  /** The channel answered. `latencyMs`: time to its first byte, when that measures the channel. */
  succeeded(admission: ChannelAdmission, latencyMs?: number): void {
    const state = this.#state(admission.channelId);
    const now = this.clock();
    state.breaker.success(now);
    state.stats.success(now, latencyMs);
  }

  /** The channel failed; `retryAfterMs`: how long its upstream asked to be left alone. */
  failed(admission: ChannelAdmission, message: string, retryAfterMs?: number): void {
    const state = this.#state(admission.channelId);
    const now = this.clock();
    state.breaker.failure(now);
    state.stats.failure(now, message);
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      state.restUntil = Math.max(state.restUntil, now + retryAfterMs);
    }
  }

  /** The attempt ended with no verdict on the channel (the client left first). */
  released(admission: ChannelAdmission): void {
    this.#channels.get(admission.channelId)?.breaker.release(admission.breaker);
  }

  /** A stream the channel had started broke after its first byte. */
  interrupted(channelId: number, message: string): void {
    const state = this.#state(channelId);
    const now = this.clock();
    state.breaker.failure(now);
    state.stats.interrupted(now, message);
  }

  /**
   * A test of the channel (by an admin or the health check): a pass closes its breaker and ends any
   * rest; a failure counts against the breaker like a failed request (an open one stays open).
   */
  checked(channelId: number, success: boolean, message: string): void {
    const state = this.#state(channelId);
    const now = this.clock();
    if (success) {
      state.breaker.reset();
      state.restUntil = 0;
      return;
    }
    state.breaker.failure(now);
    state.stats.noteError(now, message);
  }

  /** Out of routing now: the gateway is disabling the channel. */
  markDisabled(channelId: number): void {
    this.#disabled.add(channelId);
  }

  /** A fresh start for a channel that was re-enabled or reconfigured; its latency average stays. */
  reset(channelId: number): void {
    this.#disabled.delete(channelId);
    const state = this.#channels.get(channelId);
    if (!state) return;
    state.breaker.reset();
    state.restUntil = 0;
  }

  /** Forgets a deleted channel. */
  forget(channelId: number): void {
    this.#disabled.delete(channelId);
    this.#channels.delete(channelId);
  }

  /** Forgets everything (tests start each case from here). */
  clear(): void {
    this.#disabled.clear();
    this.#channels.clear();
  }

  averageLatencyMs(channelId: number): number | undefined {
    return this.#channels.get(channelId)?.stats.latency(this.clock(), this.#latencyMaxAgeMs);
  }

  figures(channelId: number): ChannelHealthFigures {
    const state = this.#channels.get(channelId);
    const now = this.clock();
    if (!state) {
      return {
        breaker: 'closed',
        consecutiveFailures: 0,
        successRate: null,
        requests: 0,
        averageLatencyMs: null,
        lastError: null,
        lastErrorAt: null,
        restingUntil: null,
      };
    }
    const { successes, failures } = state.stats.outcomes.counts(now);
    const requests = successes + failures;
    const latency = state.stats.latency(now, Number.POSITIVE_INFINITY);
    return {
      breaker: state.breaker.state(now),
      consecutiveFailures: state.breaker.consecutiveFailures,
      successRate: requests === 0 ? null : successes / requests,
      requests,
      averageLatencyMs: latency === undefined ? null : Math.round(latency),
      lastError: state.stats.lastError ?? null,
      lastErrorAt: state.stats.lastErrorAt ?? null,
      restingUntil: state.restUntil > now ? state.restUntil : null,
    };
  }

  #state(channelId: number): ChannelState {
    let state = this.#channels.get(channelId);
    if (!state) {
      state = {
        breaker: new CircuitBreaker(this.options.breaker),
        stats: new ChannelStats(this.options.breaker.windowMs),
        restUntil: 0,
      };
      this.#channels.set(channelId, state);
    }
    return state;
  }
}
