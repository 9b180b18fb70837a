import { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  /** Shown by `CLIENT LIST`, e.g. `switchboard-limits`. */
  connectionName?: string;
  /** A command that has no answer after this long fails (default 1 s): a stalled Redis must not stall requests. */
  commandTimeoutMs?: number;
}

/**
 * A connection to a standalone Redis (`redis://` or `rediss://` URL). It reconnects for ever with a
 * capped backoff; while it is down, a command fails after one reconnection attempt rather than
 * waiting in a queue. Commands issued in the same tick go in one round trip (auto-pipelining).
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  return new Redis(url, {
    connectionName: options.connectionName,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000),
  });
}
