// Turns measured rounds into per-target medians, paired comparisons, goal checks, a console table
// and a Markdown table.
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
  goal: string;
  value: number;
  pass: boolean;
  note: string;
}

export interface Goals {
  throughputConnections: number;
  minThroughputRatio: number;
  latencyConnections: number;
  maxAddedP50Ms: number;
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

export function checkGoals(summaries: TargetSummary[], comparisons: Comparison[], goals: Goals): GoalCheck[] {
  const checks: GoalCheck[] = [];
  for (const comparison of comparisons) {
    const { scenario, connections } = comparison;
    const hadProblems = summaries.some(
      (summary) =>
        summary.scenario === scenario && summary.connections === connections && summary.problems.length > 0,
    );
    const suffix = hadProblems ? '; runs had errors, so this cannot pass' : '';
    if (connections === goals.throughputConnections) {
      const value = comparison.throughputRatio;
      checks.push({
        scenario,
        connections,
        goal: `switchboard req/s ≥ ${goals.minThroughputRatio}× bare proxy (median of per-round ratios)`,
        value,
        pass: !hadProblems && value >= goals.minThroughputRatio,
        note: `${ratioText(value)} (rounds: ${comparison.roundThroughputRatios.map(ratioText).join(', ')})${suffix}`,
      });
    }
    if (connections === goals.latencyConnections) {
      const value = comparison.addedP50Ms;
      checks.push({
        scenario,
        connections,
        goal: `switchboard p50 ≤ bare proxy + ${goals.maxAddedP50Ms} ms (median of per-round differences)`,
        value,
        pass: !hadProblems && value <= goals.maxAddedP50Ms,
        note:
          `${signed(value, 3)} ms (rounds: ${comparison.roundAddedP50Ms.map((v) => signed(v, 3)).join(', ')})` +
          suffix,
      });
    }
  }
  return checks;
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

export function goalLines(checks: GoalCheck[]): string {
  return checks
    .map(
      (check) =>
        `${check.pass ? 'PASS' : 'MISS'}  ${check.scenario} @ ${check.connections} conn: ${check.goal} — ${check.note}`,
    )
    .join('\n');
}
