import type { FastifyInstance } from 'fastify';
import type { CatalogModel } from '../catalog/catalog-model.ts';
import { prepareModelWrite, prepareModelWrites } from '../catalog/model-input.ts';
import { rowFromModel, toWireCapabilities } from '../catalog/catalog-row.ts';
import type { ModelCatalog } from '../catalog/model-catalog.ts';
import { GatewayError } from '../core/gateway-error.ts';
import { z } from 'zod';
import type { ModelPriceRow } from '../store/credit-tables.ts';
import type { ModelRow } from '../store/schema.ts';
import { microCreditsField } from './credit-fields.ts';
import { parseInput } from './parse-input.ts';
import type { AdminDeps } from './admin-deps.ts';
import { ok } from './envelope.ts';
import { requireAdmin } from './session-auth.ts';
import { isoTime } from './time-input.ts';

const priceBody = z
  .strictObject({
    per_request: microCreditsField.default(0),
    input: microCreditsField.default(0),
    cached_input: microCreditsField.nullable().default(null),
    output: microCreditsField.default(0),
  })
  .nullable();

const publicPrice = (row: ModelPriceRow | undefined) =>
  row === undefined
    ? null
    : {
        per_request: Number(row.per_request),
        input: Number(row.input),
        cached_input: row.cached_input === null ? null : Number(row.cached_input),
        output: Number(row.output),
      };

/** Splits `price` off a model body: the catalog row and the price are stored apart. */
function splitPrice(body: unknown): { model: unknown; price: z.infer<typeof priceBody> | undefined } {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('price' in body)) {
    return { model: body, price: undefined };
  }
  const { price, ...model } = body as Record<string, unknown>;
  // Parsed inside its object: a null price stays null (parseInput reads a bare null as {}), and
  // errors name `price.input` rather than `input`.
  return { model, price: parseInput(z.strictObject({ price: priceBody }), { price }).price };
}

const publicModel = (
  catalog: ModelCatalog,
  model: CatalogModel,
  row: ModelRow | undefined,
  price: ModelPriceRow | undefined,
) => ({
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
  /** Micro-credits per request and per million tokens; null: free. */
  price: publicPrice(price),
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
    publicModel(
      catalog,
      model,
      await store.models.findById(model.id),
      (await store.modelPrices.list()).find((price) => price.model === model.id),
    );

  const write = async (models: readonly CatalogModel[]) => {
    await store.models.upsert(models.map(rowFromModel));
    await deps.caches.changed('models');
  };

  /** Stores (or, for null, removes) the price of each model named; undefined leaves it alone. */
  const writePrices = async (prices: ReadonlyMap<string, z.infer<typeof priceBody>>) => {
    if (prices.size === 0) return;
    for (const [model, price] of prices) {
      if (price === null) await store.modelPrices.delete(model);
      else await store.modelPrices.upsert({ model, ...price });
    }
    await deps.caches.changed('prices');
  };

  app.get('/model/', async (request) => {
    await requireAdmin(store, request);
    const rows = new Map((await store.models.list()).map((row) => [row.id, row]));
    const prices = new Map((await store.modelPrices.list()).map((row) => [row.model, row]));
    return ok(
      catalog.list().map((model) => publicModel(catalog, model, rows.get(model.id), prices.get(model.id))),
    );
  });

  app.put('/model/', async (request) => {
    await requireAdmin(store, request);
    const entries = Array.isArray(request.body) ? request.body.map(splitPrice) : undefined;
    const models = prepareModelWrites(catalog, entries ? entries.map((entry) => entry.model) : request.body);
    await write(models);
    const prices = new Map<string, z.infer<typeof priceBody>>();
    models.forEach((model, index) => {
      const price = entries?.[index]?.price;
      if (price !== undefined) prices.set(model.id, price);
    });
    await writePrices(prices);
    return ok(await Promise.all(models.map((model) => describe(catalog.get(model.id)!))));
  });

  app.get<{ Params: { '*': string } }>('/model/*', async (request) => {
    await requireAdmin(store, request);
    const name = request.params['*'];
    const model = catalog.find(name);
    if (!model) throw new GatewayError(404, 'not_found', `No model '${name}' in the catalog`);
    return ok(await describe(model));
  });

  /** A body of only `price` prices a catalog model without overriding anything else of it. */
  app.put<{ Params: { '*': string } }>('/model/*', async (request) => {
    await requireAdmin(store, request);
    const { model: body, price } = splitPrice(request.body);
    const onlyPrice =
      price !== undefined && typeof body === 'object' && body !== null && Object.keys(body).length === 0;
    let id: string;
    if (onlyPrice) {
      const existing = catalog.find(request.params['*']);
      if (!existing)
        throw new GatewayError(404, 'not_found', `No model '${request.params['*']}' in the catalog`);
      id = existing.id;
    } else {
      const model = prepareModelWrite(catalog, request.params['*'], body);
      await write([model]);
      id = model.id;
    }
    if (price !== undefined) await writePrices(new Map([[id, price]]));
    return ok(await describe(catalog.get(id)!));
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
    await deps.caches.changed('models');
    const builtIn = catalog.get(id);
    return ok(builtIn ? await describe(builtIn) : null, 'Override removed');
  });
}
