import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

/** The ConfigError loadConfig throws for `env`, or a failure when it throws none. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('runs with no configuration at all, on the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      DATA_DIR: 'data',
      DATABASE_URL: 'sqlite:data/switchboard.db',
      ADMIN_USERNAME: 'admin',
      LOG_LEVEL: 'info',
      BODY_LIMIT_BYTES: 20 * 1024 * 1024,
      SESSION_TTL_HOURS: 7 * 24,
    });
    expect(config.SECRET_KEY).toBeUndefined();
    expect(config.ADMIN_PASSWORD).toBeUndefined();
    for (const name of [
      'UPSTREAM_CONNECT_TIMEOUT_MS',
      'UPSTREAM_FIRST_BYTE_TIMEOUT_MS',
      'UPSTREAM_IDLE_TIMEOUT_MS',
      'UPSTREAM_POOL_CONNECTIONS',
      'LOG_BATCH_SIZE',
      'LOG_FLUSH_INTERVAL_MS',
    ] as const) {
      expect(config[name]).toBeGreaterThan(0);
    }
  });

  it('puts the default SQLite database under DATA_DIR', () => {
    expect(loadConfig({ DATA_DIR: '/var/lib/switchboard' }).DATABASE_URL).toBe(
      'sqlite:/var/lib/switchboard/switchboard.db',
    );
  });

  it('reads numbers from their text, and treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '8080', BODY_LIMIT_BYTES: '1048576', SESSION_TTL_HOURS: '' });
    expect(config.PORT).toBe(8080);
    expect(config.BODY_LIMIT_BYTES).toBe(1_048_576);
    expect(config.SESSION_TTL_HOURS).toBe(168);
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
    expect(loadConfig({ PORT: '0' }).PORT).toBe(0);
  });

  it('keeps PostgreSQL, MySQL and MariaDB URLs exactly as given', () => {
    for (const url of [
      'postgres://switchboard:p%40ss@db.internal:5432/switchboard?sslmode=require',
      'postgresql://localhost/switchboard',
      'mysql://root@127.0.0.1:3306/switchboard',
      'mariadb://user:pw@maria:3306/sb',
      'sqlite:/tmp/elsewhere.db',
    ]) {
      expect(loadConfig({ DATABASE_URL: url, DATA_DIR: '/data' }).DATABASE_URL).toBe(url);
    }
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', PORT_NUMBER: 'x', port: 'y' }).PORT).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['BODY_LIMIT_BYTES', '0'],
    ['BODY_LIMIT_BYTES', 'lots'],
    ['BODY_LIMIT_BYTES', '-5'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
    ['SECRET_KEY', 'too-short'],
    ['ADMIN_PASSWORD', 'short'],
    ['ADMIN_USERNAME', 'bad name!'],
    ['ADMIN_USERNAME', 'x'.repeat(65)],
    ['SESSION_TTL_HOURS', '0'],
    ['UPSTREAM_CONNECT_TIMEOUT_MS', 'soon'],
    ['UPSTREAM_POOL_CONNECTIONS', '2.5'],
    ['LOG_BATCH_SIZE', '-1'],
    ['LOG_FLUSH_INTERVAL_MS', 'fast'],
  ])('refuses %s=%s with a ConfigError naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(name);
  });

  it('names every invalid variable at once', () => {
    const message = configError({ PORT: 'abc', LOG_LEVEL: 'loud', SECRET_KEY: 'short' }).message;
    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL');
    expect(message).toContain('SECRET_KEY');
  });

  it('does not echo secrets in its error message', () => {
    const message = configError({ ADMIN_PASSWORD: 'hunter2', SECRET_KEY: 'tiny-secret' }).message;
    expect(message).toContain('ADMIN_PASSWORD');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('tiny-secret');
  });

  // `PORT= ` in an env file must not mean "any free port".
  it('does not read a blank PORT as port 0', () => {
    let port: number;
    try {
      port = loadConfig({ PORT: '  ' }).PORT;
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return;
    }
    expect(port).toBe(3000);
  });
});

describe('loadConfig: accounts and security', () => {
  it('defaults to open registration, no trusted proxies, CORS off and login throttling on', () => {
    expect(loadConfig({})).toMatchObject({
      REGISTRATION_ENABLED: true,
      TRUSTED_PROXIES: [],
      CORS_ORIGINS: [],
      LOGIN_MAX_FAILURES: 5,
      LOGIN_MAX_FAILURES_PER_IP: 20,
      LOGIN_FAILURE_WINDOW_SECONDS: 900,
      LOGIN_COOLDOWN_SECONDS: 900,
    });
  });

  it.each([
    ['false', false],
    ['0', false],
    ['no', false],
    ['true', true],
    ['1', true],
    ['yes', true],
  ])('reads REGISTRATION_ENABLED=%s as %s', (value, expected) => {
    expect(loadConfig({ REGISTRATION_ENABLED: value }).REGISTRATION_ENABLED).toBe(expected);
  });

  it('reads comma-separated proxies and origins', () => {
    const config = loadConfig({
      TRUSTED_PROXIES: '10.0.0.0/8, 2001:db8::1 ,loopback,',
      CORS_ORIGINS: 'https://console.example.com,http://localhost:5173',
    });
    expect(config.TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '2001:db8::1', 'loopback']);
    expect(config.CORS_ORIGINS).toEqual(['https://console.example.com', 'http://localhost:5173']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).CORS_ORIGINS).toEqual(['*']);
  });

  it.each([
    ['REGISTRATION_ENABLED', 'maybe'],
    ['TRUSTED_PROXIES', 'proxy.internal'],
    ['TRUSTED_PROXIES', '10.0.0.0/40'],
    ['CORS_ORIGINS', 'console.example.com'],
    ['CORS_ORIGINS', 'https://example.com/path'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['LOGIN_COOLDOWN_SECONDS', 'soon'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name);
  });

  it('runs on one node without Redis, and reads the Redis and rate-limit settings', () => {
    expect(loadConfig({})).toMatchObject({
      REDIS_KEY_PREFIX: 'switchboard:',
      RATE_LIMIT_IP_RPM: 600,
      RATE_LIMIT_FAIL_OPEN: true,
      RATE_LIMIT_LEASE_MS: 1000,
    });
    expect(loadConfig({}).REDIS_URL).toBeUndefined();
    expect(
      loadConfig({
        REDIS_URL: 'rediss://:secret@redis.internal:6380/2',
        REDIS_KEY_PREFIX: 'acme:',
        RATE_LIMIT_IP_RPM: '0',
        RATE_LIMIT_FAIL_OPEN: 'false',
        RATE_LIMIT_LEASE_MS: '0',
      }),
    ).toMatchObject({
      REDIS_URL: 'rediss://:secret@redis.internal:6380/2',
      REDIS_KEY_PREFIX: 'acme:',
      RATE_LIMIT_IP_RPM: 0,
      RATE_LIMIT_FAIL_OPEN: false,
      RATE_LIMIT_LEASE_MS: 0,
    });
  });

  it.each([
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'http://redis:6379'],
    ['RATE_LIMIT_IP_RPM', '-1'],
    ['RATE_LIMIT_FAIL_OPEN', 'sometimes'],
    ['RATE_LIMIT_LEASE_MS', '-1'],
    ['RATE_LIMIT_LEASE_MS', '60000'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name);
  });
});
