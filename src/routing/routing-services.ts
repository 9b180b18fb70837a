import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { ChannelRegistry } from '../relay/channel-registry.ts';
import type { UpstreamClient } from '../relay/upstream-client.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { Store } from '../store/store.ts';
import { ChannelAutoDisabler } from './channel-auto-disabler.ts';
import { ChannelChecker } from './channel-checker.ts';
import { ChannelHealth } from './channel-health.ts';
import type { FailoverPolicy } from './failover-policy.ts';
import { HealthCheckLoop } from './health-check-loop.ts';

/** Routing's moving parts, assembled from the configuration. */
export interface RoutingServices {
  health: ChannelHealth;
  disabler: ChannelAutoDisabler;
  checker: ChannelChecker;
  /** Started by the gateway (CHANNEL_HEALTH_CHECK_INTERVAL_MS), stopped when it closes. */
  healthCheck: HealthCheckLoop;
  failover: FailoverPolicy;
}

export function createRoutingServices(
  config: Config,
  deps: {
    store: Store;
    registry: ChannelRegistry;
    /** After the gateway disables or re-enables a channel: reload it here and on the other nodes. */
    channelsChanged?: () => Promise<void>;
    upstream: UpstreamClient;
    secretBox: SecretBox;
    logger: Logger;
  },
): RoutingServices {
  const health = new ChannelHealth({
    breaker: {
      failureThreshold: config.CIRCUIT_BREAKER_FAILURES,
      errorRate: config.CIRCUIT_BREAKER_ERROR_RATE,
      minRequests: config.CIRCUIT_BREAKER_MIN_REQUESTS,
      windowMs: config.CIRCUIT_BREAKER_WINDOW_MS,
      cooldownMs: config.CIRCUIT_BREAKER_COOLDOWN_MS,
    },
  });
  const disabler = new ChannelAutoDisabler(
    deps.store,
    deps.channelsChanged ?? (() => deps.registry.reload()),
    health,
    deps.logger,
  );
  const checker = new ChannelChecker({
    upstream: deps.upstream,
    store: deps.store,
    secretBox: deps.secretBox,
    health,
    disabler,
    logger: deps.logger,
    timeoutMs: config.CHANNEL_TEST_TIMEOUT_MS,
  });
  return {
    health,
    disabler,
    checker,
    healthCheck: new HealthCheckLoop(deps.store, health, checker, deps.logger),
    failover: {
      maxAttempts: config.UPSTREAM_MAX_ATTEMPTS,
      budgetMs: config.UPSTREAM_RETRY_BUDGET_MS,
      backoff: { baseMs: config.UPSTREAM_RETRY_BACKOFF_BASE_MS, maxMs: config.UPSTREAM_RETRY_BACKOFF_MAX_MS },
    },
  };
}
