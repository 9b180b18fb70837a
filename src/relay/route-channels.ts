import { routeModel } from '../catalog/route-model.ts';
import type { ModelRoute } from '../catalog/resolve-model.ts';
import { pickChannels, type ChannelRoute } from '../routing/pick-channels.ts';
import type { KeyContext } from './key-context.ts';
import type { RelayDeps } from './relay-deps.ts';
import type { RuntimeChannel } from './runtime-channel.ts';

/** A request's model resolved, and its channels in the order this request will try them. */
export interface RoutedChannels {
  route: ModelRoute;
  channels: ChannelRoute;
}

/**
 * Resolves the model for the key (refusing as `routeModel` does) and orders its channels by the
 * model's strategy and the channels' health. `candidates` narrows the channels first (the non-chat
 * routes keep those whose protocol can serve them); it may throw when none is left.
 */
export function routeChannels(
  deps: Pick<RelayDeps, 'catalog' | 'registry' | 'health'>,
  key: KeyContext,
  model: string,
  provider?: string,
  candidates: (channels: RuntimeChannel[]) => RuntimeChannel[] = (channels) => channels,
): RoutedChannels {
  const route = routeModel(deps.catalog, deps.registry, key, model, provider);
  // A channel's cost for the model under the name it lists it, or its cost for any model.
  const costOf = (channel: RuntimeChannel) => channel.costs[route.nameFor(channel)] ?? channel.costs['*'];
  const channels = pickChannels(candidates(route.channels), route.strategy, deps.health, Math.random, costOf);
  return { route, channels };
}
