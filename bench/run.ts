// `npm run bench`: Switchboard against a bare forwarding proxy, both in front of the same mock
// upstream, driven alternately by autocannon in one run. See scenarios.ts for what is measured.
//
// The machine this runs on may be a noisy VM, where one run's requests/s can be 20 % off the next.
// So every cell (scenario × connection count) is measured in rounds: in each round the bare proxy
// and Switchboard run back to back, alternating which goes first, and a round's Switchboard/bare ratio
// compares two runs a few seconds apart, which cancels slow drift. A round is one sweep over every
// cell, 1-connection cells first, so a translation scenario's Switchboard run can also be paired with
// the same-format scenario's Switchboard run of the same round, seconds apart (its latency goal). The
// tables show medians over rounds, and next to throughput the CPU time each target process spent per
// request, which depends little on how much CPU the VM happens to grant.
//
// Switchboard runs with credits and limits on (every model priced, the key's owner topped up, the key
// limited in requests and tokens per minute), and the benchmark fails if the answers, log rows and
// balance do not show every request held, charged and served by its primary channel
// (lib/billing-check.ts). It measures each gateway configuration in turn (lib/gateway-configs.ts):
// SQLite with limits in memory, and PostgreSQL with Redis when their URLs are set.
//
// Environment: BENCH_DURATION (measured seconds per run, default 5), BENCH_WARMUP (warm-up seconds,
// once per target per cell, default 2), BENCH_ROUNDS (rounds per cell, default 3), BENCH_CONFIGS
// (`sqlite`, `postgres` or both, comma-separated; default every one available), BENCH_POSTGRES_URL
// and BENCH_REDIS_URL (or TEST_POSTGRES_URL and TEST_REDIS_URL) for postgres+redis. With five
// scenarios at two connection counts the defaults take about seven and a half minutes per
// configuration. Progress goes to stderr; the tables go to stdout; the full results, every round
// included, go to bench/results/latest.json. Exits 1 if any run had errors, a scenario could not be
// run, or billing and routing were not as configured.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { readBillingHeaders, checkAfterRuns, checkPreflightRows } from './lib/billing-check.ts';
import type { BillingReport, PreflightBilling } from './lib/billing-check.ts';
import { describeExit, stopAllChildren, stopChild } from './lib/child-processes.ts';
import type { Child } from './lib/child-processes.ts';
import { runLoad } from './lib/load.ts';
import type { LoadOptions, Measurement } from './lib/load.ts';
import { selectGatewayConfigs } from './lib/gateway-configs.ts';
import type { GatewayConfig, GatewayConfigName } from './lib/gateway-configs.ts';
import { log } from './lib/log.ts';
import { errorMessage } from './lib/management-api.ts';
import { checkNodeProcess, clockTicksPerSecond, procAvailable, readCpuTicks } from './lib/process-cpu.ts';
import type { CpuTicks, ProcessCheck } from './lib/process-cpu.ts';
import {
  baselineMarkdownTable,
  baselineTextTable,
  checkGoals,
  compare,
  compareWithBaselines,
  configsMarkdownTable,
  formatLatency,
  formatMicros,
  goalLines,
  goalsMarkdownTable,
  markdownTable,
  problemsOf,
  ratioText,
  summarize,
  TARGETS,
  textTable,
} from './lib/report.ts';
import type {
  BaselineComparison,
  Comparison,
  CpuUsage,
  GoalCheck,
  LatencySource,
  RunRecord,
  Target,
  TargetSummary,
} from './lib/report.ts';
import {
  BARE_PROXY_ENTRY,
  BENCH_KEY_LIMITS,
  BENCH_PRICE,
  configureGateway,
  GATEWAY_ENTRY,
  GATEWAY_LOG_FLUSH_INTERVAL_MS,
  MOCK_CHUNKS,
  MOCK_UPSTREAM_ENTRY,
  startGateway,
  startMockAndBareProxy,
} from './lib/start-targets.ts';
import {
  CONNECTION_COUNTS,
  keyHeaders,
  scenarioTableProblems,
  SCENARIOS,
  UPSTREAM_API_KEY,
} from './scenarios.ts';
import type { Scenario } from './scenarios.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_FILE = join(REPO_ROOT, 'bench', 'results', 'latest.json');

const settings = readSettings();

// After every run (warm-up or measured) the benchmark waits this long before reading CPU times and
// starting the next run: long enough for the gateway to write the run's last batch of request logs,
// so that work is counted in the run that caused it and does not compete with the next run.
const SETTLE_SECONDS = (GATEWAY_LOG_FLUSH_INTERVAL_MS + 250) / 1000;

// autocannon's latency histogram stores whole milliseconds (a 0.06 ms response counts as 0 ms), too
// coarse for the ≤ 0.3 ms goal. At 1 connection the tables therefore use percentiles of the
// per-request process.hrtime durations autocannon reports in its `response` events; elsewhere they
// use autocannon's latency.p50/p99. Both are in results/latest.json for every run.
function latencySourceFor(connections: number): LatencySource {
  return connections === 1 ? 'hrtime' : 'autocannon';
}
const LATENCY_NOTE =
  'p50/p99 at 1 connection: nearest-rank percentiles of per-request process.hrtime durations from ' +
  "autocannon's `response` events (autocannon's histogram truncates to whole ms); at more connections: " +
  "autocannon's latency.p50/p99 (whole ms).";

const CPU_NOTE =
  "CPU µs/req: the target process's user + system CPU time (utime + stime from /proc/<pid>/stat, " +
  `pid checked to be the node process itself) from just before a measured run to ${SETTLE_SECONDS} s after ` +
  "it ends (so Switchboard's batched request-log writes are included), divided by the responses of that run.";

function numberFromEnv(
  name: string,
  fallback: number,
  what: string,
  valid: (value: number) => boolean,
): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!valid(value)) throw new Error(`${name} must be ${what}, got "${raw}"`);
  return value;
}

interface Settings {
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
}

function readSettings(): Settings {
  const positive = (value: number): boolean => Number.isFinite(value) && value > 0;
  try {
    return {
      durationSeconds: numberFromEnv('BENCH_DURATION', 5, 'a positive number of seconds', positive),
      warmupSeconds: numberFromEnv('BENCH_WARMUP', 2, 'a positive number of seconds', positive),
      rounds: numberFromEnv('BENCH_ROUNDS', 3, 'a positive integer', (v) => Number.isInteger(v) && v > 0),
    };
  } catch (error) {
    log(errorMessage(error));
    process.exit(2);
  }
}

interface Targets {
  mock: Child;
  mockUrl: string;
  processes: Record<Target, Child>;
  urls: Record<Target, string>;
  /** Undefined where /proc is unavailable: CPU figures are then left out. */
  clockTicksPerSecond: number | undefined;
}

function requestFor(scenario: Scenario, key: string): { headers: Record<string, string>; body: string } {
  return {
    headers: { ...scenario.headers, ...keyHeaders(scenario.keyHeader, key) },
    body: JSON.stringify(scenario.body),
  };
}

interface PreflightAnswer {
  /** Why the scenario cannot be measured through this target; undefined when it can. */
  problem: string | undefined;
  headers: Headers | undefined;
}

/** One request through a target, so a broken setup fails with its answer instead of 10 s of errors. */
async function preflight(
  scenario: Scenario,
  target: Target,
  url: string,
  key: string,
): Promise<PreflightAnswer> {
  const { headers, body } = requestFor(scenario, key);
  try {
    const response = await fetch(new URL(scenario.path, url), {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    const missing = scenario.expectBodyIncludes.filter((part) => !text.includes(part));
    if (response.ok && missing.length === 0) return { problem: undefined, headers: response.headers };
    const why = response.ok ? `, body lacks ${missing.map((part) => JSON.stringify(part)).join(', ')}` : '';
    return { problem: `${target}: HTTP ${response.status}${why}: ${text.slice(0, 500)}`, headers: undefined };
  } catch (error) {
    return { problem: `${target}: request failed: ${errorMessage(error)}`, headers: undefined };
  }
}

function assertAlive(children: Child[]): void {
  for (const child of children) {
    if (child.exitStatus() !== undefined) throw new Error(describeExit(child, 'exited during the benchmark'));
  }
}

interface CellContext {
  targets: Targets;
  scenario: Scenario;
  connections: number;
  keyFor: (target: Target) => string;
}

function loadOptions(cell: CellContext, target: Target, durationSeconds: number): LoadOptions {
  const { headers, body } = requestFor(cell.scenario, cell.keyFor(target));
  return {
    url: cell.targets.urls[target],
    path: cell.scenario.path,
    headers,
    body,
    connections: cell.connections,
    durationSeconds,
    expectBodyIncludes: cell.scenario.expectBodyIncludes,
  };
}

/** Returns the 2xx answers, which Switchboard charged like any other. */
async function warmUp(cell: CellContext, target: Target): Promise<number> {
  const measurement = await runLoad(loadOptions(cell, target, settings.warmupSeconds));
  await sleep(SETTLE_SECONDS * 1000);
  return measurement.responses2xx;
}

function ticksOf(child: Child, ticksPerSecond: number | undefined): CpuTicks | undefined {
  const pid = child.process.pid;
  return ticksPerSecond === undefined || pid === undefined ? undefined : readCpuTicks(pid);
}

function cpuUsage(
  before: CpuTicks | undefined,
  after: CpuTicks | undefined,
  ticksPerSecond: number | undefined,
  requests: number,
): CpuUsage | null {
  if (before === undefined || after === undefined || ticksPerSecond === undefined) return null;
  const userTicks = after.user - before.user;
  const systemTicks = after.system - before.system;
  return {
    userTicks,
    systemTicks,
    clockTicksPerSecond: ticksPerSecond,
    requests,
    usPerRequest: requests > 0 ? ((userTicks + systemTicks) / ticksPerSecond / requests) * 1e6 : Number.NaN,
  };
}

async function measure(
  cell: CellContext,
  target: Target,
  round: number,
  orderInRound: number,
): Promise<RunRecord> {
  const { targets } = cell;
  const ticksPerSecond = targets.clockTicksPerSecond;
  const targetBefore = ticksOf(targets.processes[target], ticksPerSecond);
  const mockBefore = ticksOf(targets.mock, ticksPerSecond);
  const measurement: Measurement = await runLoad(loadOptions(cell, target, settings.durationSeconds));
  await sleep(SETTLE_SECONDS * 1000);
  const targetAfter = ticksOf(targets.processes[target], ticksPerSecond);
  const mockAfter = ticksOf(targets.mock, ticksPerSecond);
  const requests = measurement.responses2xx + measurement.non2xx;
  const latencySource = latencySourceFor(cell.connections);
  const latency = latencySource === 'hrtime' ? measurement.hrtimeLatency : measurement.autocannonLatency;
  return {
    scenario: cell.scenario.name,
    connections: cell.connections,
    target,
    round,
    orderInRound,
    requestsPerSecond: measurement.requestsPerSecond,
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    latencySource,
    cpu: cpuUsage(targetBefore, targetAfter, ticksPerSecond, requests),
    mockCpu: cpuUsage(mockBefore, mockAfter, ticksPerSecond, requests),
    problems: problemsOf(measurement),
    measurement,
  };
}

/** Reads the clock-tick rate and checks every pid whose CPU time will be read; undefined without /proc. */
function prepareCpuAccounting(
  children: Child[],
): { ticksPerSecond: number; checks: ProcessCheck[] } | undefined {
  if (!procAvailable()) {
    log('no /proc here: CPU time per request is left out');
    return undefined;
  }
  const ticksPerSecond = clockTicksPerSecond();
  const checks = children.map(checkNodeProcess);
  for (const check of checks) {
    log(
      `${check.name}: pid ${check.pid} is ${check.executable}` +
        (check.childProcesses.length === 0
          ? ''
          : `; its child processes (CPU not counted): ${check.childProcesses.join(', ')}`),
    );
  }
  return { ticksPerSecond, checks };
}

function environmentLine(): string {
  const cpus = os.cpus();
  return `node ${process.version}, ${os.platform()}/${os.arch()}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}`;
}

/**
 * One round's order: every connection count in turn, lowest first, and within one every scenario in
 * table order; so the 1-connection runs the latency goals compare are next to each other.
 */
function cellOrder(scenarios: Scenario[]): { scenario: Scenario; connections: number }[] {
  return [...CONNECTION_COUNTS]
    .sort((a, b) => a - b)
    .flatMap((connections) => scenarios.map((scenario) => ({ scenario, connections })));
}

/** The runs sorted as the scenario table is (then by connection count), for the summary tables. */
function inTableOrder(runs: RunRecord[]): RunRecord[] {
  const index = (run: RunRecord): number => SCENARIOS.findIndex((scenario) => scenario.name === run.scenario);
  return [...runs].sort((a, b) => index(a) - index(b) || a.connections - b.connections);
}

interface Upstream {
  mock: Child;
  bareProxy: Child;
  mockUrl: string;
  bareUrl: string;
}

/** One gateway configuration's results: what latest.json holds per configuration. */
interface ConfigResult {
  name: GatewayConfigName;
  description: string;
  /** The processes whose CPU time was read (null without /proc). */
  processes: ProcessCheck[] | null;
  /** No run had errors, every scenario ran, and billing, limits and routing checked out. */
  ok: boolean;
  goalsMet: boolean;
  /** Per target and cell: medians over rounds. */
  summaries: TargetSummary[];
  /** Per cell: medians of per-round paired figures, and those figures. */
  comparisons: Comparison[];
  /** Switchboard on a scenario against Switchboard on its latency baseline scenario. */
  baselineComparisons: BaselineComparison[];
  goalChecks: GoalCheck[];
  /** Credits, limits and routing as checked through the management API. */
  billing: BillingReport | null;
  skipped: { scenario: string; reasons: string[] }[];
  /** Runs that had errors (their numbers are not reliable). */
  flaggedRuns: number;
  /** Every measured run, in the order run: the per-round raw figures. */
  runs: RunRecord[];
}

/** Cleanups still to run (a fresh database to drop) if the benchmark is stopped half-way. */
const pendingCleanups = new Set<() => Promise<void>>();

async function runCleanup(cleanup: () => Promise<void>): Promise<void> {
  if (!pendingCleanups.delete(cleanup)) return;
  try {
    await cleanup();
  } catch (error) {
    log(`cleanup failed: ${errorMessage(error)}`);
  }
}

async function benchmarkConfig(
  config: GatewayConfig,
  upstream: Upstream,
  dataDir: string,
): Promise<ConfigResult> {
  log(`=== ${config.name} ===`);
  const configDir = join(dataDir, config.name.replace(/\W+/g, '-'));
  await mkdir(configDir, { recursive: true });
  const prepared = await config.prepare(configDir);
  pendingCleanups.add(prepared.cleanup);
  let gateway: Child | undefined;
  try {
    const started = await startGateway(REPO_ROOT, configDir, prepared.env);
    gateway = started.gateway;
    return await measureConfig(config, prepared.description, upstream, started.gateway, started.gatewayUrl);
  } finally {
    if (gateway !== undefined) await stopChild(gateway);
    await runCleanup(prepared.cleanup);
  }
}

async function measureConfig(
  config: GatewayConfig,
  description: string,
  upstream: Upstream,
  gateway: Child,
  gatewayUrl: string,
): Promise<ConfigResult> {
  const children = [upstream.mock, upstream.bareProxy, gateway];
  const cpuAccounting = prepareCpuAccounting(children);
  const targets: Targets = {
    mock: upstream.mock,
    mockUrl: upstream.mockUrl,
    processes: { 'bare-proxy': upstream.bareProxy, switchboard: gateway },
    urls: { 'bare-proxy': upstream.bareUrl, switchboard: gatewayUrl },
    clockTicksPerSecond: cpuAccounting?.ticksPerSecond,
  };
  const setup = await configureGateway(gatewayUrl, targets.mockUrl, SCENARIOS);
  const keyFor = (target: Target): string => (target === 'switchboard' ? setup.key : UPSTREAM_API_KEY);

  const skipped: { scenario: string; reasons: string[] }[] = [];
  const runnable: Scenario[] = [];
  const billingProblems: string[] = [];
  const answers = new Map<string, Omit<PreflightBilling, 'loggedCredits' | 'channelId'>>();
  let switchboardResponses = 0;
  for (const scenario of SCENARIOS) {
    const reasons: string[] = [];
    for (const target of TARGETS) {
      const answer = await preflight(scenario, target, targets.urls[target], keyFor(target));
      if (answer.problem !== undefined) reasons.push(answer.problem);
      if (target !== 'switchboard' || answer.headers === undefined) continue;
      switchboardResponses += 1;
      const read = readBillingHeaders(answer.headers);
      billingProblems.push(...read.problems.map((problem) => `${scenario.name}: ${problem}`));
      answers.set(scenario.name, {
        scenario: scenario.name,
        requestId: read.requestId,
        creditsHeader: read.credits,
        requestsLimitHeader: read.requestsLimit,
        tokensLimitHeader: read.tokensLimit,
      });
    }
    if (reasons.length > 0) {
      skipped.push({ scenario: scenario.name, reasons });
      log(`SKIPPING ${scenario.name}: preflight failed:\n  ${reasons.join('\n  ')}`);
    } else {
      runnable.push(scenario);
    }
  }
  // The preflights' log rows are written within the flush interval.
  await sleep(SETTLE_SECONDS * 1000);
  const preflightRows = await checkPreflightRows(setup, SCENARIOS, answers);
  billingProblems.push(...preflightRows.problems);
  if (billingProblems.length > 0) {
    throw new Error(
      `${config.name}: Switchboard is not running with credits and limits on as configured, so its ` +
        `figures would not mean what they claim:\n  ${billingProblems.join('\n  ')}`,
    );
  }
  for (const row of preflightRows.preflight) {
    log(
      `${row.scenario}: held ${row.creditsHeader}, charged ${row.loggedCredits} micro-credits, ` +
        `limits ${row.requestsLimitHeader} rpm / ${row.tokensLimitHeader} tpm, channel ${row.channelId}`,
    );
  }

  const cells = cellOrder(runnable);
  const { rounds, durationSeconds, warmupSeconds } = settings;
  const totalRuns = cells.length * rounds * TARGETS.length;
  const estimate = Math.ceil(
    cells.length *
      TARGETS.length *
      (warmupSeconds + SETTLE_SECONDS + rounds * (durationSeconds + SETTLE_SECONDS)),
  );
  log(
    `${config.name}: ${cells.length} cells × ${rounds} rounds × ${TARGETS.length} targets = ${totalRuns} runs of ` +
      `${durationSeconds} s (+ ${SETTLE_SECONDS} s settle), plus a ${warmupSeconds} s warm-up per target per cell ` +
      `(~${estimate} s)`,
  );
  const runs: RunRecord[] = [];
  const warmed = new Set<string>();
  for (let round = 1; round <= rounds; round += 1) {
    for (const [cellIndex, { scenario, connections }] of cells.entries()) {
      const cell: CellContext = { targets, scenario, connections, keyFor };
      // Alternate which target goes first, round to round and cell to cell, so drift within a round
      // (thermal, JIT, page cache, a noisy neighbour) does not favour one.
      const order = (cellIndex + round) % 2 === 1 ? [...TARGETS] : [...TARGETS].reverse();
      const roundRuns: RunRecord[] = [];
      for (const [orderInRound, target] of order.entries()) {
        assertAlive(children);
        const warmKey = `${scenario.name} ${connections} ${target}`;
        if (!warmed.has(warmKey)) {
          const answered = await warmUp(cell, target);
          if (target === 'switchboard') switchboardResponses += answered;
          warmed.add(warmKey);
          assertAlive(children);
        }
        const run = await measure(cell, target, round, orderInRound);
        if (target === 'switchboard') switchboardResponses += run.measurement.responses2xx;
        assertAlive(children);
        roundRuns.push(run);
        runs.push(run);
        log(
          `[${config.name} ${runs.length}/${totalRuns}] ${scenario.name} ×${connections} round ${round}/${rounds} ` +
            `${target}: ${run.requestsPerSecond.toFixed(0)} req/s, ` +
            `p50 ${formatLatency(run.p50Ms, run.latencySource)} ms, ` +
            `p99 ${formatLatency(run.p99Ms, run.latencySource)} ms (${run.latencySource}), ` +
            `CPU ${formatMicros(run.cpu?.usPerRequest ?? Number.NaN)} µs/req` +
            (run.problems.length > 0 ? ` FLAGGED: ${run.problems.join('; ')}` : ''),
        );
      }
      const [roundComparison] = compare(roundRuns);
      if (roundComparison !== undefined) {
        log(
          `    round ${round}: switchboard ${ratioText(roundComparison.throughputRatio)} bare req/s, ` +
            `${ratioText(roundComparison.cpuRatio)} bare CPU/req`,
        );
      }
    }
  }

  // measure() waited SETTLE_SECONDS after the last run, so its settlements and log rows are written.
  const afterRuns = await checkAfterRuns(setup, runnable, preflightRows.preflight, switchboardResponses);
  const billing: BillingReport = { preflight: preflightRows.preflight, ...afterRuns };
  log(
    `${config.name} billing: ${billing.switchboardResponses} Switchboard answers; balance fell by ${billing.spent} ` +
      `micro-credits (at least ${billing.minimumExpected} expected); routing: ` +
      billing.routing
        .map(
          (route) =>
            `${route.model} ${route.failedOver}/${route.rowsChecked} rows failed over ` +
            `(statuses ${JSON.stringify(route.statuses)})`,
        )
        .join(', '),
  );
  for (const problem of billing.problems) log(`${config.name} BILLING/ROUTING MISMATCH: ${problem}`);

  const ordered = inTableOrder(runs);
  const summaries = summarize(ordered);
  const comparisons = compare(ordered);
  const goalChecks = checkGoals(SCENARIOS, summaries, comparisons, ordered);
  const flaggedRuns = runs.filter((run) => run.problems.length > 0).length;
  return {
    name: config.name,
    description,
    processes: cpuAccounting?.checks ?? null,
    ok: flaggedRuns === 0 && skipped.length === 0 && billing.problems.length === 0,
    goalsMet: goalChecks.every((check) => check.pass),
    summaries,
    comparisons,
    baselineComparisons: compareWithBaselines(SCENARIOS, ordered),
    goalChecks,
    billing,
    skipped,
    flaggedRuns,
    runs,
  };
}

function configReport(result: ConfigResult): string[] {
  const out: string[] = [
    '',
    `== ${result.name}: ${result.description} ==`,
    '',
    textTable(result.summaries, result.comparisons),
    '',
    'Switchboard against its own baseline scenario (medians; + columns: medians of per-round differences):',
    '',
    baselineTextTable(result.baselineComparisons),
    '',
    'Goals:',
    goalLines(result.goalChecks),
  ];
  if (result.billing !== null) {
    const { billing } = result;
    out.push(
      '',
      `Credits and limits: ${billing.problems.length === 0 ? 'every answer held and charged' : 'MISMATCH'} ` +
        `(${billing.switchboardResponses} answers; balance fell by ${billing.spent} micro-credits, at least ` +
        `${billing.minimumExpected} expected); key limits ${BENCH_KEY_LIMITS.rpm} rpm / ${BENCH_KEY_LIMITS.tpm} tpm ` +
        `in every answer's headers; rows that tried a channel besides the primary: ` +
        billing.routing
          .map((route) => `${route.model} ${route.failedOver}/${route.rowsChecked} rows`)
          .join(', '),
    );
    for (const problem of billing.problems) out.push(`MISMATCH  ${problem}`);
  }
  for (const { scenario, reasons } of result.skipped)
    out.push(`NOT RUN  ${scenario}: ${reasons.join(' | ')}`);
  if (result.flaggedRuns > 0) {
    out.push('', `FLAGGED: ${result.flaggedRuns} run(s) had errors; their numbers are not reliable.`);
  }
  return out;
}

async function benchmark(dataDir: string): Promise<number> {
  const tableProblems = scenarioTableProblems(SCENARIOS, CONNECTION_COUNTS);
  if (tableProblems.length > 0) {
    throw new Error(`bench/scenarios.ts is inconsistent:\n  ${tableProblems.join('\n  ')}`);
  }
  for (const entry of [MOCK_UPSTREAM_ENTRY, GATEWAY_ENTRY, BARE_PROXY_ENTRY]) {
    if (!existsSync(join(REPO_ROOT, entry))) {
      throw new Error(`${entry} does not exist (the benchmark starts it)`);
    }
  }
  const configs = selectGatewayConfigs();
  log(`gateway configurations: ${configs.map((config) => config.name).join(', ')}`);
  const upstream = await startMockAndBareProxy(REPO_ROOT);
  const results: ConfigResult[] = [];
  for (const config of configs) results.push(await benchmarkConfig(config, upstream, dataDir));

  const ok = results.every((result) => result.ok);
  const goalsMet = results.every((result) => result.goalsMet);
  const environment = environmentLine();
  const { rounds, durationSeconds, warmupSeconds } = settings;
  const method =
    `Each gateway configuration in turn (${results.map((result) => result.name).join(', ')}), with credits and ` +
    `limits on: every model priced (${BENCH_PRICE.per_request} micro-credits per request, ` +
    `${BENCH_PRICE.input}/${BENCH_PRICE.cached_input}/${BENCH_PRICE.output} per million input/cached/output ` +
    `tokens), the key's owner topped up, the key limited to ${BENCH_KEY_LIMITS.rpm} rpm and ` +
    `${BENCH_KEY_LIMITS.tpm} tpm, so every request passes two rate-limit buckets and places and settles a credit ` +
    `hold. Per configuration, ${rounds} rounds, each a sweep over every cell (1-connection cells first) running ` +
    `both targets back to back for ${durationSeconds} s (alternating which goes first), after one ` +
    `${warmupSeconds} s warm-up per target per cell in the first round. req/s, p50, p99 and CPU µs/req are ` +
    'medians over rounds; the × and +p50 columns are medians of the per-round Switchboard/bare ratios and ' +
    "differences. Scenarios whose latency goal is against Switchboard's own baseline scenario are compared by " +
    "the median of per-round differences between the two scenarios' Switchboard figures, measured in the same sweep.";
  const out: string[] = [
    '',
    `Switchboard vs bare proxy — ${environment}; ${method}`,
    ...results.flatMap(configReport),
    '',
    LATENCY_NOTE,
    CPU_NOTE,
    '',
    'Markdown (for the README):',
    '',
    `_${environment}; mock upstream streaming ${MOCK_CHUNKS} chunks. ${method} ${LATENCY_NOTE} ${CPU_NOTE}_`,
    '',
  ];
  if (results.length > 1) {
    out.push('Switchboard under each configuration:', '', configsMarkdownTable(results), '');
  }
  for (const result of results) {
    out.push(
      `**${result.name}** — ${result.description}:`,
      '',
      markdownTable(result.summaries, result.comparisons),
      '',
      baselineMarkdownTable(result.baselineComparisons),
      '',
      goalsMarkdownTable(result.goalChecks),
      '',
    );
  }
  process.stdout.write(out.join('\n'));

  await mkdir(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  const output = {
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: `${os.platform()}/${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? null,
    },
    settings: {
      ...settings,
      settleSeconds: SETTLE_SECONDS,
      connectionCounts: CONNECTION_COUNTS,
      mockChunks: MOCK_CHUNKS,
      clockTicksPerSecond: procAvailable() ? clockTicksPerSecond() : null,
      price: BENCH_PRICE,
      keyLimits: BENCH_KEY_LIMITS,
    },
    method,
    latencyMethod: LATENCY_NOTE,
    cpuMethod: CPU_NOTE,
    /** Per scenario; a latency baseline of `switchboard` is Switchboard's p50 on that other scenario. */
    goals: SCENARIOS.map((scenario) => ({ scenario: scenario.name, ...scenario.goals })),
    scenarios: SCENARIOS,
    /** Every configuration ok: no run had errors, every scenario ran, billing and routing checked out. */
    ok,
    goalsMet,
    /** One entry per gateway configuration, in the order measured. */
    configurations: results,
  };
  // Formatted as Prettier would, so the committed file passes `npm run lint`.
  const prettierOptions = (await prettier.resolveConfig(RESULTS_FILE)) ?? {};
  const json = await prettier.format(JSON.stringify(output), { ...prettierOptions, parser: 'json' });
  await writeFile(RESULTS_FILE, json);
  log(`results written to ${RESULTS_FILE}`);
  return ok ? 0 : 1;
}

let dataDir: string | undefined;
let stopping: Promise<never> | undefined;

/** Stops every child, removes the temporary directory, exits. Later calls wait for the first one. */
function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    await stopAllChildren();
    for (const cleanup of [...pendingCleanups]) await runCleanup(cleanup);
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    process.exit(code);
  })();
  return stopping;
}

// tsx's CLI forwards the signal it gets to this process, which also gets Ctrl-C from the terminal
// directly: repeats are expected and ignored (stopping is bounded by the children's grace period).
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    if (stopping !== undefined) return;
    log(`${signal}: stopping`);
    void shutdown(code);
  });
}

try {
  dataDir = await mkdtemp(join(os.tmpdir(), 'switchboard-bench-'));
  const code = await benchmark(dataDir);
  await shutdown(code);
} catch (error) {
  // Once stopping, errors are the children going away under a running load, not news.
  if (stopping === undefined) log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
