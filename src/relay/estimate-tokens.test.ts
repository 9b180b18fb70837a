import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { estimateTextTokens } from './estimate-tokens.ts';

describe('estimateTextTokens', () => {
  it('counts short text exactly, as the tokenizer does', () => {
    for (const text of ['', 'Hello, world!', 'é ✓ 😀 日本語', 'The quick brown fox. '.repeat(40)]) {
      expect(estimateTextTokens(text)).toBe(text === '' ? 0 : countTokens(text));
    }
  });

  it('counts long prose within a percent, from 16 pieces of it', () => {
    const prose = Array.from({ length: 4000 }, (_, index) => `Sentence ${index} says something plain.`).join(
      ' ',
    );
    const exact = countTokens(prose);
    expect(Math.abs(estimateTextTokens(prose) - exact) / exact).toBeLessThan(0.01);
  });

  it('estimates a text of any length from its pieces: 20 MB of one letter as 16 KB of it, scaled', () => {
    const sampleTokens = estimateTextTokens('a'.repeat(16_384));
    expect(estimateTextTokens('a'.repeat(20_000_000))).toBe(Math.ceil((sampleTokens * 20_000_000) / 16_384));
  });
});
