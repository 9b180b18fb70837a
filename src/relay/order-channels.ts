import type { LatencySource } from '../routing/channel-health.ts';
import type { RoutingStrategy } from '../routing/routing-strategy.ts';
import type { RuntimeChannel } from './runtime-channel.ts';

/**
 * The order in which to try channels, by the model's routing strategy:
 * - `priority`: priority tiers from highest to lowest, and within a tier a weighted random
 *   permutation (each next pick is drawn with probability proportional to weight);
 * - `least-latency`: channels with no recent latency figure first (in priority order, so that each
 *   gets measured), then the others by their moving average of first-byte latency, fastest first;
 *   priority breaks ties.
 * - `cheapest`: by each channel's cost for the model (`costOf`), lowest first; equal costs in
 *   priority order; channels with no cost last.
 * The input must be sorted by priority, highest first.
 */
export function orderChannels(
  channels: readonly RuntimeChannel[],
  strategy: RoutingStrategy = 'priority',
  stats?: LatencySource,
  random: () => number = Math.random,
  costOf: (channel: RuntimeChannel) => number | undefined = (channel) => channel.costs['*'],
): RuntimeChannel[] {
  switch (strategy) {
    case 'priority':
      return byPriority(channels, random);
    case 'least-latency':
      return stats ? byLatency(channels, stats, random) : byPriority(channels, random);
    case 'cheapest':
      return byCost(channels, costOf, random);
    default: {
      const unreachable: never = strategy;
      throw new Error(`unknown routing strategy ${String(unreachable)}`);
    }
  }
}

function byPriority(channels: readonly RuntimeChannel[], random: () => number): RuntimeChannel[] {
  if (channels.length <= 1) return [...channels];
  const ordered: RuntimeChannel[] = [];
  let start = 0;
  while (start < channels.length) {
    const priority = channels[start]!.priority;
    let end = start;
    while (end < channels.length && channels[end]!.priority === priority) end++;
    const tier = channels.slice(start, end);
    while (tier.length > 0) {
      const total = tier.reduce((sum, channel) => sum + Math.max(channel.weight, 0), 0);
      let index = 0;
      if (total > 0) {
        let draw = random() * total;
        index = tier.findIndex((channel) => (draw -= Math.max(channel.weight, 0)) < 0);
        if (index < 0) index = tier.length - 1;
      }
      ordered.push(tier.splice(index, 1)[0]!);
    }
    start = end;
  }
  return ordered;
}

function byLatency(
  channels: readonly RuntimeChannel[],
  stats: LatencySource,
  random: () => number,
): RuntimeChannel[] {
  const unmeasured: RuntimeChannel[] = [];
  const measured: { channel: RuntimeChannel; latency: number }[] = [];
  for (const channel of channels) {
    const latency = stats.averageLatencyMs(channel.id);
    if (latency === undefined) unmeasured.push(channel);
    else measured.push({ channel, latency });
  }
  // A stable sort keeps the input's priority order among equal latencies.
  measured.sort((a, b) => a.latency - b.latency);
  return [...byPriority(unmeasured, random), ...measured.map((entry) => entry.channel)];
}

function byCost(
  channels: readonly RuntimeChannel[],
  costOf: (channel: RuntimeChannel) => number | undefined,
  random: () => number,
): RuntimeChannel[] {
  const costs = new Map<number, number>();
  for (const channel of channels) costs.set(channel.id, costOf(channel) ?? Number.POSITIVE_INFINITY);
  const distinct = [...new Set(costs.values())].sort((a, b) => a - b);
  // Each cost level keeps the input's priority order, so byPriority applies within it.
  return distinct.flatMap((cost) =>
    byPriority(
      channels.filter((channel) => costs.get(channel.id) === cost),
      random,
    ),
  );
}
