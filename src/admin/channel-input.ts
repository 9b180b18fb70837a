import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import { findProvider, providerIds } from '../providers/provider-catalog.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { noControlCharacters, noControlCharactersMessage } from './text-checks.ts';
import type { NewChannel } from '../store/channels-repository.ts';

/** Channels as the admin API and the config file give them. */

const httpUrl = z
  .string()
  .max(1024)
  .refine((value) => {
    if (value === '') return true;
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

const modelName = z.string().min(1).max(255);

export const channelFields = {
  name: z.string().trim().min(1).max(128).refine(noControlCharacters, noControlCharactersMessage),
  provider: z.enum(providerIds as [string, ...string[]]),
  base_url: httpUrl,
  api_key: z.string().max(8192),
  models: z.array(modelName).min(1).max(5000),
  groups: z.array(z.string().min(1).max(64)).min(1).max(100),
  model_map: z
    .record(modelName, modelName)
    .refine((map) => Object.keys(map).length <= 5000, 'at most 5000 entries'),
  priority: z.number().int().min(-1_000_000).max(1_000_000),
  weight: z.number().int().min(0).max(1_000_000),
  enabled: z.boolean(),
  /** What the channel costs per model (or `*` for any), in micro-credits per million tokens. */
  costs: z
    .record(z.string().min(1).max(255), z.number().int().min(0).max(1_000_000_000_000))
    .refine((costs) => Object.keys(costs).length <= 5000, 'at most 5000 entries'),
};

export const channelCreateBody = z.strictObject({
  ...channelFields,
  base_url: channelFields.base_url.default(''),
  api_key: channelFields.api_key.default(''),
  groups: channelFields.groups.default(['default']),
  model_map: channelFields.model_map.default({}),
  priority: channelFields.priority.default(0),
  weight: channelFields.weight.default(1),
  enabled: channelFields.enabled.default(true),
  costs: channelFields.costs.default({}),
});

export const channelUpdateBody = z.strictObject(channelFields).partial();

export type ChannelInput = z.infer<typeof channelCreateBody>;

/** A provider with no default base URL (any OpenAI-compatible server) needs one; most need a key. */
export function checkProviderNeeds(provider: string, baseUrl: string, apiKey: string, field = ''): void {
  const spec = findProvider(provider)!;
  if (baseUrl === '' && spec.defaultBaseUrl === '') {
    throw new GatewayError(
      422,
      'invalid_request',
      `Invalid ${field}base_url: provider '${provider}' needs one`,
      {
        param: `${field}base_url`,
      },
    );
  }
  if (apiKey === '' && !spec.keyOptional) {
    throw new GatewayError(
      422,
      'invalid_request',
      `Invalid ${field}api_key: provider '${provider}' needs one`,
      {
        param: `${field}api_key`,
      },
    );
  }
}

/** The row to store for a validated channel: lists as JSON, the key sealed. */
export function channelRow(input: ChannelInput, secretBox: SecretBox): NewChannel {
  return {
    name: input.name,
    provider: input.provider,
    base_url: input.base_url,
    api_key_sealed: secretBox.seal(input.api_key),
    models: JSON.stringify(input.models),
    groups: JSON.stringify(input.groups),
    model_map: JSON.stringify(input.model_map),
    priority: input.priority,
    weight: input.weight,
    enabled: input.enabled ? 1 : 0,
    costs: JSON.stringify(input.costs),
  };
}
