// Turns measured runs into comparisons, goal checks, a console table and a Markdown table.
import type { Measurement } from './load.ts';

export const TARGETS = ['bare-proxy', 'switchboard'] as const;
export type Target = (typeof TARGETS)[number];
export type LatencySource = 'hrtime' | 'autocannon';

export interface RunRecord {
  scenario: string;
  connections: number;
  target: Target;
  /** The figures shown in the tables; which measurement they come from is `latencySource`. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  latencySource: LatencySource;
  /** Non-empty when the run had non-2xx responses, connection errors/timeouts or body mismatches. */
  problems: string[];
  measurement: Measurement;
}

export interface Comparison {
  scenario: string;
  connections: number;
  throughputRatio: number;
  addedP50Ms: number;
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

function find(
  runs: RunRecord[],
  scenario: string,
  connections: number,
  target: Target,
): RunRecord | undefined {
  return runs.find(
    (run) => run.scenario === scenario && run.connections === connections && run.target === target,
  );
}

export function compare(runs: RunRecord[]): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const gateway of runs.filter((run) => run.target === 'switchboard')) {
    const bare = find(runs, gateway.scenario, gateway.connections, 'bare-proxy');
    if (bare === undefined) continue;
    comparisons.push({
      scenario: gateway.scenario,
      connections: gateway.connections,
      throughputRatio:
        bare.requestsPerSecond > 0 ? gateway.requestsPerSecond / bare.requestsPerSecond : Number.NaN,
      addedP50Ms: gateway.p50Ms - bare.p50Ms,
    });
  }
  return comparisons;
}

export function checkGoals(runs: RunRecord[], comparisons: Comparison[], goals: Goals): GoalCheck[] {
  const checks: GoalCheck[] = [];
  for (const comparison of comparisons) {
    const { scenario, connections } = comparison;
    const hadProblems = TARGETS.some(
      (target) => (find(runs, scenario, connections, target)?.problems.length ?? 0) > 0,
    );
    const note = hadProblems ? 'runs had errors, so this cannot pass' : '';
    if (connections === goals.throughputConnections) {
      const value = comparison.throughputRatio;
      checks.push({
        scenario,
        connections,
        goal: `switchboard req/s ≥ ${goals.minThroughputRatio}× bare proxy`,
        value,
        pass: !hadProblems && value >= goals.minThroughputRatio,
        note: note === '' ? `${value.toFixed(2)}×` : `${value.toFixed(2)}×; ${note}`,
      });
    }
    if (connections === goals.latencyConnections) {
      const value = comparison.addedP50Ms;
      checks.push({
        scenario,
        connections,
        goal: `switchboard p50 ≤ bare proxy + ${goals.maxAddedP50Ms} ms`,
        value,
        pass: !hadProblems && value <= goals.maxAddedP50Ms,
        note: note === '' ? `${signed(value, 3)} ms` : `${signed(value, 3)} ms; ${note}`,
      });
    }
  }
  return checks;
}

function signed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'n/a';
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

export function formatLatency(value: number, source: LatencySource): string {
  if (Number.isNaN(value)) return 'n/a';
  return source === 'hrtime' ? value.toFixed(3) : value.toFixed(0);
}

const HEADER = [
  'Scenario',
  'Conns',
  'Target',
  'req/s',
  'p50 ms',
  'p99 ms',
  '× bare req/s',
  '+p50 ms',
  'Errors',
];
const RIGHT_ALIGNED = new Set([1, 3, 4, 5, 6, 7]);

function rows(runs: RunRecord[], comparisons: Comparison[]): string[][] {
  return runs.map((run) => {
    const comparison =
      run.target === 'switchboard'
        ? comparisons.find((c) => c.scenario === run.scenario && c.connections === run.connections)
        : undefined;
    const addedDigits = run.latencySource === 'hrtime' ? 3 : 0;
    return [
      run.scenario,
      String(run.connections),
      run.target,
      run.requestsPerSecond.toFixed(0),
      formatLatency(run.p50Ms, run.latencySource),
      formatLatency(run.p99Ms, run.latencySource),
      comparison === undefined ? '' : `${comparison.throughputRatio.toFixed(2)}×`,
      comparison === undefined ? '' : signed(comparison.addedP50Ms, addedDigits),
      run.problems.length === 0 ? '0' : `FLAGGED: ${run.problems.join('; ')}`,
    ];
  });
}

export function textTable(runs: RunRecord[], comparisons: Comparison[]): string {
  const body = rows(runs, comparisons);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...body.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: string[]): string =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return RIGHT_ALIGNED.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [format(HEADER), rule, ...body.map(format)].join('\n');
}

export function markdownTable(runs: RunRecord[], comparisons: Comparison[]): string {
  const separator = HEADER.map((_title, column) => (RIGHT_ALIGNED.has(column) ? '---:' : '---'));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(HEADER), `|${separator.join('|')}|`, ...rows(runs, comparisons).map(line)].join('\n');
}

export function goalLines(checks: GoalCheck[]): string {
  return checks
    .map(
      (check) =>
        `${check.pass ? 'PASS' : 'MISS'}  ${check.scenario} @ ${check.connections} conn: ${check.goal} — ${check.note}`,
    )
    .join('\n');
}
