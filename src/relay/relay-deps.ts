import type { Logger } from 'pino';
import type { RequestLogWriter } from '../observability/request-log-writer.ts';
import type { ApiKeyCache } from './api-key-cache.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import type { UpstreamClient } from './upstream-client.ts';

export interface RelayDeps {
  keyCache: ApiKeyCache;
  registry: ChannelRegistry;
  upstream: UpstreamClient;
  logWriter: RequestLogWriter;
  logger: Logger;
  /** Channels tried per request before giving up. */
  maxAttempts: number;
}
