export interface BackoffOptions {
  /** The first retry's delay ceiling. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

/**
 * The wait before retry number `retry` (0 for the first): an exponential ceiling, capped, with
 * "equal jitter" — half of it fixed, half random — so that requests failing together spread out
 * without any of them retrying at once.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(retry, 0), 30));
  return ceiling / 2 + random() * (ceiling / 2);
}
