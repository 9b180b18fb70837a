import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../core/gateway-error.ts';
import type { AdminDeps } from './admin-deps.ts';
import { ok } from './envelope.ts';
import { operatorSettingsSchema, readOperatorSettings, writeOperatorSettings } from './operator-settings.ts';
import { parseInput } from './parse-input.ts';
import { requireAdmin } from './session-auth.ts';

const updateBody = operatorSettingsSchema.partial();

/** `GET/PUT /api/setting/` (admins): run-time settings such as `signup_credits` and `log_bodies`. A PUT changes what it names. */
export function registerSettingRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;

  app.get('/setting/', async (request) => {
    await requireAdmin(store, request);
    return ok(await readOperatorSettings(store.settings));
  });

  app.put('/setting/', async (request) => {
    await requireAdmin(store, request);
    const changes = parseInput(updateBody, request.body);
    const plan = changes.default_plan;
    if (plan != null && !(await store.groupsPlans.listPlans()).some((row) => row.name === plan)) {
      throw new GatewayError(422, 'invalid_request', `Invalid default_plan: no plan named '${plan}'`, {
        param: 'default_plan',
      });
    }
    await writeOperatorSettings(store.settings, changes);
    // Every node re-reads the settings (log bodies, the default plan) at once.
    await deps.caches.changed('settings');
    return ok(await readOperatorSettings(store.settings));
  });
}
