import type { KeyContext } from '../relay/key-context.ts';
import type { RuntimeChannel } from '../relay/runtime-channel.ts';
import { isModelUsableBy, type CatalogModel, type RoutingStrategy } from './catalog-model.ts';
import type { ModelCatalog } from './model-catalog.ts';
import { splitProviderPin } from './split-provider-pin.ts';

/** What resolution reads of the channel registry. */
export interface ChannelSource {
  /** Enabled channels that list `model` for `group`, highest priority first. */
  channelsFor(model: string, group: string): RuntimeChannel[];
  /** Every model some enabled channel lists for `group`. */
  modelsFor(group: string): string[];
}

/** A model string resolved to the channels that may serve it. */
export interface ModelRoute {
  /** What the client asked for (the log row keeps it). */
  requested: string;
  /** The catalog id; for a model only channels know, the name as asked (without a provider pin). */
  model: string;
  entry: CatalogModel | undefined;
  /** The provider `provider/model` pinned, if the string did. */
  pinnedProvider: string | undefined;
  strategy: RoutingStrategy;
  /** Highest priority first. */
  channels: RuntimeChannel[];
  /** The name `channel` lists the model under: its `model_map` applies to that name. */
  nameFor(channel: RuntimeChannel): string;
}

export type ModelResolution =
  | { kind: 'route'; route: ModelRoute }
  /** The key's allowlist names none of the model's names. */
  | { kind: 'not-allowed' }
  /** Unknown, disabled, hidden from the caller's group, or served by no channel. */
  | { kind: 'not-found' }
  /** A provider-scoped call whose provider has no enabled channel for the caller. */
  | { kind: 'provider-unavailable'; provider: string };

interface Candidate {
  model: string;
  entry: CatalogModel | undefined;
  /** The names looked up, in precedence order. */
  names: string[];
  channels: RuntimeChannel[];
  nameById: Map<number, string>;
}

function candidate(
  catalog: ModelCatalog,
  source: ChannelSource,
  name: string,
  group: string,
  provider: string | undefined,
): Candidate {
  const entry = catalog.find(name);
  const names = entry ? [...new Set([name, entry.id, ...entry.aliases])] : [name];
  const channels: RuntimeChannel[] = [];
  const nameById = new Map<number, string>();
  for (const listed of names) {
    for (const channel of source.channelsFor(listed, group)) {
      if (provider !== undefined && channel.provider.id !== provider) continue;
      if (nameById.has(channel.id)) continue;
      nameById.set(channel.id, listed);
      channels.push(channel);
    }
  }
  // Stable: within a priority, channels keep the order of the names they list.
  if (names.length > 1) channels.sort((a, b) => b.priority - a.priority);
  return { model: entry?.id ?? name, entry, names, channels, nameById };
}

const keyAllows = (key: KeyContext, requested: string, names: readonly string[]): boolean =>
  key.models === null || key.models.has(requested) || names.some((name) => key.models!.has(name));

function providerServes(source: ChannelSource, provider: string, group: string): boolean {
  return source
    .modelsFor(group)
    .some((model) => source.channelsFor(model, group).some((channel) => channel.provider.id === provider));
}

/**
 * Resolves a client's model string to the channels that may serve it, for the caller's key.
 *
 * Precedence:
 * 1. The string as a whole: when the catalog knows it (as an id or an alias) or a channel lists it
 *    verbatim, it is that model — a name a channel lists is never reinterpreted, so an OpenRouter
 *    channel listing `anthropic/claude-sonnet-4.5` keeps it.
 * 2. Otherwise `provider/model` with a known provider id pins the provider: the model part is
 *    resolved as in 1, served only by channels of that provider.
 * The channels are those of the caller's group that list any of the model's names: the name asked
 * for first, then the catalog id, then the aliases in catalog order. A channel listing several is
 * used once, under the first of them; the chosen name is what its `model_map` maps. Channels of all
 * names are merged, highest priority first.
 *
 * The key's allowlist may name the model by any of its names (or the exact string asked for). A
 * catalog entry that is disabled or whose groups exclude the caller's group is not found, like a
 * model no channel serves. `onlyProvider` restricts the channels to one provider (the
 * provider-scoped routes).
 */
export function resolveModel(
  catalog: ModelCatalog,
  source: ChannelSource,
  key: KeyContext,
  requested: string,
  onlyProvider?: string,
): ModelResolution {
  let chosen = candidate(catalog, source, requested, key.group, onlyProvider);
  let pinnedProvider: string | undefined;
  if (!chosen.entry && chosen.channels.length === 0) {
    const pin = splitProviderPin(requested);
    if (pin && (onlyProvider === undefined || onlyProvider === pin.provider)) {
      chosen = candidate(catalog, source, pin.model, key.group, pin.provider);
      pinnedProvider = pin.provider;
    }
  }
  if (!keyAllows(key, requested, chosen.names)) return { kind: 'not-allowed' };
  if (chosen.entry && !isModelUsableBy(chosen.entry, key.group)) return { kind: 'not-found' };
  if (chosen.channels.length === 0) {
    if (onlyProvider !== undefined && !providerServes(source, onlyProvider, key.group)) {
      return { kind: 'provider-unavailable', provider: onlyProvider };
    }
    return { kind: 'not-found' };
  }
  const { nameById } = chosen;
  return {
    kind: 'route',
    route: {
      requested,
      model: chosen.model,
      entry: chosen.entry,
      pinnedProvider,
      strategy: chosen.entry?.strategy ?? 'priority',
      channels: chosen.channels,
      nameFor: (channel) => nameById.get(channel.id) ?? chosen.model,
    },
  };
}
