import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import { generateApiKey, hashSecret, maskApiKey } from '../security/api-key.ts';
import { parseJsonColumn } from '../store/json-column.ts';
import type { ApiKeyRow } from '../store/schema.ts';
import type { AdminDeps } from './admin-deps.ts';
import { ok } from './envelope.ts';
import { idParam } from './id-param.ts';
import { parseInput } from './parse-input.ts';
import { requireUser } from './session-auth.ts';
import { isoTime, timeInput } from './time-input.ts';

const createBody = z.strictObject({
  name: z.string().trim().min(1).max(128),
  models: z.array(z.string().min(1).max(255)).max(1000).nullable().optional(),
  expires_at: timeInput.nullable().optional(),
});

const publicKey = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  key: row.masked,
  models: parseJsonColumn<string[] | null>(row.models, null),
  enabled: row.enabled === 1,
  expires_at: isoTime(row.expires_at),
  created_at: isoTime(row.created_at),
});

/** `/api/token/`: a user's own API keys. The full key is returned once, at creation. */
export function registerTokenRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;

  app.get('/token/', async (request) => {
    const user = await requireUser(store, request);
    return ok((await store.apiKeys.listByUser(user.id)).map(publicKey));
  });

  app.post('/token/', async (request) => {
    const user = await requireUser(store, request);
    const input = parseInput(createBody, request.body);
    if (input.expires_at != null && input.expires_at <= Date.now()) {
      throw new GatewayError(422, 'invalid_request', 'Invalid expires_at: it is in the past', {
        param: 'expires_at',
      });
    }
    const key = generateApiKey();
    const id = await store.apiKeys.create({
      userId: user.id,
      name: input.name,
      keyHash: hashSecret(key),
      masked: maskApiKey(key),
      models: input.models ?? null,
      expiresAt: input.expires_at ?? null,
    });
    const row = await store.apiKeys.findOwned(id, user.id);
    return ok({ ...publicKey(row!), key }, 'Store this key now: it will not be shown again');
  });

  app.get<{ Params: { id: string } }>('/token/:id', async (request) => {
    const user = await requireUser(store, request);
    const row = await store.apiKeys.findOwned(idParam(request.params.id, 'key'), user.id);
    if (!row) throw new GatewayError(404, 'not_found', `No key with id '${request.params.id}'`);
    return ok(publicKey(row));
  });

  app.delete<{ Params: { id: string } }>('/token/:id', async (request) => {
    const user = await requireUser(store, request);
    const deleted = await store.apiKeys.deleteOwned(idParam(request.params.id, 'key'), user.id);
    if (!deleted) throw new GatewayError(404, 'not_found', `No key with id '${request.params.id}'`);
    deps.keyCache.invalidate();
    return ok(null, 'Key deleted');
  });
}
