// Starting the three processes the benchmark compares through, and giving Switchboard its channels,
// model prices, credits and a rate-limited API key over the management API: every benchmarked request
// passes the rate limiter (two buckets) and places and settles a credit hold.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../scenarios.ts';
import { UPSTREAM_API_KEY } from '../scenarios.ts';
import { describeExit, findFreePort, startChild, waitForOutput } from './child-processes.ts';
import type { Child } from './child-processes.ts';
import { log } from './log.ts';
import { ManagementApi, waitForStatus } from './management-api.ts';
import type { ChannelInput, ModelPriceInput } from './management-api.ts';

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
/**
 * The owner of the benchmarked key: a plain user, as a customer's key would belong to. (Not the
 * admin: `PUT /api/user/{id}` on the only root answers 409 "last enabled root" even for a bare
 * `top_up`, see the README's benchmark notes.)
 */
const KEY_OWNER = { username: 'bench-user', password: 'bench-user-password-123' };
/** Every benchmarked model's price, in micro-credits (per request; per million tokens). */
export const BENCH_PRICE: ModelPriceInput = {
  per_request: 10,
  input: 150_000,
  cached_input: 75_000,
  output: 600_000,
};
/** Credited to the key's owner: far more than any run spends. */
export const BENCH_TOP_UP = 1_000_000_000_000_000;
/** The key's limits: the most the API allows, so the limiter checks both buckets and refuses nothing. */
export const BENCH_KEY_LIMITS = { rpm: 1_000_000, tpm: 1_000_000_000 };
const STARTUP_TIMEOUT_MS = 60_000;

function nodeWithTsx(entry: string, args: string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', entry, ...args]];
}

/**
 * The gateway as `npm start` runs it: package.json's start script must be `node <flags> <entry>`,
 * and the benchmark runs that entry with those flags (V8's heap sizing among them), so it measures
 * what users run.
 */
export function gatewayStartCommand(repoRoot: string): [string, string[]] {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const words = (manifest.scripts?.start ?? '').trim().split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== GATEWAY_ENTRY) {
    throw new Error(
      `package.json's start script must be "node <flags> ${GATEWAY_ENTRY}" for the benchmark to run it ` +
        `as users do; it is "${manifest.scripts?.start ?? ''}"`,
    );
  }
  return [process.execPath, words.slice(1)];
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
  // With the gateway's own Node flags (heap sizing), so the two differ only in what they do.
  const [node, gatewayArgs] = gatewayStartCommand(repoRoot);
  const bareProxyCommand: [string, string[]] = [
    node,
    [...gatewayArgs.slice(0, -1), BARE_PROXY_ENTRY, '--upstream', mockUrl, '--port', '0'],
  ];
  const bareProxy = startChild('bare proxy', ...bareProxyCommand, { cwd: repoRoot });
  const bareUrl = (await waitForOutput(bareProxy, /BARE_PROXY_URL=(\S+)/, STARTUP_TIMEOUT_MS))[1] ?? '';
  log(`bare proxy at ${bareUrl}`);
  return { mock, bareProxy, mockUrl, bareUrl };
}

/** `configEnv` is the configuration's own: DATABASE_URL, and REDIS_URL with its key prefix. */
export async function startGateway(
  repoRoot: string,
  dataDir: string,
  configEnv: Record<string, string>,
): Promise<{ gateway: Child; gatewayUrl: string }> {
  const port = await findFreePort();
  const inherited = { ...process.env };
  // Only the configuration decides where data and limits live.
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'SWITCHBOARD_CONFIG']) {
    delete inherited[name];
  }
  const gateway = startChild('switchboard', ...gatewayStartCommand(repoRoot), {
    cwd: repoRoot,
    env: {
      ...inherited,
      ...configEnv,
      PORT: String(port),
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

/** A channel to create, and which scenario models it is there for. */
interface PlannedChannel {
  input: ChannelInput;
  /** 0 for a primary channel, k for the k-th standby (priority -k). */
  standby: number;
}

/**
 * One primary channel per distinct upstream of the scenario table, listing every model it must
 * serve; then, for models with standby channels, the k-th standby of that upstream (priority -k,
 * same mock) listing every model with at least k standbys.
 */
function channelsFor(scenarios: Scenario[], mockUrl: string): PlannedChannel[] {
  const channels = new Map<string, PlannedChannel>();
  const add = (upstream: Scenario['upstream'], standby: number): void => {
    const baseUrl = `${mockUrl.replace(/\/+$/, '')}${upstream.baseUrlPath}`;
    const id = `${upstream.provider} ${baseUrl} ${standby}`;
    const existing = channels.get(id);
    if (existing === undefined) {
      const name =
        standby === 0
          ? `mock-${upstream.provider}-${channels.size + 1}`
          : `mock-${upstream.provider}-standby-${standby}-${channels.size + 1}`;
      channels.set(id, {
        standby,
        input: {
          name,
          provider: upstream.provider,
          base_url: baseUrl,
          api_key: UPSTREAM_API_KEY,
          models: [upstream.model],
          priority: -standby,
          weight: 1,
          enabled: true,
        },
      });
    } else if (!existing.input.models.includes(upstream.model)) {
      existing.input.models.push(upstream.model);
    }
  };
  for (const { upstream } of scenarios) add(upstream, 0);
  for (const { upstream } of scenarios) {
    for (let standby = 1; standby <= (upstream.standbyChannels ?? 0); standby += 1) add(upstream, standby);
  }
  return [...channels.values()];
}

/** What the benchmark needs to drive Switchboard and check afterwards that it billed and routed. */
export interface GatewaySetup {
  /** Signed in as the admin: log rows with their channels, the owner's balance. */
  api: ManagementApi;
  key: string;
  /** The key's owner, a plain user. */
  userId: number;
  /** The owner's balance right after the top-up, in micro-credits. */
  balanceAfterTopUp: number;
  /** Per scenario model, the id of the primary channel serving it. */
  primaryChannelOf: Map<string, number>;
  /** Ids of every standby channel. */
  standbyChannelIds: Set<number>;
}

export async function configureGateway(
  gatewayUrl: string,
  mockUrl: string,
  scenarios: Scenario[],
): Promise<GatewaySetup> {
  const api = new ManagementApi(gatewayUrl);
  await api.login(ADMIN.username, ADMIN.password);
  const primaryChannelOf = new Map<string, number>();
  const standbyChannelIds = new Set<number>();
  for (const { input, standby } of channelsFor(scenarios, mockUrl)) {
    const id = await api.createChannel(input);
    if (standby === 0) for (const model of input.models) primaryChannelOf.set(model, id);
    else standbyChannelIds.add(id);
    log(
      `channel ${input.name} (id ${id}, priority ${input.priority}): ${input.provider} ${input.base_url} ` +
        `[${input.models.join(', ')}]`,
    );
  }
  const models = [...new Set(scenarios.map((scenario) => scenario.upstream.model))];
  for (const model of models) await api.priceModel(model, BENCH_PRICE);
  log(`priced ${models.join(', ')}: ${JSON.stringify(BENCH_PRICE)} micro-credits`);
  const owner = await api.createUser(KEY_OWNER.username, KEY_OWNER.password);
  const after = await api.topUp(owner.id, BENCH_TOP_UP);
  if (after.balance !== owner.balance + BENCH_TOP_UP) {
    throw new Error(
      `PUT /api/user/${owner.id} with top_up ${BENCH_TOP_UP}: balance went from ${owner.balance} to ` +
        `${after.balance}, not up by the top-up`,
    );
  }
  log(`user ${KEY_OWNER.username} (id ${owner.id}) topped up: balance ${after.balance} micro-credits`);
  const ownerApi = new ManagementApi(gatewayUrl);
  await ownerApi.login(KEY_OWNER.username, KEY_OWNER.password);
  const key = await ownerApi.createApiKey('bench', BENCH_KEY_LIMITS);
  log(`API key of ${KEY_OWNER.username} with rpm ${BENCH_KEY_LIMITS.rpm}, tpm ${BENCH_KEY_LIMITS.tpm}`);
  return {
    api,
    key,
    userId: owner.id,
    balanceAfterTopUp: after.balance,
    primaryChannelOf,
    standbyChannelIds,
  };
}
