import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import { generateApiKey, hashSecret, maskApiKey } from '../security/api-key.ts';
import type { ApiKeyUpdate } from '../store/schema.ts';
import type { AdminDeps } from './admin-deps.ts';
import { ok } from './envelope.ts';
import { idParam } from './id-param.ts';
import { parseInput } from './parse-input.ts';
import { requireUser } from './session-auth.ts';
import { refusePast } from './time-input.ts';
import { keyFields, publicKey } from './token-fields.ts';

const createBody = z.strictObject({
  name: keyFields.name,
  models: keyFields.models.default(null),
  expires_at: keyFields.expires_at.default(null),
  credit_limit: keyFields.credit_limit.default(null),
  rpm: keyFields.rpm.default(null),
  tpm: keyFields.tpm.default(null),
  scopes: keyFields.scopes.default(['llm-all']),
  allow_ips: keyFields.allow_ips.default(null),
  enabled: keyFields.enabled.default(true),
});

const updateBody = z.strictObject(keyFields).partial();

const rotateBody = z.strictObject({});

const json = <T>(value: T | null | undefined): string | null | undefined =>
  value === undefined ? undefined : value === null ? null : JSON.stringify(value);

/**
 * `/api/token/`: a user's own API keys, admins included (nobody reaches another user's keys here; a
 * key that is not the caller's is a 404, exactly like one that does not exist). The full key is
 * returned at creation and rotation only. Every write clears the key cache: it holds at once.
 */
export function registerTokenRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;

  const notFound = (rawId: string) => new GatewayError(404, 'not_found', `No key with id '${rawId}'`);

  app.get('/token/', async (request) => {
    const user = await requireUser(store, request);
    return ok((await store.apiKeys.listByUser(user.id)).map(publicKey));
  });

  app.post('/token/', async (request) => {
    const user = await requireUser(store, request);
    const input = parseInput(createBody, request.body);
    refusePast(input.expires_at);
    const key = generateApiKey();
    const id = await store.apiKeys.create({
      userId: user.id,
      name: input.name,
      keyHash: hashSecret(key),
      masked: maskApiKey(key),
      models: input.models,
      expiresAt: input.expires_at,
      enabled: input.enabled,
      creditLimit: input.credit_limit,
      rpm: input.rpm,
      tpm: input.tpm,
      scopes: input.scopes,
      allowIps: input.allow_ips,
    });
    const row = await store.apiKeys.findOwned(id, user.id);
    return ok({ ...publicKey(row!), key }, 'Store this key now: it will not be shown again');
  });

  app.get<{ Params: { id: string } }>('/token/:id', async (request) => {
    const user = await requireUser(store, request);
    const row = await store.apiKeys.findOwned(idParam(request.params.id, 'key'), user.id);
    if (!row) throw notFound(request.params.id);
    return ok(publicKey(row));
  });

  app.put<{ Params: { id: string } }>('/token/:id', async (request) => {
    const user = await requireUser(store, request);
    const id = idParam(request.params.id, 'key');
    if (!(await store.apiKeys.findOwned(id, user.id))) throw notFound(request.params.id);
    const input = parseInput(updateBody, request.body);
    refusePast(input.expires_at);
    const changes: ApiKeyUpdate = {
      name: input.name,
      models: json(input.models),
      expires_at: input.expires_at,
      credit_limit: input.credit_limit,
      rpm: input.rpm,
      tpm: input.tpm,
      scopes: json(input.scopes) ?? undefined,
      allow_ips: json(input.allow_ips),
      enabled: input.enabled === undefined ? undefined : input.enabled ? 1 : 0,
    };
    if (!(await store.apiKeys.updateOwned(id, user.id, changes))) throw notFound(request.params.id);
    await deps.caches.changed('keys');
    return ok(publicKey((await store.apiKeys.findOwned(id, user.id))!));
  });

  /** A new secret for the same key (id, settings and log history kept); the old secret stops at once. */
  app.post<{ Params: { id: string } }>('/token/:id/rotate', async (request) => {
    const user = await requireUser(store, request);
    const id = idParam(request.params.id, 'key');
    if (!(await store.apiKeys.findOwned(id, user.id))) throw notFound(request.params.id);
    parseInput(rotateBody, request.body);
    const key = generateApiKey();
    const changes = { key_hash: hashSecret(key), masked: maskApiKey(key) };
    if (!(await store.apiKeys.updateOwned(id, user.id, changes))) throw notFound(request.params.id);
    await deps.caches.changed('keys');
    const row = await store.apiKeys.findOwned(id, user.id);
    return ok({ ...publicKey(row!), key }, 'Store this key now: it will not be shown again');
  });

  app.delete<{ Params: { id: string } }>('/token/:id', async (request) => {
    const user = await requireUser(store, request);
    const deleted = await store.apiKeys.deleteOwned(idParam(request.params.id, 'key'), user.id);
    if (!deleted) throw notFound(request.params.id);
    await deps.caches.changed('keys');
    return ok(null, 'Key deleted');
  });
}
