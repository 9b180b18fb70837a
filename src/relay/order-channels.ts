import type { RuntimeChannel } from './runtime-channel.ts';

/**
 * The order in which to try channels: priority tiers from highest to lowest, and within a tier a
 * weighted random permutation (each next pick is drawn with probability proportional to weight).
 * The input must be sorted by priority, highest first.
 */
export function orderChannels(
  channels: readonly RuntimeChannel[],
  random: () => number = Math.random,
): RuntimeChannel[] {
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
