import type { FastifyInstance } from 'fastify';
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
    await writeOperatorSettings(store.settings, parseInput(updateBody, request.body));
    // Every node re-reads the settings (log bodies, the default plan) at once.
    await deps.caches.changed('settings');
    return ok(await readOperatorSettings(store.settings));
  });
}
