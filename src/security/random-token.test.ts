import { describe, expect, it } from 'vitest';
import { randomBase62 } from './random-token.ts';

describe('randomBase62', () => {
  it('returns exactly the length asked for, in the base62 alphabet', () => {
    for (const length of [0, 1, 7, 48, 64, 1000]) {
      const value = randomBase62(length);
      expect(value).toHaveLength(length);
      expect(value).toMatch(/^[0-9A-Za-z]*$/);
    }
  });

  it('uses the whole alphabet and does not repeat itself', () => {
    const sample = Array.from({ length: 200 }, () => randomBase62(48));
    expect(new Set(sample).size).toBe(sample.length);
    // 9,600 draws from 62 symbols: a missing symbol would mean a broken alphabet, not bad luck.
    const seen = new Set(sample.join(''));
    expect(seen.size).toBe(62);
  });
});
