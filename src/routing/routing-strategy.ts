/**
 * How the channels that serve a model are ordered; each model of the catalog names one.
 * - `priority` (the default): highest priority first, weighted random within a priority.
 * - `least-latency`: the lowest moving average of first-byte latency first (see ChannelHealth).
 * - `cheapest`: the lowest cost for the model first (the channel's `costs`), priority order
 *   among equal costs; channels with no cost for the model come after those with one.
 */
export const routingStrategies = ['priority', 'least-latency', 'cheapest'] as const;

export type RoutingStrategy = (typeof routingStrategies)[number];

export const isRoutingStrategy = (value: unknown): value is RoutingStrategy =>
  (routingStrategies as readonly unknown[]).includes(value);
