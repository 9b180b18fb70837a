import type { RoutingStrategy } from '../routing/routing-strategy.ts';

export { routingStrategies, type RoutingStrategy } from '../routing/routing-strategy.ts';

export interface ModelCapabilities {
  vision: boolean;
  tools: boolean;
  /** JSON mode or structured output. */
  json: boolean;
  /** Input tokens the model takes; null when not published. */
  contextWindow: number | null;
  /** Output tokens it can generate in one answer; null when not published. */
  maxOutput: number | null;
}

/** One model of the catalog, built in or written by an operator. */
export interface CatalogModel {
  /** The canonical id, listed by `/v1/models`. */
  id: string;
  /** Other names clients may use for it; each names one model only. */
  aliases: readonly string[];
  capabilities: ModelCapabilities;
  /** The user groups that may see and use it; null means every group. */
  groups: readonly string[] | null;
  strategy: RoutingStrategy;
  /** The organisation behind the model (OpenAI's `owned_by`). */
  ownedBy: string;
  enabled: boolean;
  /** Release date, Unix seconds (OpenAI's `created`). */
  created: number;
}

/** Whether a caller in `group` may see and use `model` at all (channels decide the rest). */
export const isModelUsableBy = (model: CatalogModel, group: string): boolean =>
  model.enabled && (model.groups === null || model.groups.includes(group));
