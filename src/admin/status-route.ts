import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AdminDeps } from './admin-deps.ts';

/** `GET /api/status`: for load balancers and humans; 503 when the store does not answer. */
export function registerStatusRoute(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/status', async (_request, reply) => {
    let store = 'ok';
    try {
      await sql`select 1`.execute(deps.store.db);
    } catch {
      store = 'unavailable';
    }
    const healthy = store === 'ok';
    return reply.code(healthy ? 200 : 503).send({
      success: healthy,
      message: healthy ? '' : 'store unavailable',
      data: {
        version: deps.version,
        uptime_s: Math.floor((Date.now() - deps.startedAt) / 1000),
        store: { dialect: deps.store.dialect, status: store },
      },
    });
  });
}
