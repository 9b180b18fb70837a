// Checks that the benchmark measured what it claims: Switchboard with credits and limits on, and a
// healthy primary channel. A gateway that silently skipped the rate limiter or the credit hold (an
// unpriced model, a key without limits) would look faster than it is, and a scenario that failed
// over to a standby would not measure the healthy path; either fails the benchmark.
import type { Scenario } from '../scenarios.ts';
import type { LogRow } from './management-api.ts';
import type { GatewaySetup } from './start-targets.ts';
import { BENCH_KEY_LIMITS } from './start-targets.ts';

/** What one Switchboard preflight answer showed, per scenario. */
export interface PreflightBilling {
  scenario: string;
  requestId: string;
  /** `x-credits-consumed`: for a stream the hold, for a whole answer the charge. */
  creditsHeader: number;
  /** `x-ratelimit-limit-requests` and `-tokens`. */
  requestsLimitHeader: number;
  tokensLimitHeader: number;
  /** From the request's log row, once written: what it was charged, and by which channel it was served. */
  loggedCredits: number;
  channelId: number | null;
}

export interface BillingReport {
  /** Per scenario, from its preflight request. */
  preflight: PreflightBilling[];
  /** Every 2xx Switchboard answer the benchmark received (preflights, warm-ups, measured runs). */
  switchboardResponses: number;
  balanceAfterTopUp: number;
  balanceAfterRuns: number;
  /** balanceAfterTopUp − balanceAfterRuns, micro-credits. */
  spent: number;
  /** The least it can be: every answer at the cheapest preflight's logged charge. */
  minimumExpected: number;
  /**
   * Per scenario model: the newest log rows after the runs, how many of them tried any channel but
   * its primary (failover), and their statuses (499: requests cut by autocannon at a run's end).
   */
  routing: { model: string; rowsChecked: number; failedOver: number; statuses: Record<string, number> }[];
  /** Empty when billing, limits and routing were as configured. */
  problems: string[];
}

function numberHeader(headers: Headers, name: string): number {
  const raw = headers.get(name);
  return raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
}

/** Reads the credit and rate-limit headers of a Switchboard answer; problems if they are missing. */
export function readBillingHeaders(headers: Headers): {
  requestId: string;
  credits: number;
  requestsLimit: number;
  tokensLimit: number;
  problems: string[];
} {
  const requestId = headers.get('x-request-id') ?? '';
  const credits = numberHeader(headers, 'x-credits-consumed');
  const requestsLimit = numberHeader(headers, 'x-ratelimit-limit-requests');
  const tokensLimit = numberHeader(headers, 'x-ratelimit-limit-tokens');
  const problems: string[] = [];
  if (requestId === '') problems.push('no x-request-id header');
  if (!(credits > 0))
    problems.push(`x-credits-consumed is ${headers.get('x-credits-consumed')}, not > 0: no credit hold`);
  if (requestsLimit !== BENCH_KEY_LIMITS.rpm || tokensLimit !== BENCH_KEY_LIMITS.tpm) {
    problems.push(
      `x-ratelimit-limit-requests/-tokens are ${headers.get('x-ratelimit-limit-requests')}/` +
        `${headers.get('x-ratelimit-limit-tokens')}, not the key's ${BENCH_KEY_LIMITS.rpm}/${BENCH_KEY_LIMITS.tpm}: ` +
        'the rate limiter did not check both buckets',
    );
  }
  return { requestId, credits, requestsLimit, tokensLimit, problems };
}

/** Whether any channel but the primary was tried (a request cut before routing tried none). */
function failedOver(row: LogRow, primary: number | undefined): boolean {
  return (
    (row.channel_id !== null && row.channel_id !== primary) ||
    row.attempts.some((attempt) => attempt.channel !== primary)
  );
}

/** Each preflight's log row: charged, and served by its model's primary channel alone. */
export async function checkPreflightRows(
  setup: GatewaySetup,
  scenarios: Scenario[],
  answers: Map<string, Omit<PreflightBilling, 'loggedCredits' | 'channelId'>>,
): Promise<{ preflight: PreflightBilling[]; problems: string[] }> {
  const preflight: PreflightBilling[] = [];
  const problems: string[] = [];
  for (const scenario of scenarios) {
    const answer = answers.get(scenario.name);
    if (answer === undefined) continue;
    const [row] = await setup.api.logs({ request_id: answer.requestId, limit: 1 });
    if (row === undefined) {
      problems.push(`${scenario.name}: no log row for preflight request ${answer.requestId}`);
      continue;
    }
    preflight.push({ ...answer, loggedCredits: row.credits, channelId: row.channel_id });
    if (!(row.credits > 0)) {
      problems.push(
        `${scenario.name}: preflight request ${answer.requestId} was logged with credits ${row.credits}`,
      );
    }
    const primary = setup.primaryChannelOf.get(scenario.upstream.model);
    if (row.channel_id !== primary || failedOver(row, primary)) {
      problems.push(
        `${scenario.name}: preflight request was served by channel ${row.channel_id} after attempts ` +
          `${JSON.stringify(row.attempts)}, not by its primary channel ${primary} alone`,
      );
    }
  }
  return { preflight, problems };
}

/**
 * After the runs (and the settle time, so settlements are written): the balance fell by at least
 * every answer's charge, and the newest log rows of every model tried no channel but its primary
 * (standby channels never used).
 */
export async function checkAfterRuns(
  setup: GatewaySetup,
  scenarios: Scenario[],
  preflight: PreflightBilling[],
  switchboardResponses: number,
): Promise<Omit<BillingReport, 'preflight'>> {
  const problems: string[] = [];
  const balanceAfterRuns = (await setup.api.user(setup.userId)).balance;
  const spent = setup.balanceAfterTopUp - balanceAfterRuns;
  const cheapest = Math.min(...preflight.map((row) => row.loggedCredits));
  const minimumExpected = Number.isFinite(cheapest) ? cheapest * switchboardResponses : Number.NaN;
  if (!(spent > 0)) {
    problems.push(
      `the balance did not fall (${setup.balanceAfterTopUp} → ${balanceAfterRuns}): nothing was charged`,
    );
  } else if (!(spent >= minimumExpected)) {
    problems.push(
      `the balance fell by ${spent} micro-credits, less than ${switchboardResponses} answers × ${cheapest} ` +
        `(the cheapest preflight's charge) = ${minimumExpected}: some requests were not charged`,
    );
  }
  const routing: BillingReport['routing'] = [];
  for (const model of new Set(scenarios.map((scenario) => scenario.upstream.model))) {
    const primary = setup.primaryChannelOf.get(model);
    const rows = await setup.api.logs({ model, limit: 500 });
    const failed = rows.filter((row) => failedOver(row, primary)).length;
    const statuses: Record<string, number> = {};
    for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
    routing.push({ model, rowsChecked: rows.length, failedOver: failed, statuses });
    if (rows.length === 0) problems.push(`${model}: no log rows after the runs`);
    if (failed > 0) {
      problems.push(
        `${model}: ${failed} of the newest ${rows.length} log rows tried a channel other than primary ` +
          `channel ${primary} (failover happened, so the healthy path was not what was measured)`,
      );
    }
  }
  return {
    switchboardResponses,
    balanceAfterTopUp: setup.balanceAfterTopUp,
    balanceAfterRuns,
    spent,
    minimumExpected,
    routing,
    problems,
  };
}
