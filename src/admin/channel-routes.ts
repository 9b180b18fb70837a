import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../core/gateway-error.ts';
import { parseJsonColumn } from '../store/json-column.ts';
import type { ChannelHealth } from '../routing/channel-health.ts';
import type { ChannelRow, ChannelUpdate } from '../store/schema.ts';
import type { AdminDeps } from './admin-deps.ts';
import { channelCreateBody, channelRow, channelUpdateBody, checkProviderNeeds } from './channel-input.ts';
import { ok } from './envelope.ts';
import { idParam } from './id-param.ts';
import { parseInput } from './parse-input.ts';
import { requireAdmin } from './session-auth.ts';
import { isoTime } from './time-input.ts';

const isoOrNull = (time: number | null) => (time === null ? null : isoTime(time));

/** How the channel has been doing on this node: its breaker and recent requests. */
function healthFigures(health: ChannelHealth, id: number) {
  const figures = health.figures(id);
  return {
    breaker: figures.breaker,
    consecutive_failures: figures.consecutiveFailures,
    success_rate: figures.successRate === null ? null : Math.round(figures.successRate * 10_000) / 10_000,
    requests: figures.requests,
    average_latency_ms: figures.averageLatencyMs,
    last_error: figures.lastError,
    last_error_at: isoOrNull(figures.lastErrorAt),
    resting_until: isoOrNull(figures.restingUntil),
  };
}

/** The channel as the API shows it: the key is write-only and never leaves the server. */
const publicChannel = (row: ChannelRow, health: ChannelHealth) => ({
  id: row.id,
  name: row.name,
  provider: row.provider,
  base_url: row.base_url,
  models: parseJsonColumn<string[]>(row.models, []),
  groups: parseJsonColumn<string[]>(row.groups, []),
  model_map: parseJsonColumn<Record<string, string>>(row.model_map, {}),
  costs: parseJsonColumn<Record<string, number>>(row.costs, {}),
  priority: row.priority,
  weight: row.weight,
  enabled: row.enabled === 1,
  /** Set when the gateway disabled the channel itself (and may re-enable it); null otherwise. */
  disabled_reason: row.disabled_reason,
  last_checked_at: isoOrNull(row.last_checked_at),
  last_check_error: row.last_check_error,
  health: healthFigures(health, row.id),
  created_at: isoTime(row.created_at),
  updated_at: isoTime(row.updated_at),
});

/** `/api/channel/`: upstream credentials (admins only). Every write reloads the routing table. */
export function registerChannelRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, secretBox } = deps;
  const { health, checker } = deps.routing;

  const findOr404 = async (rawId: string) => {
    const row = await store.channels.findById(idParam(rawId, 'channel'));
    if (!row) throw new GatewayError(404, 'not_found', `No channel with id '${rawId}'`);
    return row;
  };

  app.get('/channel/', async (request) => {
    await requireAdmin(store, request);
    return ok((await store.channels.list()).map((row) => publicChannel(row, health)));
  });

  app.post('/channel/', async (request) => {
    await requireAdmin(store, request);
    const input = parseInput(channelCreateBody, request.body);
    checkProviderNeeds(input.provider, input.base_url, input.api_key);
    const id = await store.channels.create(channelRow(input, secretBox));
    await deps.caches.changed('channels');
    return ok(publicChannel((await store.channels.findById(id))!, health));
  });

  app.get<{ Params: { id: string } }>('/channel/:id', async (request) => {
    await requireAdmin(store, request);
    return ok(publicChannel(await findOr404(request.params.id), health));
  });

  app.put<{ Params: { id: string } }>('/channel/:id', async (request) => {
    await requireAdmin(store, request);
    const current = await findOr404(request.params.id);
    const input = parseInput(channelUpdateBody, request.body);
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
      costs: input.costs && JSON.stringify(input.costs),
      priority: input.priority,
      weight: input.weight,
      enabled: input.enabled === undefined ? undefined : input.enabled ? 1 : 0,
      // An admin who sets `enabled` takes the channel over: the gateway will not re-enable it.
      disabled_reason: input.enabled === undefined ? undefined : null,
    };
    await store.channels.update(current.id, changes);
    // New credentials or a new upstream (or an admin's enabling) start the channel's health afresh.
    const upstreamChanged = [input.provider, input.base_url, input.api_key].some(
      (value) => value !== undefined,
    );
    if (upstreamChanged || input.enabled === true) health.reset(current.id);
    await deps.caches.changed('channels');
    return ok(publicChannel((await store.channels.findById(current.id))!, health));
  });

  app.delete<{ Params: { id: string } }>('/channel/:id', async (request) => {
    await requireAdmin(store, request);
    const current = await findOr404(request.params.id);
    await store.channels.delete(current.id);
    health.forget(current.id);
    await deps.caches.changed('channels');
    return ok(null, 'Channel deleted');
  });

  // A tiny real request (one token) through the channel's own protocol to its first model.
  app.post<{ Params: { id: string } }>('/channel/:id/test', async (request) => {
    await requireAdmin(store, request);
    const row = await findOr404(request.params.id);
    const result = await checker.check(row, { reenable: false });
    return ok(
      {
        success: result.success,
        latency_ms: result.latencyMs,
        status: result.status,
        message: result.message,
      },
      result.message,
    );
  });
}
