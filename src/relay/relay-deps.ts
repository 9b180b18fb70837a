import type { Logger } from 'pino';
import type { ModelCatalog } from '../catalog/model-catalog.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import type { LogBodyPolicy } from '../observability/log-body-policy.ts';
import type { RequestLogWriter } from '../observability/request-log-writer.ts';
import type { ChannelHealth } from '../routing/channel-health.ts';
import type { ChannelDisabler, FailoverPolicy } from '../routing/failover-policy.ts';
import type { AdmissionDeps } from './admit-request.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import type { UpstreamClient } from './upstream-client.ts';
import type { KeyLookup } from './unauthenticated-limit.ts';

export interface RelayDeps {
  /** API keys by hash, with the per-address limit on callers without a valid key. */
  keyCache: KeyLookup;
  registry: ChannelRegistry;
  catalog: ModelCatalog;
  upstream: UpstreamClient;
  logWriter: RequestLogWriter;
  /** Whether request and response bodies go with the log rows (operator settings, held in memory). */
  logBodies: LogBodyPolicy;
  logger: Logger;
  /** Breakers, recent outcomes and latency of every channel. */
  health: ChannelHealth;
  /** Takes a channel whose credentials were refused out of service. */
  disabler: ChannelDisabler;
  /** Attempts, time budget and backoff of failover. */
  failover: FailoverPolicy;
  /** Plans, rate limits and credit holds, checked before an upstream is called. */
  admission: AdmissionDeps;
  /** Prometheus figures, fed once per request as it closes. */
  metrics: GatewayMetrics;
}
