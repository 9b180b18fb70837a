import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import type { Store } from '../store/store.ts';
import { tariffNameField } from './credit-fields.ts';
import { ok } from './envelope.ts';
import { parseInput } from './parse-input.ts';
import { requireAdmin } from './session-auth.ts';
import {
  groupFields,
  planFields,
  publicGroup,
  publicPlan,
  toGroupWrite,
  toPlanWrite,
} from './tariff-input.ts';

export interface TariffRouteDeps {
  store: Store;
  /** Called after every write: prices, plans and keys are re-read (on every node). */
  changed: () => Promise<void>;
}

const nameParam = (value: string, what: string): string => {
  const parsed = tariffNameField.safeParse(value);
  if (!parsed.success) throw new GatewayError(404, 'not_found', `No ${what} named '${value}'`);
  return parsed.data;
};

/**
 * `/api/group/` and `/api/plan/` (admins): user groups with their price multiplier, and plans with
 * their rate limits, models and duration. `PUT /api/group/{name}` and `PUT /api/plan/{name}` create
 * or replace; `DELETE` removes (users on a removed plan fall back to the default plan).
 */
export function registerTariffRoutes(app: FastifyInstance, deps: TariffRouteDeps): void {
  const { store, changed } = deps;

  app.get('/group/', async (request) => {
    await requireAdmin(store, request);
    return ok((await store.groupsPlans.listGroups()).map(publicGroup));
  });

  app.put<{ Params: { name: string } }>('/group/:name', async (request) => {
    await requireAdmin(store, request);
    const name = nameParam(request.params.name, 'group');
    const input = parseInput(z.strictObject(groupFields), request.body);
    await store.groupsPlans.upsertGroup(toGroupWrite({ name, ...input }));
    await changed();
    const row = (await store.groupsPlans.listGroups()).find((group) => group.name === name)!;
    return ok(publicGroup(row));
  });

  app.delete<{ Params: { name: string } }>('/group/:name', async (request) => {
    await requireAdmin(store, request);
    const name = nameParam(request.params.name, 'group');
    if (!(await store.groupsPlans.deleteGroup(name))) {
      throw new GatewayError(404, 'not_found', `No group named '${name}'`);
    }
    await changed();
    return ok(null, 'Group removed; its users pay list price');
  });

  app.get('/plan/', async (request) => {
    await requireAdmin(store, request);
    return ok((await store.groupsPlans.listPlans()).map(publicPlan));
  });

  app.put<{ Params: { name: string } }>('/plan/:name', async (request) => {
    await requireAdmin(store, request);
    const name = nameParam(request.params.name, 'plan');
    const input = parseInput(z.strictObject(planFields), request.body);
    await store.groupsPlans.upsertPlan(toPlanWrite({ name, ...input }));
    await changed();
    const row = (await store.groupsPlans.listPlans()).find((plan) => plan.name === name)!;
    return ok(publicPlan(row));
  });

  app.delete<{ Params: { name: string } }>('/plan/:name', async (request) => {
    await requireAdmin(store, request);
    const name = nameParam(request.params.name, 'plan');
    if (!(await store.groupsPlans.deletePlan(name))) {
      throw new GatewayError(404, 'not_found', `No plan named '${name}'`);
    }
    await changed();
    return ok(null, 'Plan removed');
  });
}
