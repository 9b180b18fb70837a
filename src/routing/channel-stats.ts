import { OutcomeWindow } from './outcome-window.ts';

/** Weight of the newest sample in the latency moving average. */
const latencyWeight = 0.3;

/** What one channel's requests came to recently: outcomes over a window, latency, the last error. */
export class ChannelStats {
  readonly outcomes: OutcomeWindow;
  lastError: string | undefined;
  lastErrorAt: number | undefined;
  #latencyMs: number | undefined;
  #latencyAt = 0;

  constructor(windowMs: number) {
    this.outcomes = new OutcomeWindow(windowMs);
  }

  /** `latencyMs`: time to the upstream's first byte, when the answer measured one. */
  success(now: number, latencyMs?: number): void {
    this.outcomes.record(true, now);
    if (latencyMs === undefined) return;
    this.#latencyMs =
      this.#latencyMs === undefined
        ? latencyMs
        : this.#latencyMs + latencyWeight * (latencyMs - this.#latencyMs);
    this.#latencyAt = now;
  }

  failure(now: number, message: string): void {
    this.outcomes.record(false, now);
    this.noteError(now, message);
  }

  /** A request counted as a success broke later (a stream cut after its first byte). */
  interrupted(now: number, message: string): void {
    this.outcomes.recountAsFailure(now);
    this.noteError(now, message);
  }

  /** The moving average of first-byte latency, unless its last sample is older than `maxAgeMs`. */
  latency(now: number, maxAgeMs: number): number | undefined {
    return now - this.#latencyAt <= maxAgeMs ? this.#latencyMs : undefined;
  }

  /** The last error seen, however it was seen (a request, or a test of the channel). */
  noteError(now: number, message: string): void {
    this.lastError = message.slice(0, 500);
    this.lastErrorAt = now;
  }
}
