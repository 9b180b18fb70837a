import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { AdminDeps } from '../admin/admin-deps.ts';
import { registerChannelRoutes } from '../admin/channel-routes.ts';
import { registerDashboardRoutes } from '../admin/dashboard-routes.ts';
import { registerLedgerRoutes } from '../admin/ledger-routes.ts';
import { registerLogRoutes } from '../admin/log-routes.ts';
import { registerRedemptionRoutes } from '../admin/redemption-routes.ts';
import { registerTariffRoutes } from '../admin/tariff-routes.ts';
import { registerModelRoutes } from '../admin/model-routes.ts';
import { registerOpenApiRoute } from '../admin/openapi-route.ts';
import { registerSettingRoutes } from '../admin/setting-routes.ts';
import { registerStatusRoute } from '../admin/status-route.ts';
import { registerTokenRoutes } from '../admin/token-routes.ts';
import { registerUserAdminRoutes } from '../admin/user-admin-routes.ts';
import { registerUserRoutes } from '../admin/user-routes.ts';
import { registerModelsRoutes } from '../relay/models-route.ts';
import {
  anthropicMessagesHandler,
  registerAnthropicMessagesRoutes,
} from '../relay/routes/anthropic-messages-routes.ts';
import { registerGeminiRoutes } from '../relay/routes/gemini-routes.ts';
import { openAiChatHandler, registerOpenAiChatRoute } from '../relay/routes/openai-chat-route.ts';
import { registerOpenAiEndpointRoutes } from '../relay/routes/openai-endpoint-routes.ts';
import { registerProviderScopedRoute } from '../relay/routes/provider-scoped-route.ts';
import type { RelayDeps } from '../relay/relay-deps.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { registerMetricsRoute } from '../observability/metrics-route.ts';
import { errorHandlerFor, notFoundFor } from './error-handler.ts';
import { registerManagementCors } from './management-cors.ts';
import { stampArrival, sinceReceived } from './received-at.ts';
import { RelayLane } from './relay-lane.ts';
import { renderError } from './render-error.ts';
import { requestIdFor } from './request-id.ts';
import { trackRoutes } from './route-list.ts';
import type { Surface } from './surface.ts';
import { toGatewayError } from './to-gateway-error.ts';

export interface AppOptions {
  bodyLimitBytes: number;
  logger: Logger;
  relay: RelayDeps;
  admin: AdminDeps;
  /** Proxies whose X-Forwarded-For names the client (request.ip); empty: the socket's address does. */
  trustedProxies: readonly string[];
  /** Origins allowed to call /api/* from a browser; empty: CORS off. */
  corsOrigins: readonly string[];
  /** Served at GET /metrics (Prometheus text format). */
  metrics: GatewayMetrics;
  /**
   * Whether the busiest relay routes skip Fastify's pipeline (`relay-lane.ts`); default on. Off,
   * Fastify serves every request: the tests compare the two.
   */
  relayLane?: boolean;
}

/** The surface a URL belongs to, for errors raised before routing (bad URL encoding, …). */
function surfaceOfUrl(url: string): Surface {
  if (url.startsWith('/api/core/')) return 'provider-scoped';
  if (url.startsWith('/api/v1/')) return 'openai';
  if (url.startsWith('/api/') || url === '/api') return 'management';
  if (url.startsWith('/v1beta/') || url === '/v1beta') return 'gemini';
  if (/^\/v1\/messages(?:[/?]|$)/.test(url)) return 'anthropic';
  return 'openai';
}

/**
 * A relay surface's scope: the raw body (parsed once by the protocol module, and reused byte for
 * byte on the same-format path), and errors in that surface's own format.
 */
function relayScope(
  logger: Logger,
  surface: Surface,
  register: (scope: FastifyInstance) => void,
): (scope: FastifyInstance) => Promise<void> {
  return async (scope) => {
    scope.removeAllContentTypeParsers();
    const raw = (
      _request: unknown,
      body: Buffer | string,
      done: (error: null, body: Buffer | string) => void,
    ) => done(null, body);
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, raw);
    // The same, named: Fastify caches the parser of a named type by the header's value, while the
    // catch-all alone made it parse every request's Content-Type afresh.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, raw);
    scope.setErrorHandler(errorHandlerFor(surface, logger));
    scope.setNotFoundHandler(notFoundFor(surface));
    register(scope);
  };
}

/**
 * The relay lane sees each request on Fastify's own server before Fastify does (the server Fastify
 * made, with its timeouts and bindings: a server factory would have to copy them). From the moment
 * Fastify starts closing, it answers every request itself (503 to new ones). Fastify's hooks do
 * not run for what the lane serves: a hook the relay routes need must be done in the lane too
 * (relay-lane.test.ts checks that the only one, onSend, is all there is).
 */
function putLaneInFront(app: FastifyInstance, lane: RelayLane): void {
  const handlers = app.server.listeners('request');
  const fastify = handlers[0];
  if (handlers.length !== 1 || fastify === undefined) {
    throw new Error(`expected Fastify's server to have one request handler, found ${handlers.length}`);
  }
  app.server.removeAllListeners('request');
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!lane.take(request, response)) fastify.call(app.server, request, response);
  });
  app.addHook('preClose', (done) => {
    lane.close();
    done();
  });
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const lane = new RelayLane({
    bodyLimitBytes: options.bodyLimitBytes,
    trustedProxies: options.trustedProxies,
    logger: options.logger,
  });
  const app = Fastify({
    logger: false,
    // Errors Fastify raises before a route runs (a malformed URL, an over-long path parameter)
    // still reach the client in its own format, with the request id.
    frameworkErrors: (error, request, reply) => {
      const { error: gatewayError } = toGatewayError(error);
      void (reply as FastifyReply)
        .code(gatewayError.status)
        .header('x-request-id', request.id)
        .send(renderError(surfaceOfUrl(request.url), gatewayError, request.id));
    },
    bodyLimit: options.bodyLimitBytes,
    genReqId: (request) => {
      stampArrival(request);
      return requestIdFor(request);
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
    trustProxy: options.trustedProxies.length > 0 ? [...options.trustedProxies] : false,
  });

  // Every reply Fastify sends carries the request id and the overhead figure; hijacked replies
  // (streams) write their own. The relay sets a sharper overhead figure (upstream time excluded).
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (!reply.hasHeader('x-switchboard-overhead-ms')) {
      reply.header('x-switchboard-overhead-ms', sinceReceived(request).toFixed(2));
    }
    done(null, payload);
  });

  if (options.relayLane ?? true) putLaneInFront(app, lane);

  trackRoutes(app);
  app.setErrorHandler(errorHandlerFor('management', options.logger));
  app.setNotFoundHandler(notFoundFor('management'));

  // Relay surfaces take the raw body: it is parsed once by the protocol module, and reused
  // byte for byte on the same-format path.
  const chat = openAiChatHandler(options.relay, '/v1/chat/completions');
  const aliasChat = openAiChatHandler(options.relay, '/api/v1/chat/completions');
  const messages = anthropicMessagesHandler(options.relay);
  lane.add('/v1/chat/completions', { surface: 'openai', handle: chat });
  lane.add('/api/v1/chat/completions', { surface: 'openai', handle: aliasChat });
  lane.add('/v1/messages', { surface: 'anthropic', handle: messages });
  await app.register(
    relayScope(options.logger, 'openai', (scope) => {
      registerOpenAiChatRoute(scope, chat);
      registerModelsRoutes(scope, options.relay);
      registerOpenAiEndpointRoutes(scope, options.relay, '/v1');
      registerAnthropicMessagesRoutes(scope, options.relay, options.logger, messages);
    }),
    { prefix: '/v1' },
  );

  // The prefixed alias of the OpenAI chat and model routes (API.md 1), with OpenAI-format errors.
  await app.register(
    relayScope(options.logger, 'openai', (scope) => {
      registerOpenAiChatRoute(scope, aliasChat);
      registerModelsRoutes(scope, options.relay);
    }),
    { prefix: '/api/v1' },
  );

  await app.register(
    relayScope(options.logger, 'gemini', (scope) => {
      registerGeminiRoutes(scope, options.relay);
    }),
    { prefix: '/v1beta' },
  );

  await app.register(
    async (scope) => {
      scope.setErrorHandler(errorHandlerFor('management', options.logger));
      scope.setNotFoundHandler(notFoundFor('management'));
      registerManagementCors(scope, options.corsOrigins);
      registerStatusRoute(scope, options.admin);
      registerUserRoutes(scope, options.admin);
      registerUserAdminRoutes(scope, options.admin);
      registerSettingRoutes(scope, options.admin);
      registerTokenRoutes(scope, options.admin);
      registerChannelRoutes(scope, options.admin);
      registerLogRoutes(scope, options.admin);
      registerDashboardRoutes(scope, options.admin);
      registerModelRoutes(scope, options.admin);
      registerTariffRoutes(scope, {
        store: options.admin.store,
        changed: () => options.admin.caches.changed('prices'),
      });
      registerRedemptionRoutes(scope, {
        store: options.admin.store,
        ledger: options.admin.ledger,
        codes: options.admin.store.redemptionCodes,
      });
      registerLedgerRoutes(scope, options.admin);
      registerOpenApiRoute(scope, options.admin);
    },
    { prefix: '/api' },
  );

  // The provider-scoped relay lives under /api but, like /v1, takes the raw body (API.md 1.2).
  await app.register(
    relayScope(options.logger, 'provider-scoped', (scope) => {
      registerProviderScopedRoute(scope, options.relay);
    }),
    { prefix: '/api/core' },
  );

  registerMetricsRoute(app, options.metrics);
  return app;
}
