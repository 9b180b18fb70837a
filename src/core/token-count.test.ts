import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_COUNT, tokenCount } from './token-count.ts';

describe('tokenCount', () => {
  it('reads a count as a whole number from 0 to MAX_TOKEN_COUNT', () => {
    expect(tokenCount(1234)).toBe(1234);
    expect(tokenCount(12.9)).toBe(12);
    expect(tokenCount(MAX_TOKEN_COUNT)).toBe(MAX_TOKEN_COUNT);
    for (const huge of [3_000_000_000, 1e20, 1e308, Number.POSITIVE_INFINITY]) {
      expect(tokenCount(huge)).toBe(MAX_TOKEN_COUNT);
    }
    for (const nothing of [0, -5, Number.NaN, '12', null, undefined, {}]) expect(tokenCount(nothing)).toBe(0);
  });
});
