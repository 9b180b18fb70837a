import { orderChannels } from '../relay/order-channels.ts';
import type { RuntimeChannel } from '../relay/runtime-channel.ts';
import type { ChannelHealth } from './channel-health.ts';
import type { RoutingStrategy } from './routing-strategy.ts';

/** The channels to try for one request, in order. */
export interface ChannelRoute {
  channels: RuntimeChannel[];
  /**
   * Index of the first resting channel (breaker open, its probe taken, or a Retry-After not over):
   * those come last, soonest ready first, and are sent to anyway — as a last resort, when every
   * channel before them has failed.
   */
  restingFrom: number;
}

/**
 * The channels that may serve a request: first those whose breaker lets requests through, ordered
 * by the model's strategy; then, as a last resort, the resting ones. A request is never failed
 * without asking an upstream while some channel serves the model, and a resting channel is asked
 * only when no other has answered. Channels the gateway is disabling are left out.
 */
export function pickChannels(
  candidates: readonly RuntimeChannel[],
  strategy: RoutingStrategy,
  health: ChannelHealth,
  random: () => number = Math.random,
  costOf?: (channel: RuntimeChannel) => number | undefined,
): ChannelRoute {
  const available: RuntimeChannel[] = [];
  const resting: { channel: RuntimeChannel; readyAt: number }[] = [];
  for (const channel of candidates) {
    if (health.isDisabled(channel.id)) continue;
    const readyAt = health.availableAt(channel.id);
    if (readyAt === 0) available.push(channel);
    else resting.push({ channel, readyAt });
  }
  resting.sort((a, b) => a.readyAt - b.readyAt);
  const ordered = orderChannels(available, strategy, health, random, costOf);
  return { channels: [...ordered, ...resting.map((entry) => entry.channel)], restingFrom: ordered.length };
}
