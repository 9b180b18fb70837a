import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { GatewayError } from '../core/gateway-error.ts';
import { renderError } from './render-error.ts';
import type { Surface } from './surface.ts';
import { toGatewayError } from './to-gateway-error.ts';

/** The error handler of one surface: every error reaches the client in its own format. */
export function errorHandlerFor(surface: Surface, logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const { error: gatewayError, internal } = toGatewayError(error);
    if (internal) logger.error({ err: error, requestId: request.id }, 'unhandled error');
    if (reply.sent || reply.raw.headersSent) return;
    void reply
      .code(gatewayError.status)
      .headers(gatewayError.headers)
      .send(renderError(surface, gatewayError, request.id));
  };
}

export function notFoundFor(surface: Surface) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const error = new GatewayError(
      404,
      'not_found',
      `No route ${request.method} ${request.url.split('?')[0]}`,
    );
    void reply.code(404).send(renderError(surface, error, request.id));
  };
}
