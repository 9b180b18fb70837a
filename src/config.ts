import { z } from 'zod';
import { parseIpRule } from './security/ip-allowlist.ts';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** `true`/`false` (or 1/0, yes/no): z.coerce.boolean would read "false" as true. */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((value) => value === 'true' || value === '1' || value === 'yes')
    .default(fallback);

/** A comma-separated list whose every entry passes `valid`. */
const list = (valid: (entry: string) => boolean, what: string) =>
  z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .refine((entries) => entries.every(valid), `must be a comma-separated list of ${what}`)
    .default([]);

/** proxy-addr's names for address ranges, as Fastify's trustProxy takes them. */
const proxyRangeNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

const isOrigin = (entry: string): boolean => {
  if (entry === '*') return true;
  try {
    const url = new URL(entry);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry;
  } catch {
    return false;
  }
};

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z.string().min(1).optional(),
  SECRET_KEY: z.string().min(16, 'SECRET_KEY must be at least 16 characters').optional(),
  ADMIN_USERNAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'ADMIN_USERNAME may use letters, digits, _ . - (1-64)')
    .default('admin'),
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** Largest accepted request body, in bytes (default 20 MiB). */
  BODY_LIMIT_BYTES: positiveInt(20 * 1024 * 1024),
  /** Upstream timeouts, in milliseconds. */
  UPSTREAM_CONNECT_TIMEOUT_MS: positiveInt(10_000),
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: positiveInt(120_000),
  UPSTREAM_IDLE_TIMEOUT_MS: positiveInt(120_000),
  /** Keep-alive connections per upstream origin. */
  UPSTREAM_POOL_CONNECTIONS: positiveInt(256),
  SESSION_TTL_HOURS: positiveInt(24 * 7),
  /** Request-log writer: rows per batch and the longest a row waits before it is written. */
  LOG_BATCH_SIZE: positiveInt(500),
  LOG_FLUSH_INTERVAL_MS: positiveInt(1000),
  /** Request-log rows (and their bodies) older than this many days are deleted; 0 keeps them forever. */
  LOG_RETENTION_DAYS: nonNegativeInt(0),
  /** How often expired request-log rows are swept (default hourly). */
  LOG_RETENTION_SWEEP_MS: positiveInt(3_600_000),
  /**
   * Whether `POST /v1/chat/completions`, `/api/v1/chat/completions` and `/v1/messages` with a plain
   * JSON body skip Fastify's request pipeline (the relay lane: same answers, about 4 µs less CPU a
   * request); false sends every request through Fastify.
   */
  RELAY_LANE: flag(true),
  /** Whether anyone may create an account with `POST /api/user/register`. */
  REGISTRATION_ENABLED: flag(true),
  /**
   * Proxies (addresses, CIDRs, or `loopback`/`linklocal`/`uniquelocal`) whose X-Forwarded-For is
   * believed for the client address; empty: the socket's address is the client's.
   */
  TRUSTED_PROXIES: list(
    (entry) => parseIpRule(entry) !== undefined || proxyRangeNames.has(entry),
    'IPs or CIDRs',
  ),
  /** Browser origins (`https://console.example.com`, or `*`) allowed to call /api/*; empty: none (CORS off). */
  CORS_ORIGINS: list(isOrigin, 'origins such as https://example.com, or *'),
  /** Login throttling: failures per username, and per client address, within the window lock it for the cooldown. */
  LOGIN_MAX_FAILURES: positiveInt(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt(20),
  LOGIN_FAILURE_WINDOW_SECONDS: positiveInt(15 * 60),
  LOGIN_COOLDOWN_SECONDS: positiveInt(15 * 60),
  /** Failover: upstream calls per request at most (0: one per channel that serves the model). */
  UPSTREAM_MAX_ATTEMPTS: nonNegativeInt(0),
  /** Failover: no new attempt starts once this long has passed since the first. */
  UPSTREAM_RETRY_BUDGET_MS: positiveInt(30_000),
  /** Failover: jittered exponential backoff between attempts, from this base up to this cap. */
  UPSTREAM_RETRY_BACKOFF_BASE_MS: nonNegativeInt(50),
  UPSTREAM_RETRY_BACKOFF_MAX_MS: nonNegativeInt(1000),
  /** Circuit breaker per channel: opens after this many consecutive failures… */
  CIRCUIT_BREAKER_FAILURES: positiveInt(5),
  /** …or at this failure share (0 turns the rule off) over the window, once it holds enough requests. */
  CIRCUIT_BREAKER_ERROR_RATE: z.coerce.number().min(0).max(1).default(0.5),
  CIRCUIT_BREAKER_MIN_REQUESTS: positiveInt(20),
  CIRCUIT_BREAKER_WINDOW_MS: positiveInt(60_000),
  /** How long an open breaker refuses before one probe request may go. */
  CIRCUIT_BREAKER_COOLDOWN_MS: positiveInt(30_000),
  /** How often channels out of service are tested (0: never). */
  CHANNEL_HEALTH_CHECK_INTERVAL_MS: nonNegativeInt(60_000),
  /** A YAML file declaring channels, models, groups and plans, applied at every start. */
  SWITCHBOARD_CONFIG: z.string().min(1).optional(),
  /** The longest a channel test waits for its answer. */
  CHANNEL_TEST_TIMEOUT_MS: positiveInt(30_000),
  /** Several nodes: a Redis (`redis://` or `rediss://`) for shared rate limits and cache invalidation; unset: one node, in memory. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'REDIS_URL must be a redis:// or rediss:// URL')
    .optional(),
  /** Namespace of every Redis key and channel, so deployments can share one Redis. */
  REDIS_KEY_PREFIX: z.string().min(1).default('switchboard:'),
  /** Requests per minute per client address for unauthenticated traffic (0: no limit). */
  RATE_LIMIT_IP_RPM: nonNegativeInt(600),
  /** When Redis fails, let requests through unlimited (true) or refuse them (false). */
  RATE_LIMIT_FAIL_OPEN: flag(true),
  /** Redis: how long a node admits from rate-limit room it leased (0: never lease, every request asks Redis). */
  RATE_LIMIT_LEASE_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** PostgreSQL/MySQL: hold requests in memory under per-node leases while a balance is far above them. */
  CREDIT_LEASES: flag(true),
});

export type Config = z.infer<typeof configSchema> & { DATABASE_URL: string };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the configuration once, at start. Unknown variables are ignored. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((name) => {
      const value = env[name];
      return value === undefined || value.trim() === '' ? [] : [[name, value.trim()]];
    }),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  return { ...config, DATABASE_URL: config.DATABASE_URL ?? `sqlite:${config.DATA_DIR}/switchboard.db` };
}
