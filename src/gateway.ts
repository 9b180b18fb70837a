import type { FastifyInstance } from 'fastify';
import { bootstrapRootUser } from './bootstrap-root-user.ts';
import { ModelCatalog } from './catalog/model-catalog.ts';
import type { Config } from './config.ts';
import { buildApp } from './http/app.ts';
import { readOperatorSettings } from './admin/operator-settings.ts';
import { createBillingServices, type BillingServices } from './billing/billing-services.ts';
import { ClusterCaches } from './cluster/cluster-caches.ts';
import { createLimitBackends } from './cluster/create-limit-backends.ts';
import { applyConfigFile } from './declarative/apply-config-file.ts';
import { readConfigFile } from './declarative/config-file.ts';
import { LogBodyPolicy } from './observability/log-body-policy.ts';
import { LogRetention } from './observability/log-retention.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { GatewayMetrics } from './observability/metrics.ts';
import { RequestLogWriter } from './observability/request-log-writer.ts';
import { createRoutingServices, type RoutingServices } from './routing/routing-services.ts';
import { ApiKeyCache } from './relay/api-key-cache.ts';
import { ChannelRegistry } from './relay/channel-registry.ts';
import { UnauthenticatedLimit } from './relay/unauthenticated-limit.ts';
import { UpstreamClient } from './relay/upstream-client.ts';
import { SecretBox } from './security/secret-box.ts';
import { resolveSecretKey } from './security/secret-key.ts';
import { Store } from './store/store.ts';
import { RoomForecast } from './limits/room-forecast.ts';

export const version = '0.1.0';

export interface Gateway {
  app: FastifyInstance;
  store: Store;
  logger: Logger;
  logWriter: RequestLogWriter;
  /** Credits: the ledger, prices and plans, and the queue of settlements. */
  billing: BillingServices;
  /** Channel health, failover policy and the periodic health check. */
  routing: RoutingServices;
  /** Listens on config.HOST:config.PORT and returns the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, lets in-flight requests finish, writes every queued log row, closes the store. */
  close(): Promise<void>;
}

/** Assembles the gateway from its configuration: store, caches, upstream pool, HTTP app. */
export async function createGateway(
  config: Config,
  logger: Logger = createLogger(config.LOG_LEVEL),
): Promise<Gateway> {
  const store = await Store.open(config.DATABASE_URL);
  await bootstrapRootUser(store, config, logger);
  const secretBox = new SecretBox(resolveSecretKey(config.SECRET_KEY, config.DATA_DIR));
  const catalog = new ModelCatalog(store.models);
  await catalog.reload();
  if (config.SWITCHBOARD_CONFIG) {
    try {
      await applyConfigFile(readConfigFile(config.SWITCHBOARD_CONFIG), { store, catalog, secretBox, logger });
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const registry = new ChannelRegistry(store.channels, secretBox, logger);
  await registry.reload();
  const keyCache = new ApiKeyCache(store.apiKeys, {
    ttlMs: 30_000,
    negativeTtlMs: 5_000,
    maxEntries: 100_000,
  });
  const upstream = new UpstreamClient({
    connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
    firstByteTimeoutMs: config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
    idleTimeoutMs: config.UPSTREAM_IDLE_TIMEOUT_MS,
    connections: config.UPSTREAM_POOL_CONNECTIONS,
  });
  const routing = createRoutingServices(config, {
    store,
    registry,
    // Bound late: the caches are assembled below, before any request can disable a channel.
    channelsChanged: () => caches.changed('channels'),
    upstream,
    secretBox,
    logger,
  });
  const logWriter = new RequestLogWriter(store.requestLogs, logger, {
    batchSize: config.LOG_BATCH_SIZE,
    flushIntervalMs: config.LOG_FLUSH_INTERVAL_MS,
  });
  // Operator settings changed on another node reach this one within this long.
  const logBodies = new LogBodyPolicy();
  await logBodies.start(store.settings, logger, 30_000);
  const retention = new LogRetention(store.requestLogs, logger, {
    retentionDays: config.LOG_RETENTION_DAYS,
    sweepMs: config.LOG_RETENTION_SWEEP_MS,
  });
  const metrics = new GatewayMetrics();
  const backends = createLimitBackends(config, logger);
  const billing = await createBillingServices(
    store,
    logger,
    {
      batchSize: config.LOG_BATCH_SIZE,
      // Held credits come back this soon after a request ends.
      flushIntervalMs: Math.min(config.LOG_FLUSH_INTERVAL_MS, 200),
    },
    { creditLeases: config.CREDIT_LEASES },
  );
  const caches = new ClusterCaches(
    backends.bus,
    {
      keys: () => keyCache.invalidate(),
      users: () => keyCache.invalidate(),
      channels: () => registry.reload(),
      models: () => catalog.reload(),
      prices: async () => {
        await billing.reload();
        keyCache.invalidate();
      },
      settings: async () => {
        logBodies.apply(await readOperatorSettings(store.settings));
        await billing.reload();
      },
    },
    logger,
  );
  caches.start();
  // Breaker states are read when Prometheus scrapes, never on the request path.
  metrics.setBreakerSource(function* () {
    for (const channel of registry.channels()) {
      yield { channel: channel.name, state: routing.health.figures(channel.id).breaker };
    }
  });
  const app = await buildApp({
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    logger,
    trustedProxies: config.TRUSTED_PROXIES,
    corsOrigins: config.CORS_ORIGINS,
    relayLane: config.RELAY_LANE,
    metrics,
    relay: {
      keyCache: new UnauthenticatedLimit(keyCache, backends.limiter, config.RATE_LIMIT_IP_RPM, () =>
        metrics.countRateLimitRefusal('ip'),
      ),
      registry,
      catalog,
      upstream,
      logWriter,
      logBodies,
      logger,
      health: routing.health,
      disabler: routing.disabler,
      failover: routing.failover,
      admission: {
        limiter: backends.limiter,
        forecast: new RoomForecast(),
        plans: billing.plans,
        billing: billing.billing,
        metrics,
      },
      metrics,
    },
    admin: {
      config,
      store,
      secretBox,
      keyCache,
      registry,
      catalog,
      routing,
      logBodies,
      ledger: billing.ledger,
      caches,
      limitsHealth: () => backends.health(),
      startedAt: Date.now(),
      version,
    },
  });
  routing.healthCheck.start(config.CHANNEL_HEALTH_CHECK_INTERVAL_MS);
  retention.start();

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    logger,
    logWriter,
    billing,
    routing,
    async listen() {
      const address = await app.listen({ port: config.PORT, host: config.HOST });
      return address.replace('[::]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
    },
    close() {
      closing ??= (async () => {
        // Fastify closes idle keep-alive connections once, when closing starts; connections whose
        // request finishes later would hold the server open until their keep-alive timeout.
        const sweeper = setInterval(() => app.server.closeIdleConnections(), 50);
        try {
          await app.close();
        } finally {
          clearInterval(sweeper);
        }
        await routing.healthCheck.stop();
        logBodies.stop();
        await retention.stop();
        await routing.disabler.drain();
        await upstream.close();
        await logWriter.close();
        // Requests are over: every lease is given back, and settled with the rest.
        await billing.leases?.closeAll();
        await billing.settlements.close();
        caches.stop();
        await backends.close();
        await store.close();
      })();
      return closing;
    },
  };
}
