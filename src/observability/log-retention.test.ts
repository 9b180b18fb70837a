import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { LogRetention, type ExpiringLog } from './log-retention.ts';

const day = 86_400_000;

/** A log of rows with creation times that deletes like the repository: oldest first, `limit` at a time. */
class FakeLog implements ExpiringLog {
  calls: { cutoff: number; limit: number }[] = [];
  failAt: number | undefined;
  constructor(public rows: number[]) {}

  async deleteOlderThan(cutoff: number, limit: number): Promise<number> {
    this.calls.push({ cutoff, limit });
    if (this.failAt === this.calls.length) throw new Error('database went away');
    const expired = this.rows
      .filter((created) => created < cutoff)
      .sort((a, b) => a - b)
      .slice(0, limit);
    this.rows = this.rows.filter((created) => !expired.includes(created));
    return expired.length;
  }
}

const logger = createLogger('silent');
const now = Date.UTC(2024, 6, 1);

describe('LogRetention', () => {
  it('deletes every row past the age, a batch per call, and keeps the rest', async () => {
    const rows = [
      ...Array.from({ length: 12 }, (_, index) => now - 31 * day - index),
      now - 29 * day,
      now - day,
    ];
    const log = new FakeLog(rows);
    const retention = new LogRetention(log, logger, { retentionDays: 30, sweepMs: 60_000, batchSize: 5 });
    expect(await retention.sweep(now)).toBe(12);
    expect(log.rows).toEqual([now - 29 * day, now - day]);
    expect(log.calls).toEqual([
      { cutoff: now - 30 * day, limit: 5 },
      { cutoff: now - 30 * day, limit: 5 },
      { cutoff: now - 30 * day, limit: 5 },
    ]);
  });

  it('keeps everything when no age is set, and never starts a timer', async () => {
    const log = new FakeLog([0, 1, 2]);
    const retention = new LogRetention(log, logger, { retentionDays: 0, sweepMs: 1 });
    retention.start();
    expect(await retention.sweep(now)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.calls).toEqual([]);
    await retention.stop();
  });

  it('survives a failing batch (the next sweep carries on) and reports what it deleted', async () => {
    const log = new FakeLog(Array.from({ length: 10 }, (_, index) => index));
    log.failAt = 2;
    const retention = new LogRetention(log, logger, { retentionDays: 1, sweepMs: 60_000, batchSize: 4 });
    expect(await retention.sweep(now)).toBe(4);
    expect(await retention.sweep(now)).toBe(6);
    expect(log.rows).toEqual([]);
  });

  it('sweeps on its timer until stopped', async () => {
    const log = new FakeLog([1]);
    const retention = new LogRetention(log, logger, { retentionDays: 1, sweepMs: 10 });
    retention.start();
    await expect.poll(() => log.calls.length).toBeGreaterThanOrEqual(2);
    expect(log.rows).toEqual([]);
    await retention.stop();
    const calls = log.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.calls.length).toBe(calls);
  });
});
