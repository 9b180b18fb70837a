import type { FastifyInstance } from 'fastify';

/**
 * CORS for the management surface. Off unless CORS_ORIGINS lists origins: browsers then refuse
 * cross-origin calls by their own rules. Sessions travel in the Authorization header, not cookies, so
 * credentials are never allowed; `*` allows every origin.
 */
export function registerManagementCors(scope: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const anyOrigin = origins.includes('*');
  const listed = new Set(origins);
  const allowedOrigin = (origin: string | undefined): string | undefined =>
    origin === undefined ? undefined : anyOrigin ? '*' : listed.has(origin) ? origin : undefined;

  scope.addHook('onRequest', async (request, reply) => {
    // The answer depends on Origin: caches must keep one per origin.
    if (!anyOrigin) reply.header('vary', 'Origin');
    const allowed = allowedOrigin(request.headers.origin);
    if (allowed === undefined) return;
    reply.header('access-control-allow-origin', allowed);
    reply.header('access-control-expose-headers', 'x-request-id, retry-after');
  });

  // Preflight: answered for any path under the prefix; without an allowed origin it grants nothing.
  scope.options('/*', async (request, reply) => {
    if (allowedOrigin(request.headers.origin) !== undefined) {
      reply.header('access-control-allow-methods', 'GET, POST, PUT, DELETE');
      reply.header('access-control-allow-headers', 'authorization, content-type, x-request-id');
      reply.header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  });
}
