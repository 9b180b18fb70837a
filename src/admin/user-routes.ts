import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import { hashSecret } from '../security/api-key.ts';
import { verifyPassword } from '../security/password.ts';
import { randomBase62 } from '../security/random-token.ts';
import type { UserRow } from '../store/schema.ts';
import type { AdminDeps } from './admin-deps.ts';
import { ok } from './envelope.ts';
import { parseInput } from './parse-input.ts';
import { requireUser, sessionToken } from './session-auth.ts';
import { isoTime } from './time-input.ts';

const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export const publicUser = (user: UserRow) => ({
  id: user.id,
  username: user.username,
  role: user.role,
  group: user.group_name,
  enabled: user.enabled === 1,
  created_at: isoTime(user.created_at),
});

// A constant hash to verify against when the user does not exist, so timing does not reveal names.
const decoyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function registerUserRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;

  app.post('/user/login', async (request) => {
    const input = parseInput(loginBody, request.body);
    const user = await store.users.findByUsername(input.username);
    const valid = await verifyPassword(input.password, user?.password_hash ?? decoyHash);
    if (!user || !valid) throw new GatewayError(401, 'unauthorized', 'Wrong username or password');
    if (user.enabled !== 1) throw new GatewayError(403, 'forbidden', 'This account is disabled');
    const token = randomBase62(48);
    const expiresAt = Date.now() + deps.config.SESSION_TTL_HOURS * 3_600_000;
    await store.sessions.create(hashSecret(token), user.id, expiresAt);
    return ok({ token, expires_at: isoTime(expiresAt), user: publicUser(user) });
  });

  app.post('/user/logout', async (request) => {
    await requireUser(store, request);
    await store.sessions.delete(hashSecret(sessionToken(request)!));
    return ok(null);
  });

  app.get('/user/self', async (request) => ok(publicUser(await requireUser(store, request))));
}
