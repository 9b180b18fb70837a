import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AdminDeps } from './admin-deps.ts';

/** `GET /api/status`: for load balancers and humans; 503 when the store does not answer, Redis's state shown. */
export function registerStatusRoute(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/status', async (_request, reply) => {
    let store = 'ok';
    try {
      await sql`select 1`.execute(deps.store.db);
    } catch {
      store = 'unavailable';
    }
    const limits = await deps.limitsHealth();
    // A Redis outage degrades limits (RATE_LIMIT_FAIL_OPEN) but the node still serves: only the
    // store decides whether a load balancer should take it out.
    const healthy = store === 'ok';
    const message = [
      store === 'ok' ? '' : 'store unavailable',
      limits.status === 'ok' ? '' : 'redis unavailable: rate limits and cache broadcasts are degraded',
    ]
      .filter(Boolean)
      .join('; ');
    return reply.code(healthy ? 200 : 503).send({
      success: healthy,
      message,
      data: {
        version: deps.version,
        uptime_s: Math.floor((Date.now() - deps.startedAt) / 1000),
        store: { dialect: deps.store.dialect, status: store },
        limits,
      },
    });
  });
}
