import { describe, expect, it } from 'vitest';
import { MemorySlidingWindow } from './memory-sliding-window.ts';

describe('MemorySlidingWindow', () => {
  it('shares one slot per millisecond and keeps the total through compaction', () => {
    const window = new MemorySlidingWindow();
    for (let time = 0; time < 1000; time++) {
      window.add(time, 1);
      window.add(time, 2);
      window.prune(time, 100);
    }
    // Entries at 900..999 remain (an entry at t leaves at t + 100).
    expect(window.total).toBe(300);
    expect(window.resetMs(999, 100)).toBe(1);
    expect(window.waitForRoomMs(999, 100, 300, 1)).toBe(1);
    expect(window.waitForRoomMs(999, 100, 300, 7)).toBe(3);
    window.prune(1099, 100);
    expect(window.isEmpty).toBe(true);
    expect(window.total).toBe(0);
  });
});
