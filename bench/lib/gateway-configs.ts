// The gateway configurations the benchmark measures, one after the other, against the same mock
// upstream and bare proxy:
// - `sqlite+memory`: one node; SQLite in the run's temporary directory, rate limits in memory;
// - `postgres+redis`: what several nodes would run; a fresh PostgreSQL database created for the run
//   (and dropped after), rate limits and cache invalidation in Redis under a key prefix of the run's
//   own. Measured when BENCH_POSTGRES_URL and BENCH_REDIS_URL (or TEST_POSTGRES_URL and
//   TEST_REDIS_URL) are set.
// BENCH_CONFIGS (comma-separated: `sqlite`, `postgres`) picks some; asking for one that cannot run
// is an error rather than a silently shorter benchmark.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { log } from './log.ts';

export type GatewayConfigName = 'sqlite+memory' | 'postgres+redis';

/** What one configuration needs once prepared: the gateway's environment, and how to clean up. */
export interface PreparedConfig {
  /** DATABASE_URL and, for Redis, REDIS_URL and REDIS_KEY_PREFIX. */
  env: Record<string, string>;
  /** Where the data and the limits live, with secrets left out, for the report. */
  description: string;
  cleanup(): Promise<void>;
}

export interface GatewayConfig {
  name: GatewayConfigName;
  prepare(dataDir: string): Promise<PreparedConfig>;
}

const SHORT_NAMES: Record<string, GatewayConfigName> = {
  sqlite: 'sqlite+memory',
  'sqlite+memory': 'sqlite+memory',
  postgres: 'postgres+redis',
  'postgres+redis': 'postgres+redis',
};

function firstSet(...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = process.env[name]?.trim();
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

/** A URL without its password, for logs and the results file. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

const sqliteMemory: GatewayConfig = {
  name: 'sqlite+memory',
  prepare: async (dataDir) => ({
    env: { DATABASE_URL: `sqlite:${join(dataDir, 'bench.db')}` },
    description: 'SQLite (file in a temporary directory), rate limits in memory',
    cleanup: async () => {},
  }),
};

function postgresRedis(adminUrl: string, redisUrl: string): GatewayConfig {
  return {
    name: 'postgres+redis',
    prepare: async () => {
      const suffix = randomBytes(5).toString('hex');
      // A fresh database per run, as test/support/test-databases.ts makes them: the gateway migrates
      // it from empty and nothing left from another run skews the figures.
      const database = `sb_bench_${suffix}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${database}`);
      } finally {
        await admin.end();
      }
      const databaseUrl = withDatabaseName(adminUrl, database);
      log(`created PostgreSQL database ${database}`);
      return {
        env: {
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          REDIS_KEY_PREFIX: `switchboard-bench-${suffix}:`,
        },
        description: `PostgreSQL (${redact(databaseUrl)}, fresh database), rate limits and cache invalidation in Redis (${redact(redisUrl)})`,
        cleanup: async () => {
          const client = new pg.Client({ connectionString: adminUrl });
          await client.connect();
          try {
            await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
          } finally {
            await client.end();
          }
          log(`dropped PostgreSQL database ${database}`);
        },
      };
    },
  };
}

/** The configurations to run, in order; exits the benchmark (code 2) on an impossible request. */
export function selectGatewayConfigs(): GatewayConfig[] {
  const postgres = firstSet('BENCH_POSTGRES_URL', 'TEST_POSTGRES_URL');
  const redis = firstSet('BENCH_REDIS_URL', 'TEST_REDIS_URL');
  const available: GatewayConfig[] = [sqliteMemory];
  let unavailable = '';
  if (postgres !== undefined && redis !== undefined) {
    available.push(postgresRedis(postgres.value, redis.value));
  } else {
    const missing = [
      postgres === undefined ? 'BENCH_POSTGRES_URL (or TEST_POSTGRES_URL)' : '',
      redis === undefined ? 'BENCH_REDIS_URL (or TEST_REDIS_URL)' : '',
    ].filter((name) => name !== '');
    unavailable = `postgres+redis needs ${missing.join(' and ')}`;
  }

  const requested = process.env.BENCH_CONFIGS?.trim();
  if (requested === undefined || requested === '') {
    if (unavailable !== '') log(`not measuring postgres+redis: ${unavailable}`);
    return available;
  }
  const chosen: GatewayConfig[] = [];
  for (const raw of requested.split(',').map((part) => part.trim().toLowerCase())) {
    const name = SHORT_NAMES[raw];
    if (name === undefined) {
      throw new Error(`BENCH_CONFIGS: unknown configuration "${raw}" (known: sqlite, postgres)`);
    }
    const config = available.find((candidate) => candidate.name === name);
    if (config === undefined) throw new Error(`BENCH_CONFIGS asks for ${name}, but ${unavailable}`);
    if (!chosen.includes(config)) chosen.push(config);
  }
  return chosen;
}
