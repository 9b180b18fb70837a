import { parseJsonColumn } from '../store/json-column.ts';
import type { ModelWrite } from '../store/models-repository.ts';
import type { ModelRow } from '../store/schema.ts';
import {
  routingStrategies,
  type CatalogModel,
  type ModelCapabilities,
  type RoutingStrategy,
} from './catalog-model.ts';

/** Capabilities as the API and the database spell them. */
export interface WireCapabilities {
  vision: boolean;
  tools: boolean;
  json: boolean;
  context_window: number | null;
  max_output: number | null;
}

export const toWireCapabilities = (capabilities: ModelCapabilities): WireCapabilities => ({
  vision: capabilities.vision,
  tools: capabilities.tools,
  json: capabilities.json,
  context_window: capabilities.contextWindow,
  max_output: capabilities.maxOutput,
});

const flag = (value: unknown): boolean => value === true;
const limit = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
const names = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];

/**
 * A stored row as a catalog entry. The row is what an operator wrote through the API, so it is
 * whole; a damaged field reads as its empty value rather than failing every request.
 */
export function modelFromRow(row: ModelRow, builtIn: CatalogModel | undefined): CatalogModel {
  const capabilities = parseJsonColumn<Record<string, unknown>>(row.capabilities, {});
  const groups = parseJsonColumn<unknown>(row.groups, null);
  return {
    id: row.id,
    aliases: names(parseJsonColumn<unknown>(row.aliases, [])).filter((alias) => alias !== row.id),
    capabilities: {
      vision: flag(capabilities.vision),
      tools: flag(capabilities.tools),
      json: flag(capabilities.json),
      contextWindow: limit(capabilities.context_window),
      maxOutput: limit(capabilities.max_output),
    },
    groups: groups === null ? null : names(groups),
    strategy: routingStrategies.includes(row.strategy as RoutingStrategy)
      ? (row.strategy as RoutingStrategy)
      : 'priority',
    ownedBy: row.owned_by,
    enabled: row.enabled === 1,
    // An override keeps the release date of the model it replaces; a new model dates from its row.
    created: builtIn?.created ?? Math.floor(row.created_at / 1000),
    ...(builtIn?.kind === undefined ? {} : { kind: builtIn.kind }),
  };
}

export function rowFromModel(model: CatalogModel): ModelWrite {
  return {
    id: model.id,
    aliases: JSON.stringify(model.aliases),
    capabilities: JSON.stringify(toWireCapabilities(model.capabilities)),
    groups: model.groups === null ? null : JSON.stringify(model.groups),
    strategy: model.strategy,
    owned_by: model.ownedBy,
    enabled: model.enabled ? 1 : 0,
  };
}
