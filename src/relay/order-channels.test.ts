import { describe, expect, it } from 'vitest';
import type { LatencySource } from '../routing/channel-health.ts';
import { orderChannels } from './order-channels.ts';
import { runtimeChannel as channel } from './runtime-channel.test-support.ts';

describe('orderChannels', () => {
  it('tries higher priority tiers first, whatever the weights', () => {
    const ordered = orderChannels([channel(1, 10, 1), channel(2, 5, 1000), channel(3, 0, 1)]);
    expect(ordered.map((c) => c.id)).toEqual([1, 2, 3]);
  });

  it('picks first within a tier in proportion to weight (10,000 draws, within 5%)', () => {
    const tier = [channel(1, 0, 1), channel(2, 0, 3), channel(3, 0, 6)];
    const firsts = new Map<number, number>();
    const draws = 10_000;
    for (let i = 0; i < draws; i++) {
      const first = orderChannels(tier)[0]!.id;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect((firsts.get(1) ?? 0) / draws).toBeCloseTo(0.1, 1);
    expect(Math.abs((firsts.get(2) ?? 0) / draws - 0.3)).toBeLessThan(0.05 * 0.3 + 0.01);
    expect(Math.abs((firsts.get(3) ?? 0) / draws - 0.6)).toBeLessThan(0.05 * 0.6 + 0.01);
  });

  it('keeps every channel exactly once, zero weights last-resort but present', () => {
    const ordered = orderChannels(
      [channel(1, 0, 0), channel(2, 0, 2), channel(3, 0, 0)],
      'priority',
      undefined,
      () => 0.5,
    );
    expect(ordered[0]!.id).toBe(2);
    expect(new Set(ordered.map((c) => c.id))).toEqual(new Set([1, 2, 3]));
  });

  describe('least-latency', () => {
    const latencies = (figures: Record<number, number>): LatencySource => ({
      averageLatencyMs: (id) => figures[id],
    });

    it('puts the fastest first, whatever the priorities', () => {
      const ordered = orderChannels(
        [channel(1, 10), channel(2, 5), channel(3, 0)],
        'least-latency',
        latencies({ 1: 900, 2: 120, 3: 400 }),
      );
      expect(ordered.map((c) => c.id)).toEqual([2, 3, 1]);
    });

    it('tries channels with no recent figure first, so that they get measured', () => {
      const ordered = orderChannels(
        [channel(1, 10), channel(2, 5), channel(3, 0)],
        'least-latency',
        latencies({ 1: 50 }),
      );
      expect(ordered.map((c) => c.id)).toEqual([2, 3, 1]);
    });

    it('breaks ties by priority, and falls back to priority order without figures', () => {
      const tied = orderChannels(
        [channel(1, 10), channel(2, 5)],
        'least-latency',
        latencies({ 1: 100, 2: 100 }),
      );
      expect(tied.map((c) => c.id)).toEqual([1, 2]);
      expect(orderChannels([channel(1, 10), channel(2, 5)], 'least-latency').map((c) => c.id)).toEqual([
        1, 2,
      ]);
    });
  });
});

describe('the cheapest strategy', () => {
  const priced = (id: number, priority: number, cost?: number) =>
    channel(id, priority, 1, cost === undefined ? {} : { '*': cost });

  it('tries the lowest cost first whatever the priority, and channels without a cost last', () => {
    const ordered = orderChannels(
      [priced(1, 10, 900), priced(2, 5), priced(3, 0, 100), priced(4, 0, 500)],
      'cheapest',
    );
    expect(ordered.map((channel) => channel.id)).toEqual([3, 4, 1, 2]);
  });

  it('keeps priority order among equal costs, and reads the cost of the model asked for', () => {
    const channels = [
      channel(1, 10, 1, { 'gpt-4o': 300, '*': 50 }),
      channel(2, 0, 1, { 'gpt-4o': 300 }),
      channel(3, 5, 1, { '*': 200 }),
    ];
    const costOf = (channel: (typeof channels)[number]) => channel.costs['gpt-4o'] ?? channel.costs['*'];
    expect(orderChannels(channels, 'cheapest', undefined, Math.random, costOf).map((c) => c.id)).toEqual([
      3, 1, 2,
    ]);
  });
});
