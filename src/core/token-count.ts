/**
 * The most tokens one count may be: far beyond any request (a 2 billion token answer), and what a
 * 32-bit column, a rate limiter's arithmetic and a charge computed in safe integers all hold. An
 * upstream reporting `1e20` tokens (any JSON number parses) made its settlement a number the
 * database refused, which held every settlement queued behind it.
 */
export const MAX_TOKEN_COUNT = 2 ** 31 - 1;

/** A token count an upstream reported, as a whole number from 0 to MAX_TOKEN_COUNT (0 if not a number). */
export function tokenCount(value: unknown): number {
  if (typeof value !== 'number' || !(value > 0)) return 0;
  return value >= MAX_TOKEN_COUNT ? MAX_TOKEN_COUNT : Math.floor(value);
}
