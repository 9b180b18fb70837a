import { describe, expect, it } from 'vitest';
import { formatCredits } from './format-credits.ts';

describe('formatCredits', () => {
  it('writes micro-credits as credits without rounding', () => {
    expect(formatCredits(1_500_000)).toBe('1.5');
    expect(formatCredits(25)).toBe('0.000025');
    expect(formatCredits(0)).toBe('0');
    expect(formatCredits(-2_000_001)).toBe('-2.000001');
    expect(formatCredits(123_456_789_000_000)).toBe('123456789');
  });
});
