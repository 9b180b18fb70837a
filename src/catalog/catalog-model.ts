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

/**
 * What a model does, which decides the routes that serve it: chat (`/v1/chat/completions` and the
 * other chat surfaces), `/v1/embeddings`, `/v1/images/generations` or `/v1/audio/speech`.
 */
export const modelKinds = ['chat', 'embedding', 'image', 'speech'] as const;

export type ModelKind = (typeof modelKinds)[number];

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
  /**
   * Set on built-in models that are not chat models. An operator's row keeps the kind of the
   * built-in entry it replaces; the admin API does not set it (yet), so its own models are chat.
   */
  kind?: ModelKind;
}

/** The model's kind; chat when the catalog says nothing else. */
export const kindOf = (model: CatalogModel | undefined): ModelKind => model?.kind ?? 'chat';

/** Whether a caller in `group` may see and use `model` at all (channels decide the rest). */
export const isModelUsableBy = (model: CatalogModel, group: string): boolean =>
  model.enabled && (model.groups === null || model.groups.includes(group));
