import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  const options = { baseMs: 50, maxMs: 1000 };

  it('doubles the ceiling per retry up to the cap, with half of it random', () => {
    expect(backoffDelay(0, options, () => 0)).toBe(25);
    expect(backoffDelay(0, options, () => 1)).toBe(50);
    expect(backoffDelay(2, options, () => 0)).toBe(100);
    expect(backoffDelay(2, options, () => 1)).toBe(200);
    expect(backoffDelay(10, options, () => 1)).toBe(1000);
    expect(backoffDelay(500, options, () => 0.5)).toBe(750);
  });

  it('spreads concurrent retries over the upper half of the ceiling', () => {
    const delays = Array.from({ length: 1000 }, () => backoffDelay(3, options));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...delays)).toBeLessThanOrEqual(400);
    expect(new Set(delays.map(Math.round)).size).toBeGreaterThan(50);
  });
});
