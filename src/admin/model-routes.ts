import type { FastifyInstance } from 'fastify';
import type { CatalogModel } from '../catalog/catalog-model.ts';
import { prepareModelWrite, prepareModelWrites } from '../catalog/model-input.ts';
import { rowFromModel, toWireCapabilities } from '../catalog/catalog-row.ts';
import type { ModelCatalog } from '../catalog/model-catalog.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { ModelRow } from '../store/schema.ts';
import type { AdminDeps } from './admin-deps.ts';
import { ok } from './envelope.ts';
import { requireAdmin } from './session-auth.ts';
import { isoTime } from './time-input.ts';

const publicModel = (catalog: ModelCatalog, model: CatalogModel, row: ModelRow | undefined) => ({
  id: model.id,
  aliases: model.aliases,
  capabilities: toWireCapabilities(model.capabilities),
  groups: model.groups,
  strategy: model.strategy,
  owned_by: model.ownedBy,
  enabled: model.enabled,
  created: model.created,
  built_in: catalog.builtIn(model.id) !== undefined,
  overridden: row !== undefined,
  created_at: isoTime(row?.created_at ?? null),
  updated_at: isoTime(row?.updated_at ?? null),
});

/**
 * `/api/model/`: the model catalog (admins only). Built-in entries are listed with the operator's
 * rows laid over them; `PUT /api/model/{id}` writes a row (create or replace), `PUT /api/model/`
 * writes several at once (all or none), `DELETE /api/model/{id}` removes a row so the built-in
 * entry, if any, shows again. A built-in model is hidden with `enabled: false`, not deleted.
 */
export function registerModelRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, catalog } = deps;

  const describe = async (model: CatalogModel) =>
    publicModel(catalog, model, await store.models.findById(model.id));

  const write = async (models: readonly CatalogModel[]) => {
    await store.models.upsert(models.map(rowFromModel));
    await catalog.reload();
  };

  app.get('/model/', async (request) => {
    await requireAdmin(store, request);
    const rows = new Map((await store.models.list()).map((row) => [row.id, row]));
    return ok(catalog.list().map((model) => publicModel(catalog, model, rows.get(model.id))));
  });

  app.put('/model/', async (request) => {
    await requireAdmin(store, request);
    const models = prepareModelWrites(catalog, request.body);
    await write(models);
    return ok(await Promise.all(models.map((model) => describe(catalog.get(model.id)!))));
  });

  app.get<{ Params: { '*': string } }>('/model/*', async (request) => {
    await requireAdmin(store, request);
    const name = request.params['*'];
    const model = catalog.find(name);
    if (!model) throw new GatewayError(404, 'not_found', `No model '${name}' in the catalog`);
    return ok(await describe(model));
  });

  app.put<{ Params: { '*': string } }>('/model/*', async (request) => {
    await requireAdmin(store, request);
    const model = prepareModelWrite(catalog, request.params['*'], request.body);
    await write([model]);
    return ok(await describe(catalog.get(model.id)!));
  });

  app.delete<{ Params: { '*': string } }>('/model/*', async (request) => {
    await requireAdmin(store, request);
    const id = request.params['*'];
    if (!(await store.models.delete(id))) {
      const named = catalog.find(id);
      const message = catalog.builtIn(id)
        ? `Model '${id}' is built in and has no override to remove; disable it with enabled: false`
        : named
          ? `'${id}' is an alias of model '${named.id}'; remove rows by their id`
          : `No model '${id}' in the catalog`;
      throw new GatewayError(404, 'not_found', message);
    }
    await catalog.reload();
    const builtIn = catalog.get(id);
    return ok(builtIn ? publicModel(catalog, builtIn, undefined) : null, 'Override removed');
  });
}
