import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { createLogger } from '../../src/observability/logger.ts';

export const adminPassword = 'test-admin-password';

/** A gateway's management API as tests call it (one node, or any node of several). */
export interface ManagementClient {
  url: string;
  /** A root session token. */
  adminToken: string;
  /** Calls the management API; returns the status and the parsed envelope. */
  api(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: ApiEnvelope }>;
}

/** One management call to the gateway at `url`: the status and the parsed envelope. */
export async function callManagementApi(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: ApiEnvelope }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: token } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ApiEnvelope };
}

export interface TestGateway extends ManagementClient {
  gateway: Gateway;
  config: Config;
  /** Creates a channel (admin) and returns its id. */
  addChannel(channel: Record<string, unknown>): Promise<number>;
  /** Creates an API key for the root user (or the given session) and returns the full key. */
  createKey(fields?: Record<string, unknown>, token?: string): Promise<string>;
  close(): Promise<void>;
}

export interface ApiEnvelope {
  success: boolean;
  message: string;
  // Tests read into whatever a route returned.
  data: Record<string, unknown> & { items?: Record<string, unknown>[] };
}

/**
 * The channel most tests put in front of the mock's Anthropic endpoint (Anthropic's base URL has no
 * /v1); `fields` change or add to it.
 */
export const mockAnthropicChannel = (mockUrl: string, fields: Record<string, unknown> = {}) => ({
  name: 'mock-anthropic',
  provider: 'anthropic',
  base_url: mockUrl,
  api_key: 'sk-upstream',
  models: ['claude-sonnet-4-5'],
  ...fields,
});

/** Starts a real gateway on a free port over a fresh database (SQLite unless `databaseUrl` is given). */
export async function startTestGateway(
  options: { databaseUrl?: string; env?: Record<string, string> } = {},
): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl ?? `sqlite:${join(dataDir, 'test.db')}`,
    ADMIN_PASSWORD: adminPassword,
    LOG_FLUSH_INTERVAL_MS: '20',
    // Tests run the channel health check themselves (gateway.routing.healthCheck.runOnce()).
    CHANNEL_HEALTH_CHECK_INTERVAL_MS: '0',
    ...options.env,
  });
  const gateway = await createGateway(config, createLogger('silent'));
  const url = await gateway.listen();

  const api: TestGateway['api'] = (method, path, body, token) =>
    callManagementApi(url, method, path, body, token);

  const login = await api('POST', '/api/user/login', { username: 'admin', password: adminPassword });
  const adminToken = String(login.body.data.token);

  return {
    gateway,
    url,
    config,
    adminToken,
    api,
    async addChannel(channel) {
      const created = await api('POST', '/api/channel/', channel, adminToken);
      if (created.status !== 200) throw new Error(`channel not created: ${JSON.stringify(created.body)}`);
      return Number(created.body.data.id);
    },
    async createKey(fields = {}, token = adminToken) {
      const created = await api('POST', '/api/token/', { name: 'test', ...fields }, token);
      if (created.status !== 200) throw new Error(`key not created: ${JSON.stringify(created.body)}`);
      return String(created.body.data.key);
    },
    async close() {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The request-log rows the gateway has written (flushing the writer first). */
export async function logRows(test: TestGateway, query = ''): Promise<Record<string, unknown>[]> {
  await test.gateway.logWriter.flush();
  const result = await test.api('GET', `/api/log/${query}`, undefined, test.adminToken);
  return result.body.data.items ?? [];
}
