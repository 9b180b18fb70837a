import { findProvider } from '../providers/provider-catalog.ts';
import type { RuntimeChannel } from './runtime-channel.ts';

/** A channel for routing tests: only id, priority and weight matter. */
export const runtimeChannel = (
  id: number,
  priority = 0,
  weight = 1,
  costs: Record<string, number> = {},
): RuntimeChannel => ({
  id,
  name: `c${id}`,
  provider: findProvider('openai')!,
  baseUrl: 'http://x',
  origin: 'http://x',
  basePath: '',
  query: new URLSearchParams(),
  models: new Set(['m']),
  groups: new Set(['default']),
  modelMap: {},
  costs,
  priority,
  weight,
  headers: {},
});
