import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from './admin-deps.ts';
import { openApiDocument } from './openapi/openapi-document.ts';

/** `GET /api/openapi.json` (no session): the API's OpenAPI 3.1 document, built once. */
export function registerOpenApiRoute(app: FastifyInstance, deps: AdminDeps): void {
  const document = JSON.stringify(openApiDocument(deps.version));
  app.get('/openapi.json', async (_request, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(document),
  );
}
