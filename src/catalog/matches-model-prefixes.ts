import type { ProviderSpec } from '../providers/provider-catalog.ts';

/**
 * Whether `model` is one of the provider's by its model list, matched by prefix as the
 * provider-scoped API does (`gpt-4o` matches `gpt-4o-2024-08-06`). An empty list takes any model.
 */
export const matchesModelPrefixes = (provider: ProviderSpec, model: string): boolean =>
  provider.modelPrefixes.length === 0 || provider.modelPrefixes.some((prefix) => model.startsWith(prefix));
