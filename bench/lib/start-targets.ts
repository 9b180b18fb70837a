// Starting the three processes the benchmark compares through, and giving Switchboard its channels
// and an API key over the management API.
import { join } from 'node:path';
import type { Scenario } from '../scenarios.ts';
import { UPSTREAM_API_KEY } from '../scenarios.ts';
import { describeExit, findFreePort, startChild, waitForOutput } from './child-processes.ts';
import type { Child } from './child-processes.ts';
import { log } from './log.ts';
import { ManagementApi, waitForStatus } from './management-api.ts';
import type { ChannelInput } from './management-api.ts';

export const MOCK_UPSTREAM_ENTRY = 'test/mock-upstream/cli.ts';
export const GATEWAY_ENTRY = 'src/main.ts';
export const BARE_PROXY_ENTRY = 'bench/bare-proxy.ts';
export const MOCK_CHUNKS = 20;
/**
 * The gateway's default, set explicitly because the benchmark depends on it: a request-log row waits
 * at most this long before it is written, so the CPU time read this long (plus a margin) after a run
 * includes writing that run's logs.
 */
export const GATEWAY_LOG_FLUSH_INTERVAL_MS = 1_000;
const ADMIN = { username: 'admin', password: 'bench-password-123' };
const STARTUP_TIMEOUT_MS = 60_000;

function nodeWithTsx(entry: string, args: string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', entry, ...args]];
}

export async function startMockAndBareProxy(repoRoot: string): Promise<{
  mock: Child;
  bareProxy: Child;
  mockUrl: string;
  bareUrl: string;
}> {
  const mock = startChild(
    'mock upstream',
    ...nodeWithTsx(MOCK_UPSTREAM_ENTRY, ['--port', '0', '--chunks', String(MOCK_CHUNKS)]),
    { cwd: repoRoot },
  );
  const mockUrl = (await waitForOutput(mock, /MOCK_UPSTREAM_URL=(\S+)/, STARTUP_TIMEOUT_MS))[1] ?? '';
  log(`mock upstream at ${mockUrl}`);
  const bareProxyCommand = nodeWithTsx(BARE_PROXY_ENTRY, ['--upstream', mockUrl, '--port', '0']);
  const bareProxy = startChild('bare proxy', ...bareProxyCommand, { cwd: repoRoot });
  const bareUrl = (await waitForOutput(bareProxy, /BARE_PROXY_URL=(\S+)/, STARTUP_TIMEOUT_MS))[1] ?? '';
  log(`bare proxy at ${bareUrl}`);
  return { mock, bareProxy, mockUrl, bareUrl };
}

export async function startGateway(
  repoRoot: string,
  dataDir: string,
): Promise<{ gateway: Child; gatewayUrl: string }> {
  const port = await findFreePort();
  const gateway = startChild('switchboard', ...nodeWithTsx(GATEWAY_ENTRY, []), {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(dataDir, 'bench.db')}`,
      DATA_DIR: dataDir,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      LOG_FLUSH_INTERVAL_MS: String(GATEWAY_LOG_FLUSH_INTERVAL_MS),
    },
  });
  const gatewayUrl = `http://127.0.0.1:${port}`;
  await waitForStatus(gatewayUrl, STARTUP_TIMEOUT_MS, () =>
    gateway.exitStatus() === undefined
      ? undefined
      : describeExit(gateway, 'exited before GET /api/status answered 200'),
  );
  log(`switchboard at ${gatewayUrl}`);
  return { gateway, gatewayUrl };
}

/** One channel per distinct upstream of the scenario table, listing every model it must serve. */
function channelsFor(scenarios: Scenario[], mockUrl: string): ChannelInput[] {
  const channels = new Map<string, ChannelInput>();
  for (const { upstream } of scenarios) {
    const baseUrl = `${mockUrl.replace(/\/+$/, '')}${upstream.baseUrlPath}`;
    const id = `${upstream.provider} ${baseUrl}`;
    const existing = channels.get(id);
    if (existing === undefined) {
      channels.set(id, {
        name: `mock-${upstream.provider}-${channels.size + 1}`,
        provider: upstream.provider,
        base_url: baseUrl,
        api_key: UPSTREAM_API_KEY,
        models: [upstream.model],
        priority: 0,
        weight: 1,
        enabled: true,
      });
    } else if (!existing.models.includes(upstream.model)) {
      existing.models.push(upstream.model);
    }
  }
  return [...channels.values()];
}

export async function configureGateway(
  gatewayUrl: string,
  mockUrl: string,
  scenarios: Scenario[],
): Promise<string> {
  const api = new ManagementApi(gatewayUrl);
  await api.login(ADMIN.username, ADMIN.password);
  for (const channel of channelsFor(scenarios, mockUrl)) {
    await api.createChannel(channel);
    log(`channel ${channel.name}: ${channel.provider} ${channel.base_url} [${channel.models.join(', ')}]`);
  }
  return api.createApiKey('bench');
}
