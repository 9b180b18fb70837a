import { describe, expect, it } from 'vitest';
import { OutcomeWindow } from './outcome-window.ts';

describe('OutcomeWindow', () => {
  it('counts outcomes within the window and drops them a bucket at a time', () => {
    const window = new OutcomeWindow(10_000, 10);
    window.record(true, 0);
    window.record(false, 500);
    window.record(true, 5_000);
    expect(window.counts(5_000)).toEqual({ successes: 2, failures: 1 });
    // The first bucket (0–999 ms) leaves the window at 10 s.
    expect(window.counts(10_000)).toEqual({ successes: 1, failures: 0 });
    expect(window.counts(15_000)).toEqual({ successes: 0, failures: 0 });
  });

  it('reuses a bucket for a later slot, starting it empty', () => {
    const window = new OutcomeWindow(1_000, 2);
    window.record(false, 0);
    window.record(true, 600);
    // 1000 ms falls in the first bucket again: its failure from 0 ms is gone.
    window.record(true, 1_000);
    expect(window.counts(1_000)).toEqual({ successes: 2, failures: 0 });
  });

  it('recounts a success as a failure', () => {
    const window = new OutcomeWindow(1_000);
    window.record(true, 0);
    window.recountAsFailure(0);
    expect(window.counts(0)).toEqual({ successes: 0, failures: 1 });
  });
});
