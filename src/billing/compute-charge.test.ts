import { describe, expect, it } from 'vitest';
import { applyMultiplier, computeCharge } from './compute-charge.ts';
import { MAX_BALANCE } from './max-balance.ts';
import type { ModelPrice } from './model-price.ts';

const gpt4oMini: ModelPrice = { perRequest: 0, input: 150_000, cachedInput: 75_000, output: 600_000 };

describe('computeCharge', () => {
  it('prices input, cached input and output per million tokens', () => {
    // 1,000 input of which 400 cached, 500 output:
    // 600 × 0.15 + 400 × 0.075 + 500 × 0.6 = 90 + 30 + 300 micro-credits.
    expect(
      computeCharge(gpt4oMini, { inputTokens: 1_000, cachedInputTokens: 400, outputTokens: 500 }, 1_000_000),
    ).toBe(420);
  });

  it('rounds each part up, so a tiny request is never free', () => {
    expect(
      computeCharge(gpt4oMini, { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, 1_000_000),
    ).toBe(2);
  });

  it('charges cached input at the input price when no cached price is set', () => {
    const price: ModelPrice = { perRequest: 0, input: 1_000_000, cachedInput: null, output: 0 };
    expect(computeCharge(price, { inputTokens: 10, cachedInputTokens: 10, outputTokens: 0 }, 1_000_000)).toBe(
      10,
    );
  });

  it('adds the per-request price and applies the group multiplier', () => {
    const price: ModelPrice = { perRequest: 40_000, input: 0, cachedInput: null, output: 0 };
    const usage = { inputTokens: 99, cachedInputTokens: 0, outputTokens: 99 };
    expect(computeCharge(price, usage, 1_000_000)).toBe(40_000);
    expect(computeCharge(price, usage, 1_500_000)).toBe(60_000);
    expect(computeCharge(price, usage, 0)).toBe(0);
    expect(computeCharge(price, { ...usage, requests: 3 }, 1_000_000)).toBe(120_000);
  });

  it('never charges more than the largest balance, however many tokens are claimed', () => {
    // An upstream can claim 1e20 or 1e308 tokens (and a client ask for as many): the charge (and
    // the hold for such a worst case) stays a figure the ledger holds, with a discount too.
    for (const tokens of [1e20, 1e25, 1e308]) {
      for (const multiplier of [1_000_000, 800_000, 3_000_000]) {
        const usage = { inputTokens: tokens, cachedInputTokens: 0, outputTokens: tokens };
        expect(computeCharge(gpt4oMini, usage, multiplier)).toBe(MAX_BALANCE);
      }
    }
    // Above the cap before a discount, below it after: the discount counts.
    const output = (tokens: number) => ({ inputTokens: 0, cachedInputTokens: 0, outputTokens: tokens });
    const dear: ModelPrice = { perRequest: 0, input: 0, cachedInput: null, output: 1_000_000 };
    expect(computeCharge(dear, output(12e15), 500_000)).toBe(6e15);
    expect(computeCharge(gpt4oMini, { inputTokens: 1e308, cachedInputTokens: 0, outputTokens: 0 }, 0)).toBe(
      0,
    );
  });

  it('stays exact for huge token counts and prices', () => {
    const price: ModelPrice = { perRequest: 0, input: 0, cachedInput: null, output: 9_000_000_000 };
    expect(
      computeCharge(price, { inputTokens: 0, cachedInputTokens: 0, outputTokens: 3_000_000_001 }, 1_000_000),
    ).toBe(27_000_000_009_000);
  });

  it('ignores nonsense cached counts above the input', () => {
    expect(
      computeCharge(gpt4oMini, { inputTokens: 10, cachedInputTokens: 50, outputTokens: 0 }, 1_000_000),
    ).toBe(1);
  });
});

describe('applyMultiplier', () => {
  it('rounds up fractional results', () => {
    expect(applyMultiplier(3, 500_000)).toBe(2);
    expect(applyMultiplier(0, 2_000_000)).toBe(0);
  });
});
