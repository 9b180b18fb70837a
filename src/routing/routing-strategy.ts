/**
 * How the channels that serve a model are ordered; each model of the catalog names one.
 * - `priority` (the default): highest priority first, weighted random within a priority.
 * - `least-latency`: the lowest moving average of first-byte latency first (see ChannelHealth).
 *
 * A `cheapest` strategy, by each channel's cost for the model, joins this list together with
 * channel prices: without prices there is nothing to rank by.
 */
export const routingStrategies = ['priority', 'least-latency'] as const;

export type RoutingStrategy = (typeof routingStrategies)[number];

export const isRoutingStrategy = (value: unknown): value is RoutingStrategy =>
  (routingStrategies as readonly unknown[]).includes(value);
