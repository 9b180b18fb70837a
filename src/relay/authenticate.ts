import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/gateway-error.ts';
import { apiKeyPattern, hashSecret } from '../security/api-key.ts';
import type { KeyContext } from './key-context.ts';
import type { KeyScope } from './key-scope.ts';
import type { KeyLookup } from './unauthenticated-limit.ts';

/**
 * What authentication reads of a request. `ip` is the client's address: the socket's, or, behind a
 * proxy listed in TRUSTED_PROXIES, the one it forwarded (Fastify's `request.ip` with trustProxy).
 */
export interface RelayCaller {
  headers: IncomingHttpHeaders;
  ip: string;
}

/**
 * The API key a client sent: `Authorization: Bearer` everywhere, `x-api-key` (Anthropic SDK),
 * `x-goog-api-key` or `?key=` (Google SDK).
 */
export function extractApiKey(headers: IncomingHttpHeaders, queryKey: unknown): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    return authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : authorization.trim();
  }
  const header = headers['x-api-key'] ?? headers['x-goog-api-key'];
  if (typeof header === 'string') return header.trim();
  return typeof queryKey === 'string' ? queryKey : undefined;
}

const refuse = (message: string): GatewayError => new GatewayError(403, 'permission_denied', message);

/**
 * Resolves the caller's key or refuses with 401/403; each refusal names the rule: disabled key,
 * disabled account, expiry, address allowlist, no scopes. Routes then check their scope with
 * `requireScope`; the model allowlist is checked where the model is resolved.
 */
export async function authenticate(
  cache: KeyLookup,
  caller: RelayCaller,
  queryKey: unknown,
  now = Date.now(),
): Promise<KeyContext> {
  const key = extractApiKey(caller.headers, queryKey);
  if (!key) {
    await cache.unauthenticated?.(caller.ip);
    throw new GatewayError(401, 'missing_api_key', 'No API key was sent (use Authorization: Bearer sk-…)');
  }
  // A malformed key cannot exist, so it costs neither a hash nor a lookup.
  const context = apiKeyPattern.test(key) ? await cache.lookup(hashSecret(key), now) : null;
  if (!context) {
    await cache.unauthenticated?.(caller.ip);
    throw new GatewayError(401, 'invalid_api_key', 'Invalid API key');
  }
  if (!context.enabled) throw refuse('This API key is disabled');
  if (!context.accountEnabled) throw refuse('The account this API key belongs to is disabled');
  if (context.expiresAt !== null && context.expiresAt <= now) throw refuse('This API key has expired');
  if (context.allowIps !== null && !context.allowIps.allows(caller.ip)) {
    throw refuse(`This API key may not be used from address ${caller.ip} (not in its allow_ips)`);
  }
  // Every relay route needs some scope: a key without any (only a damaged row) opens nothing.
  if (context.scopes.size === 0) throw refuse('This API key has no scopes');
  return context;
}

/** Refuses a key whose scopes do not include `scope` (or `llm-all`). */
export function requireScope(context: KeyContext, scope: KeyScope): void {
  if (context.scopes.has('llm-all') || context.scopes.has(scope)) return;
  throw refuse(`This API key lacks the '${scope}' scope (it has: ${[...context.scopes].join(', ')})`);
}
