import { describe, expect, it } from 'vitest';
import { formatResetDuration } from './format-reset-duration.ts';

describe('formatResetDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [0.2, '1ms'],
    [6, '6ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [1050, '1.05s'],
    [1005, '1.005s'],
    [30_070, '30.07s'],
    [8640, '8.64s'],
    [59_999, '59.999s'],
    [60_000, '1m0s'],
    [360_000, '6m0s'],
    [61_001, '1m1.001s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });
});
