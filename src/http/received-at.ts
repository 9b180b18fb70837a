import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** `performance.now()` when the request reached the gateway, for `X-Switchboard-Overhead-Ms`. */
    receivedAt: number;
  }
}

/**
 * Stamps every request with the time it arrived. Fastify's own `reply.elapsedTime` stays 0 unless
 * a logger or an onResponse hook is set up (both cost more per request than this one stamp).
 */
export function stampReceivedAt(app: FastifyInstance): void {
  app.decorateRequest('receivedAt', 0);
  app.addHook('onRequest', (request, _reply, done) => {
    request.receivedAt = performance.now();
    done();
  });
}

/** Milliseconds since the request arrived. */
export const sinceReceived = (request: { receivedAt: number }): number =>
  performance.now() - request.receivedAt;
