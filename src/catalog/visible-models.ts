import type { KeyContext } from '../relay/key-context.ts';
import type { CatalogModel } from './catalog-model.ts';
import type { ModelCatalog } from './model-catalog.ts';
import { resolveModel, type ChannelSource, type ModelRoute } from './resolve-model.ts';

/** A model as the listings show it. */
export interface VisibleModel {
  id: string;
  ownedBy: string;
  /** Unix seconds. */
  created: number;
  entry: CatalogModel | undefined;
}

// A fixed date for models only channels know keeps listings stable between calls.
const unknownReleaseDate = 1_700_000_000;

const describe = (route: ModelRoute): VisibleModel => ({
  id: route.model,
  ownedBy: route.entry?.ownedBy ?? route.channels[0]?.provider.id ?? 'switchboard',
  created: route.entry?.created ?? unknownReleaseDate,
  entry: route.entry,
});

/**
 * Exactly the models this key may use: those some channel serves to its group, by catalog id
 * (whichever of its names the channels list), minus what the catalog hides from the group or the
 * key's allowlist excludes. Sorted by id.
 */
export function visibleModels(catalog: ModelCatalog, source: ChannelSource, key: KeyContext): VisibleModel[] {
  const byId = new Map<string, VisibleModel>();
  for (const name of source.modelsFor(key.group)) {
    const id = catalog.find(name)?.id ?? name;
    if (byId.has(id)) continue;
    const resolution = resolveModel(catalog, source, key, id);
    if (resolution.kind === 'route') byId.set(id, describe(resolution.route));
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The model `name` names (an id, an alias or `provider/model`), if this key may use it. */
export function visibleModel(
  catalog: ModelCatalog,
  source: ChannelSource,
  key: KeyContext,
  name: string,
): VisibleModel | undefined {
  const resolution = resolveModel(catalog, source, key, name);
  return resolution.kind === 'route' ? describe(resolution.route) : undefined;
}
