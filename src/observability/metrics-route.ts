import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from './metrics.ts';

/** `GET /metrics`: the Prometheus text format (API.md 2), for a scraper. */
export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.render();
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
  });
}
