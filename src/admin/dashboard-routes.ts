import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import type { RollupQuery, RollupSums } from '../store/request-rollups-repository.ts';
import { hourMs } from '../store/rollup-deltas.ts';
import type { AdminDeps } from './admin-deps.ts';
import { addSums, emptySums, toFigures } from './dashboard/dashboard-figures.ts';
import { ok } from './envelope.ts';
import { parseInput } from './parse-input.ts';
import { isAdmin, requireUser } from './session-auth.ts';
import { isoTime, timeQueryInput } from './time-input.ts';

const dayMs = 24 * hourMs;

const integerText = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a whole number')
  .transform(Number);

const dashboardQuery = z.strictObject({
  from: timeQueryInput.optional(),
  to: timeQueryInput.optional(),
  granularity: z.enum(['hour', 'day']).default('hour'),
  user_id: integerText.optional(),
  token_id: integerText.optional(),
});

/** The longest period each granularity serves: a chart of at most a few hundred points. */
const maxPeriod = { hour: 31 * dayMs, day: 366 * dayMs } as const;
const defaultPeriod = { hour: dayMs, day: 30 * dayMs } as const;

const invalid = (field: string, message: string) =>
  new GatewayError(422, 'invalid_request', `Invalid ${field}: ${message}`, { param: field });

/**
 * `GET /api/dashboard/`: totals, a time series, and figures per model and per key for a period,
 * read from the hourly rollups (never from the log rows). Periods are whole UTC hours or days:
 * `from` is rounded down and `to` up. Users see their own traffic; admins everyone's, or one
 * user's (`user_id`) or key's (`token_id`).
 */
export function registerDashboardRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;

  app.get('/dashboard/', async (request) => {
    const user = await requireUser(store, request);
    const query = parseInput(dashboardQuery, request.query, 'query');
    const admin = isAdmin(user);
    if (!admin && query.user_id !== undefined && query.user_id !== user.id) {
      throw new GatewayError(403, 'forbidden', "Only administrators may see another user's figures");
    }
    const step = query.granularity === 'day' ? dayMs : hourMs;
    const to = Math.ceil((query.to ?? Date.now()) / step) * step;
    const from = Math.floor((query.from ?? to - defaultPeriod[query.granularity]) / step) * step;
    if (from >= to) throw invalid('to', 'must be later than from');
    if (to - from > maxPeriod[query.granularity]) {
      throw invalid('from', `the period is longer than ${maxPeriod[query.granularity] / dayMs} days`);
    }

    const rollupQuery: RollupQuery = {
      from,
      to,
      userId: admin ? query.user_id : user.id,
      apiKeyId: query.token_id,
    };
    const [byHour, byModel, byKey] = await Promise.all([
      store.requestRollups.sumBy('hour_start', rollupQuery),
      store.requestRollups.sumBy('model', rollupQuery),
      store.requestRollups.sumBy('api_key_id', rollupQuery),
    ]);

    const totals = emptySums();
    const periods = new Map<number, RollupSums>();
    for (let start = from; start < to; start += step) periods.set(start, emptySums());
    for (const hour of byHour) {
      addSums(totals, hour);
      addSums(periods.get(hour.group - (hour.group % step))!, hour);
    }
    const keyNames = await store.requestRollups.keyNames(
      byKey.map((key) => key.group).filter((id) => id !== 0),
    );
    const mostRequests = (a: RollupSums, b: RollupSums) => b.requests - a.requests;

    return ok({
      from: isoTime(from),
      to: isoTime(to),
      granularity: query.granularity,
      totals: toFigures(totals),
      series: [...periods].map(([start, sums]) => ({ start: isoTime(start), ...toFigures(sums) })),
      by_model: byModel.sort(mostRequests).map((sums) => ({ model: sums.group, ...toFigures(sums) })),
      by_token: byKey.sort(mostRequests).map((sums) => ({
        token_id: sums.group === 0 ? null : sums.group,
        token_name: keyNames.get(sums.group) ?? null,
        ...toFigures(sums),
      })),
    });
  });
}
