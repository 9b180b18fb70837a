import type { ProviderSpec } from '../providers/provider-catalog.ts';

/** A channel as the relay uses it: decrypted key, parsed lists, request headers prepared once. */
export interface RuntimeChannel {
  id: number;
  name: string;
  provider: ProviderSpec;
  /** Base URL without a trailing slash. */
  baseUrl: string;
  /** The base URL's origin and path, split once so no request parses a URL. */
  origin: string;
  basePath: string;
  /** Query parameters of the base URL (Azure's `api-version`). */
  query: URLSearchParams;
  models: ReadonlySet<string>;
  groups: ReadonlySet<string>;
  modelMap: Readonly<Record<string, string>>;
  /** Micro-credits per million tokens, per model or `*`: what the `cheapest` strategy ranks by. */
  costs: Readonly<Record<string, number>>;
  priority: number;
  weight: number;
  /** Headers sent upstream on every request of this channel (auth, provider extras). */
  headers: Readonly<Record<string, string>>;
}

/** The model name to send upstream: the channel's mapping if it has one. */
export const upstreamModel = (channel: RuntimeChannel, model: string): string =>
  channel.modelMap[model] ?? model;
