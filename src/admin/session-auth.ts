import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../core/gateway-error.ts';
import { hashSecret } from '../security/api-key.ts';
import type { UserRow } from '../store/schema.ts';
import type { Store } from '../store/store.ts';

/** The session token a management call carries: `Authorization: <token>` or `Bearer <token>`. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const token = header.startsWith('Bearer ') ? header.slice(7) : header;
  return token.trim() || undefined;
}

export async function requireUser(store: Store, request: FastifyRequest): Promise<UserRow> {
  const token = sessionToken(request);
  if (!token)
    throw new GatewayError(401, 'unauthorized', 'Log in first: send Authorization: <session token>');
  const user = await store.sessions.findUser(hashSecret(token), Date.now());
  if (!user) throw new GatewayError(401, 'unauthorized', 'The session is invalid or has expired');
  return user;
}

export const isAdmin = (user: UserRow): boolean => user.role === 'admin' || user.role === 'root';

export async function requireAdmin(store: Store, request: FastifyRequest): Promise<UserRow> {
  const user = await requireUser(store, request);
  if (!isAdmin(user)) throw new GatewayError(403, 'forbidden', 'This route is for administrators');
  return user;
}
