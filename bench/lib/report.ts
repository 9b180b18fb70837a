// Turns measured rounds into per-target medians, paired comparisons, goal checks, a console table
// and a Markdown table.
import type { Scenario } from '../scenarios.ts';
import type { Measurement } from './load.ts';

export const TARGETS = ['bare-proxy', 'switchboard'] as const;
export type Target = (typeof TARGETS)[number];
export type LatencySource = 'hrtime' | 'autocannon';

export interface CpuUsage {
  /** utime and stime (clock ticks) the target process used between just before the run and `settleSeconds` after it. */
  userTicks: number;
  systemTicks: number;
  clockTicksPerSecond: number;
  /** Responses (2xx and others) completed in the run. */
  requests: number;
  /** (userTicks + systemTicks) / clockTicksPerSecond / requests, in microseconds. */
  usPerRequest: number;
}

/** One measured run: one target, one round of one cell (scenario × connection count). */
export interface RunRecord {
  scenario: string;
  connections: number;
  target: Target;
  /** 1-based. */
  round: number;
  /** 0 when this target went first in its round, 1 when second. */
  orderInRound: number;
  /** The figures shown in the tables; which measurement they come from is `latencySource`. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  latencySource: LatencySource;
  /** The target process's CPU time per request; null where /proc is unavailable. */
  cpu: CpuUsage | null;
  /** The mock upstream's, for reference (it serves both targets, so it should hardly differ). */
  mockCpu: CpuUsage | null;
  /** Non-empty when the run had non-2xx responses, connection errors/timeouts or body mismatches. */
  problems: string[];
  measurement: Measurement;
}

/** One target in one cell, over its rounds. */
export interface TargetSummary {
  scenario: string;
  connections: number;
  target: Target;
  rounds: number;
  /** Medians over rounds. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  latencySource: LatencySource;
  /** Every round's problems, prefixed with the round. */
  problems: string[];
}

/** Switchboard against the bare proxy in one cell: medians of the per-round paired figures. */
export interface Comparison {
  scenario: string;
  connections: number;
  /** Median over rounds of (switchboard req/s ÷ bare-proxy req/s in the same round). */
  throughputRatio: number;
  roundThroughputRatios: number[];
  /** Median over rounds of (switchboard p50 − bare-proxy p50 in the same round), ms. */
  addedP50Ms: number;
  roundAddedP50Ms: number[];
  /** Median over rounds of (switchboard CPU µs/request ÷ bare-proxy CPU µs/request in the same round). */
  cpuRatio: number;
  roundCpuRatios: number[];
}

export interface GoalCheck {
  scenario: string;
  connections: number;
  kind: 'throughput' | 'latency';
  /** What Switchboard on this scenario is compared with: `bare-proxy` or `switchboard <scenario>`. */
  baseline: string;
  goal: string;
  /** The goal's bound: the minimum ratio (throughput) or the maximum added p50 in ms (latency). */
  threshold: number;
  /** Median over rounds of the per-round figures; NaN when nothing could be paired. */
  value: number;
  roundValues: number[];
  pass: boolean;
  note: string;
}

export function problemsOf(measurement: Measurement): string[] {
  const problems: string[] = [];
  if (measurement.responses2xx === 0) problems.push('no 2xx response');
  if (measurement.non2xx > 0) {
    const codes = Object.entries(measurement.statusCodes)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, count]) => `${code}×${count}`)
      .join(', ');
    problems.push(`${measurement.non2xx} non-2xx (${codes})`);
  }
  if (measurement.errors > 0) {
    problems.push(`${measurement.errors} errors (${measurement.timeouts} timeouts)`);
  }
  if (measurement.mismatches > 0)
    problems.push(`${measurement.mismatches} bodies without the expected content`);
  return problems;
}

/** Median of the finite values (mean of the middle two for an even count); NaN if there are none. */
export function median(values: number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

interface Cell {
  scenario: string;
  connections: number;
}

function cellsOf(runs: RunRecord[]): Cell[] {
  const cells: Cell[] = [];
  for (const { scenario, connections } of runs) {
    if (!cells.some((cell) => cell.scenario === scenario && cell.connections === connections)) {
      cells.push({ scenario, connections });
    }
  }
  return cells;
}

function runsOf(runs: RunRecord[], cell: Cell, target: Target): RunRecord[] {
  return runs.filter(
    (run) => run.scenario === cell.scenario && run.connections === cell.connections && run.target === target,
  );
}

export function summarize(runs: RunRecord[]): TargetSummary[] {
  return cellsOf(runs).flatMap((cell) =>
    TARGETS.flatMap((target): TargetSummary[] => {
      const own = runsOf(runs, cell, target);
      const first = own[0];
      if (first === undefined) return [];
      return [
        {
          ...cell,
          target,
          rounds: own.length,
          requestsPerSecond: median(own.map((run) => run.requestsPerSecond)),
          p50Ms: median(own.map((run) => run.p50Ms)),
          p99Ms: median(own.map((run) => run.p99Ms)),
          cpuUsPerRequest: median(own.map((run) => run.cpu?.usPerRequest ?? Number.NaN)),
          latencySource: first.latencySource,
          problems: own.flatMap((run) => run.problems.map((problem) => `round ${run.round}: ${problem}`)),
        },
      ];
    }),
  );
}

export function compare(runs: RunRecord[]): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const cell of cellsOf(runs)) {
    const pairs = runsOf(runs, cell, 'switchboard').flatMap((gateway) => {
      const bare = runsOf(runs, cell, 'bare-proxy').find((run) => run.round === gateway.round);
      return bare === undefined ? [] : [{ gateway, bare }];
    });
    if (pairs.length === 0) continue;
    const ratio = (numerator: number, denominator: number): number =>
      denominator > 0 ? numerator / denominator : Number.NaN;
    const roundThroughputRatios = pairs.map(({ gateway, bare }) =>
      ratio(gateway.requestsPerSecond, bare.requestsPerSecond),
    );
    const roundAddedP50Ms = pairs.map(({ gateway, bare }) => gateway.p50Ms - bare.p50Ms);
    const roundCpuRatios = pairs.map(({ gateway, bare }) =>
      ratio(gateway.cpu?.usPerRequest ?? Number.NaN, bare.cpu?.usPerRequest ?? Number.NaN),
    );
    comparisons.push({
      ...cell,
      throughputRatio: median(roundThroughputRatios),
      roundThroughputRatios,
      addedP50Ms: median(roundAddedP50Ms),
      roundAddedP50Ms,
      cpuRatio: median(roundCpuRatios),
      roundCpuRatios,
    });
  }
  return comparisons;
}

function hadProblems(summaries: TargetSummary[], cell: Cell, targets: readonly Target[]): boolean {
  return summaries.some(
    (summary) =>
      summary.scenario === cell.scenario &&
      summary.connections === cell.connections &&
      targets.includes(summary.target) &&
      summary.problems.length > 0,
  );
}

function throughputCheck(
  scenario: Scenario,
  summaries: TargetSummary[],
  comparisons: Comparison[],
): GoalCheck {
  const { connections, minRatio } = scenario.goals.throughput;
  const cell = { scenario: scenario.name, connections };
  const comparison = comparisons.find((c) => c.scenario === cell.scenario && c.connections === connections);
  const value = comparison?.throughputRatio ?? Number.NaN;
  const roundValues = comparison?.roundThroughputRatios ?? [];
  const problems = hadProblems(summaries, cell, TARGETS);
  return {
    ...cell,
    kind: 'throughput',
    baseline: 'bare-proxy',
    goal: `switchboard req/s ≥ ${minRatio}× bare proxy (median of per-round ratios)`,
    threshold: minRatio,
    value,
    roundValues,
    pass: !problems && value >= minRatio,
    note:
      comparison === undefined
        ? 'not measured'
        : `${ratioText(value)} (rounds: ${roundValues.map(ratioText).join(', ')})` +
          (problems ? '; runs had errors, so this cannot pass' : ''),
  };
}

function latencyCheck(
  scenario: Scenario,
  summaries: TargetSummary[],
  comparisons: Comparison[],
  runs: RunRecord[],
): GoalCheck {
  const { connections, maxAddedP50Ms, baseline } = scenario.goals.latency;
  const cell = { scenario: scenario.name, connections };
  let roundValues: number[];
  let measured: boolean;
  let problems: boolean;
  let baselineName: string;
  let goal: string;
  let medians = '';
  if (baseline.target === 'bare-proxy') {
    const comparison = comparisons.find((c) => c.scenario === cell.scenario && c.connections === connections);
    measured = comparison !== undefined;
    roundValues = comparison?.roundAddedP50Ms ?? [];
    problems = hadProblems(summaries, cell, TARGETS);
    baselineName = 'bare-proxy';
    goal = `switchboard p50 ≤ bare proxy + ${maxAddedP50Ms} ms (median of per-round differences)`;
  } else {
    // Switchboard on this scenario against Switchboard on the baseline scenario, same round.
    const baseCell = { scenario: baseline.scenario, connections };
    const baseRuns = runsOf(runs, baseCell, 'switchboard');
    const pairs = runsOf(runs, cell, 'switchboard').flatMap((own) => {
      const base = baseRuns.find((run) => run.round === own.round);
      return base === undefined ? [] : [{ own, base }];
    });
    measured = pairs.length > 0;
    roundValues = pairs.map(({ own, base }) => own.p50Ms - base.p50Ms);
    problems =
      hadProblems(summaries, cell, ['switchboard']) || hadProblems(summaries, baseCell, ['switchboard']);
    baselineName = `switchboard ${baseline.scenario}`;
    goal =
      `switchboard p50 ≤ switchboard ${baseline.scenario} p50 + ${maxAddedP50Ms} ms ` +
      '(median of per-round differences, each round running both within one sweep)';
    if (measured) {
      const own = median(pairs.map((pair) => pair.own.p50Ms));
      const base = median(pairs.map((pair) => pair.base.p50Ms));
      medians = `; medians ${own.toFixed(3)} vs ${base.toFixed(3)} ms`;
    }
  }
  const value = median(roundValues);
  return {
    ...cell,
    kind: 'latency',
    baseline: baselineName,
    goal,
    threshold: maxAddedP50Ms,
    value,
    roundValues,
    pass: measured && !problems && value <= maxAddedP50Ms,
    note: measured
      ? `${signed(value, 3)} ms (rounds: ${roundValues.map((v) => signed(v, 3)).join(', ')})${medians}` +
        (problems ? '; runs had errors, so this cannot pass' : '')
      : `not measured (${baselineName === 'bare-proxy' ? 'scenario' : 'scenario or baseline'} not run)`,
  };
}

/** Every goal of every scenario given, in table order; a goal whose runs are missing is a miss. */
export function checkGoals(
  scenarios: Scenario[],
  summaries: TargetSummary[],
  comparisons: Comparison[],
  runs: RunRecord[],
): GoalCheck[] {
  return scenarios.flatMap((scenario) => [
    latencyCheck(scenario, summaries, comparisons, runs),
    throughputCheck(scenario, summaries, comparisons),
  ]);
}

function signed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'n/a';
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

export function ratioText(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

export function formatLatency(value: number, source: LatencySource): string {
  if (Number.isNaN(value)) return 'n/a';
  return source === 'hrtime' ? value.toFixed(3) : value.toFixed(0);
}

export function formatMicros(value: number): string {
  return Number.isFinite(value) ? value.toFixed(0) : 'n/a';
}

interface Column {
  title: string;
  right: boolean;
  /** Left out of the Markdown table (kept to the console table and the JSON). */
  consoleOnly?: boolean;
  cell(summary: TargetSummary, comparison: Comparison | undefined): string;
}

const COLUMNS: Column[] = [
  { title: 'Scenario', right: false, cell: (s) => s.scenario },
  { title: 'Conns', right: true, cell: (s) => String(s.connections) },
  { title: 'Target', right: false, cell: (s) => s.target },
  { title: 'req/s', right: true, cell: (s) => s.requestsPerSecond.toFixed(0) },
  { title: 'p50 ms', right: true, cell: (s) => formatLatency(s.p50Ms, s.latencySource) },
  { title: 'p99 ms', right: true, cell: (s) => formatLatency(s.p99Ms, s.latencySource) },
  { title: 'CPU µs/req', right: true, cell: (s) => formatMicros(s.cpuUsPerRequest) },
  {
    title: '× bare req/s',
    right: true,
    cell: (_s, c) => (c === undefined ? '' : ratioText(c.throughputRatio)),
  },
  {
    title: 'rounds × req/s',
    right: false,
    consoleOnly: true,
    cell: (_s, c) => (c === undefined ? '' : c.roundThroughputRatios.map(ratioText).join(' ')),
  },
  {
    title: '+p50 ms',
    right: true,
    cell: (s, c) => (c === undefined ? '' : signed(c.addedP50Ms, s.latencySource === 'hrtime' ? 3 : 0)),
  },
  { title: '× bare CPU/req', right: true, cell: (_s, c) => (c === undefined ? '' : ratioText(c.cpuRatio)) },
  {
    title: 'rounds × CPU',
    right: false,
    consoleOnly: true,
    cell: (_s, c) => (c === undefined ? '' : c.roundCpuRatios.map(ratioText).join(' ')),
  },
  {
    title: 'Errors',
    right: false,
    cell: (s) => (s.problems.length === 0 ? '0' : `FLAGGED: ${s.problems.join('; ')}`),
  },
];

function rows(columns: Column[], summaries: TargetSummary[], comparisons: Comparison[]): string[][] {
  return summaries.map((summary) => {
    const comparison =
      summary.target === 'switchboard'
        ? comparisons.find((c) => c.scenario === summary.scenario && c.connections === summary.connections)
        : undefined;
    return columns.map((column) => column.cell(summary, comparison));
  });
}

export function textTable(summaries: TargetSummary[], comparisons: Comparison[]): string {
  const header = COLUMNS.map((column) => column.title);
  const body = rows(COLUMNS, summaries, comparisons);
  const widths = header.map((title, index) =>
    Math.max(title.length, ...body.map((row) => (row[index] ?? '').length)),
  );
  const format = (row: string[]): string =>
    row
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        return COLUMNS[index]?.right === true ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [format(header), rule, ...body.map(format)].join('\n');
}

export function markdownTable(summaries: TargetSummary[], comparisons: Comparison[]): string {
  const columns = COLUMNS.filter((column) => column.consoleOnly !== true);
  const separator = columns.map((column) => (column.right ? '---:' : '---'));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    line(columns.map((column) => column.title)),
    `|${separator.join('|')}|`,
    ...rows(columns, summaries, comparisons).map(line),
  ].join('\n');
}

export function goalsMarkdownTable(checks: GoalCheck[]): string {
  const line = (cells: string[]): string =>
    `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    line(['Scenario', 'Conns', 'Goal', 'Result (median)', 'Per round', 'Status']),
    '|---|---:|---|---:|---|---|',
    ...checks.map((check) =>
      line([
        check.scenario,
        String(check.connections),
        check.kind === 'throughput'
          ? `req/s ≥ ${check.threshold}× bare proxy`
          : `p50 ≤ ${check.baseline === 'bare-proxy' ? 'bare proxy' : check.baseline} + ${check.threshold} ms`,
        check.kind === 'throughput' ? ratioText(check.value) : `${signed(check.value, 3)} ms`,
        check.kind === 'throughput'
          ? check.roundValues.map(ratioText).join(' ')
          : check.roundValues.map((v) => signed(v, 3)).join(' '),
        check.pass ? 'PASS' : 'MISS',
      ]),
    ),
  ].join('\n');
}

export function goalLines(checks: GoalCheck[]): string {
  return checks
    .map(
      (check) =>
        `${check.pass ? 'PASS' : 'MISS'}  ${check.scenario} @ ${check.connections} conn: ${check.goal} — ${check.note}`,
    )
    .join('\n');
}

/**
 * Switchboard on a scenario against Switchboard on its latency baseline scenario (translation
 * against the same-format stream; standby channels against none), at each connection count: medians
 * over rounds, and medians of the per-round differences (both run in the same sweep, seconds apart).
 */
export interface BaselineComparison {
  scenario: string;
  baseline: string;
  connections: number;
  p50Ms: number;
  baselineP50Ms: number;
  addedP50Ms: number;
  cpuUsPerRequest: number;
  baselineCpuUsPerRequest: number;
  addedCpuUsPerRequest: number;
  roundAddedCpuUsPerRequest: number[];
  requestsPerSecondRatio: number;
  latencySource: LatencySource;
}

export function compareWithBaselines(scenarios: Scenario[], runs: RunRecord[]): BaselineComparison[] {
  const comparisons: BaselineComparison[] = [];
  for (const scenario of scenarios) {
    const { baseline } = scenario.goals.latency;
    if (baseline.target !== 'switchboard') continue;
    for (const cell of cellsOf(runs).filter((candidate) => candidate.scenario === scenario.name)) {
      const baseRuns = runsOf(
        runs,
        { scenario: baseline.scenario, connections: cell.connections },
        'switchboard',
      );
      const pairs = runsOf(runs, cell, 'switchboard').flatMap((own) => {
        const base = baseRuns.find((run) => run.round === own.round);
        return base === undefined ? [] : [{ own, base }];
      });
      const first = pairs[0];
      if (first === undefined) continue;
      const cpu = (run: RunRecord): number => run.cpu?.usPerRequest ?? Number.NaN;
      const roundAddedCpuUsPerRequest = pairs.map(({ own, base }) => cpu(own) - cpu(base));
      comparisons.push({
        scenario: scenario.name,
        baseline: baseline.scenario,
        connections: cell.connections,
        p50Ms: median(pairs.map(({ own }) => own.p50Ms)),
        baselineP50Ms: median(pairs.map(({ base }) => base.p50Ms)),
        addedP50Ms: median(pairs.map(({ own, base }) => own.p50Ms - base.p50Ms)),
        cpuUsPerRequest: median(pairs.map(({ own }) => cpu(own))),
        baselineCpuUsPerRequest: median(pairs.map(({ base }) => cpu(base))),
        addedCpuUsPerRequest: median(roundAddedCpuUsPerRequest),
        roundAddedCpuUsPerRequest,
        requestsPerSecondRatio: median(
          pairs.map(({ own, base }) =>
            base.requestsPerSecond > 0 ? own.requestsPerSecond / base.requestsPerSecond : Number.NaN,
          ),
        ),
        latencySource: first.own.latencySource,
      });
    }
  }
  return comparisons;
}

const BASELINE_HEADER = [
  'Scenario',
  'vs Switchboard on',
  'Conns',
  'p50 ms',
  'baseline p50 ms',
  '+p50 ms',
  'CPU µs/req',
  'baseline CPU µs/req',
  '+CPU µs/req',
  '× baseline req/s',
];

function baselineRows(comparisons: BaselineComparison[]): string[][] {
  return comparisons.map((c) => {
    const digits = c.latencySource === 'hrtime' ? 3 : 0;
    return [
      c.scenario,
      c.baseline,
      String(c.connections),
      formatLatency(c.p50Ms, c.latencySource),
      formatLatency(c.baselineP50Ms, c.latencySource),
      signed(c.addedP50Ms, digits),
      formatMicros(c.cpuUsPerRequest),
      formatMicros(c.baselineCpuUsPerRequest),
      signed(c.addedCpuUsPerRequest, 0),
      ratioText(c.requestsPerSecondRatio),
    ];
  });
}

export function baselineTextTable(comparisons: BaselineComparison[]): string {
  const body = baselineRows(comparisons);
  const widths = BASELINE_HEADER.map((title, index) =>
    Math.max(title.length, ...body.map((row) => (row[index] ?? '').length)),
  );
  const format = (row: string[]): string =>
    row
      .map((cell, index) => (index < 2 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    format(BASELINE_HEADER),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...body.map(format),
  ].join('\n');
}

export function baselineMarkdownTable(comparisons: BaselineComparison[]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(BASELINE_HEADER),
    `|${BASELINE_HEADER.map((_, index) => (index < 2 ? '---' : '---:')).join('|')}|`,
    ...baselineRows(comparisons).map(line),
  ].join('\n');
}

/** One gateway configuration's figures, for the side-by-side table. */
export interface ConfigFigures {
  name: string;
  summaries: TargetSummary[];
  comparisons: Comparison[];
}

/** Switchboard per cell under every configuration, side by side (each against its own bare-proxy runs). */
export function configsMarkdownTable(configs: ConfigFigures[]): string {
  const cells: Cell[] = [];
  for (const config of configs) {
    for (const summary of config.summaries) {
      if (
        !cells.some((cell) => cell.scenario === summary.scenario && cell.connections === summary.connections)
      ) {
        cells.push({ scenario: summary.scenario, connections: summary.connections });
      }
    }
  }
  const header = [
    'Scenario',
    'Conns',
    ...configs.flatMap(({ name }) => [`${name} req/s`, '× bare', 'p50 ms', 'CPU µs/req']),
  ];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const body = cells.map((cell) => [
    cell.scenario,
    String(cell.connections),
    ...configs.flatMap((config) => {
      const summary = config.summaries.find(
        (s) =>
          s.scenario === cell.scenario && s.connections === cell.connections && s.target === 'switchboard',
      );
      const comparison = config.comparisons.find(
        (c) => c.scenario === cell.scenario && c.connections === cell.connections,
      );
      if (summary === undefined) return ['', '', '', ''];
      return [
        summary.requestsPerSecond.toFixed(0),
        comparison === undefined ? '' : ratioText(comparison.throughputRatio),
        formatLatency(summary.p50Ms, summary.latencySource),
        formatMicros(summary.cpuUsPerRequest),
      ];
    }),
  ]);
  return [
    line(header),
    `|${header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}
