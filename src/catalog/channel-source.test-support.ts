import { findProvider } from '../providers/provider-catalog.ts';
import type { KeyContext } from '../relay/key-context.ts';
import type { RuntimeChannel } from '../relay/runtime-channel.ts';
import type { CatalogModel } from './catalog-model.ts';
import type { ChannelSource } from './resolve-model.ts';

let nextId = 1;

/** A channel as the registry would hold it. */
export function testChannel(
  provider: string,
  models: string[],
  options: { groups?: string[]; priority?: number; modelMap?: Record<string, string> } = {},
): RuntimeChannel {
  const id = nextId++;
  return {
    id,
    name: `${provider}-${id}`,
    provider: findProvider(provider)!,
    baseUrl: 'http://upstream.test',
    origin: 'http://upstream.test',
    basePath: '',
    query: new URLSearchParams(),
    models: new Set(models),
    groups: new Set(options.groups ?? ['default']),
    modelMap: options.modelMap ?? {},
    costs: {},
    priority: options.priority ?? 0,
    weight: 1,
    headers: {},
  };
}

/** The registry's lookups over a fixed set of channels (ChannelRegistry's semantics). */
export function channelSource(channels: readonly RuntimeChannel[]): ChannelSource {
  return {
    channelsFor: (model, group) =>
      channels
        .filter((channel) => channel.models.has(model) && channel.groups.has(group))
        .sort((a, b) => b.priority - a.priority),
    modelsFor: (group) =>
      [
        ...new Set(channels.filter((channel) => channel.groups.has(group)).flatMap((c) => [...c.models])),
      ].sort(),
  };
}

export function testKey(fields: { group?: string; models?: string[] } = {}): KeyContext {
  return {
    keyId: 1,
    userId: 1,
    role: 'user',
    group: fields.group ?? 'default',
    models: fields.models ? new Set(fields.models) : null,
    enabled: true,
    accountEnabled: true,
    expiresAt: null,
    scopes: new Set(['llm-all']),
    allowIps: null,
    creditLimit: null,
    rpm: null,
    tpm: null,
    plan: null,
    planExpiresAt: null,
  };
}

export function testModel(id: string, fields: Partial<CatalogModel> = {}): CatalogModel {
  return {
    id,
    aliases: [],
    capabilities: { vision: false, tools: true, json: true, contextWindow: 1000, maxOutput: 100 },
    groups: null,
    strategy: 'priority',
    ownedBy: 'test',
    enabled: true,
    created: 1_720_000_000,
    ...fields,
  };
}
