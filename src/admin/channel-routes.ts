import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import { findProvider, providerIds } from '../providers/provider-catalog.ts';
import { parseJsonColumn } from '../store/json-column.ts';
import type { ChannelRow, ChannelUpdate } from '../store/schema.ts';
import type { AdminDeps } from './admin-deps.ts';
import { ok } from './envelope.ts';
import { idParam } from './id-param.ts';
import { parseInput } from './parse-input.ts';
import { requireAdmin } from './session-auth.ts';
import { isoTime } from './time-input.ts';

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

const channelFields = {
  name: z.string().trim().min(1).max(128),
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
};

const createBody = z.strictObject({
  ...channelFields,
  base_url: channelFields.base_url.default(''),
  api_key: channelFields.api_key.default(''),
  groups: channelFields.groups.default(['default']),
  model_map: channelFields.model_map.default({}),
  priority: channelFields.priority.default(0),
  weight: channelFields.weight.default(1),
  enabled: channelFields.enabled.default(true),
});

const updateBody = z.strictObject(channelFields).partial();

/** The channel as the API shows it: the key is write-only and never leaves the server. */
const publicChannel = (row: ChannelRow) => ({
  id: row.id,
  name: row.name,
  provider: row.provider,
  base_url: row.base_url,
  models: parseJsonColumn<string[]>(row.models, []),
  groups: parseJsonColumn<string[]>(row.groups, []),
  model_map: parseJsonColumn<Record<string, string>>(row.model_map, {}),
  priority: row.priority,
  weight: row.weight,
  enabled: row.enabled === 1,
  created_at: isoTime(row.created_at),
  updated_at: isoTime(row.updated_at),
});

/** A provider with no default base URL (any OpenAI-compatible server) needs one; most need a key. */
function checkProviderNeeds(provider: string, baseUrl: string, apiKey: string): void {
  const spec = findProvider(provider)!;
  if (baseUrl === '' && spec.defaultBaseUrl === '') {
    throw new GatewayError(422, 'invalid_request', `Invalid base_url: provider '${provider}' needs one`, {
      param: 'base_url',
    });
  }
  if (apiKey === '' && !spec.keyOptional) {
    throw new GatewayError(422, 'invalid_request', `Invalid api_key: provider '${provider}' needs one`, {
      param: 'api_key',
    });
  }
}

/** `/api/channel/`: upstream credentials (admins only). Every write reloads the routing table. */
export function registerChannelRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, secretBox, registry } = deps;

  const findOr404 = async (rawId: string) => {
    const row = await store.channels.findById(idParam(rawId, 'channel'));
    if (!row) throw new GatewayError(404, 'not_found', `No channel with id '${rawId}'`);
    return row;
  };

  app.get('/channel/', async (request) => {
    await requireAdmin(store, request);
    return ok((await store.channels.list()).map(publicChannel));
  });

  app.post('/channel/', async (request) => {
    await requireAdmin(store, request);
    const input = parseInput(createBody, request.body);
    checkProviderNeeds(input.provider, input.base_url, input.api_key);
    const id = await store.channels.create({
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
    });
    await registry.reload();
    return ok(publicChannel((await store.channels.findById(id))!));
  });

  app.get<{ Params: { id: string } }>('/channel/:id', async (request) => {
    await requireAdmin(store, request);
    return ok(publicChannel(await findOr404(request.params.id)));
  });

  app.put<{ Params: { id: string } }>('/channel/:id', async (request) => {
    await requireAdmin(store, request);
    const current = await findOr404(request.params.id);
    const input = parseInput(updateBody, request.body);
    const provider = input.provider ?? current.provider;
    const baseUrl = input.base_url ?? current.base_url;
    const apiKey = input.api_key ?? secretBox.open(current.api_key_sealed);
    checkProviderNeeds(provider, baseUrl, apiKey);
    const changes: ChannelUpdate = {
      name: input.name,
      provider: input.provider,
      base_url: input.base_url,
      api_key_sealed: input.api_key === undefined ? undefined : secretBox.seal(input.api_key),
      models: input.models && JSON.stringify(input.models),
      groups: input.groups && JSON.stringify(input.groups),
      model_map: input.model_map && JSON.stringify(input.model_map),
      priority: input.priority,
      weight: input.weight,
      enabled: input.enabled === undefined ? undefined : input.enabled ? 1 : 0,
    };
    await store.channels.update(current.id, changes);
    await registry.reload();
    return ok(publicChannel((await store.channels.findById(current.id))!));
  });

  app.delete<{ Params: { id: string } }>('/channel/:id', async (request) => {
    await requireAdmin(store, request);
    const current = await findOr404(request.params.id);
    await store.channels.delete(current.id);
    await registry.reload();
    return ok(null, 'Channel deleted');
  });
}
