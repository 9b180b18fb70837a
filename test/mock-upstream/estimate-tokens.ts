/**
 * A deterministic stand-in for a tokenizer: one token per four UTF-16 code units, rounded up.
 * Tests compute expected usage with the same function.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
