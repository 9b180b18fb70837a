import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/gateway-error.ts';
import { apiKeyPattern, hashSecret } from '../security/api-key.ts';
import type { ApiKeyCache } from './api-key-cache.ts';
import type { KeyContext } from './key-context.ts';

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

/** Resolves the caller's key or refuses with 401/403 (the message says which rule refused). */
export async function authenticate(
  cache: ApiKeyCache,
  headers: IncomingHttpHeaders,
  queryKey: unknown,
  now = Date.now(),
): Promise<KeyContext> {
  const key = extractApiKey(headers, queryKey);
  if (!key)
    throw new GatewayError(401, 'missing_api_key', 'No API key was sent (use Authorization: Bearer sk-…)');
  // A malformed key cannot exist, so it costs neither a hash nor a lookup.
  const context = apiKeyPattern.test(key) ? await cache.lookup(hashSecret(key), now) : null;
  if (!context) throw new GatewayError(401, 'invalid_api_key', 'Invalid API key');
  if (!context.enabled) throw new GatewayError(403, 'permission_denied', 'This API key is disabled');
  if (context.expiresAt !== null && context.expiresAt <= now) {
    throw new GatewayError(403, 'permission_denied', 'This API key has expired');
  }
  return context;
}

/** Refuses a model outside the key's allowlist. */
export function checkModelAllowed(context: KeyContext, model: string): void {
  if (context.models !== null && !context.models.has(model)) {
    throw new GatewayError(403, 'permission_denied', `This API key may not use model '${model}'`, {
      param: 'model',
    });
  }
}
