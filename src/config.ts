import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

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
