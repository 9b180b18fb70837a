import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../core/gateway-error.ts';
import { authenticate } from './authenticate.ts';
import type { KeyContext } from './key-context.ts';
import type { RelayDeps } from './relay-deps.ts';

// A fixed `created` keeps listings stable between calls; the catalog issue gives models real dates.
const listedSince = 1_700_000_000;

function visibleModels(deps: RelayDeps, key: KeyContext): string[] {
  const models = deps.registry.modelsFor(key.group);
  return key.models === null ? models : models.filter((model) => key.models!.has(model));
}

function ownerOf(deps: RelayDeps, key: KeyContext, model: string): string {
  return deps.registry.channelsFor(model, key.group)[0]?.provider.id ?? 'switchboard';
}

/** `GET /v1/models` and `GET /v1/models/{id}`: exactly the models this key may use. */
export function registerModelsRoutes(scope: FastifyInstance, deps: RelayDeps): void {
  scope.get('/models', async (request) => {
    const key = await authenticate(deps.keyCache, request.headers, undefined);
    return {
      object: 'list',
      data: visibleModels(deps, key).map((id) => ({
        id,
        object: 'model',
        created: listedSince,
        owned_by: ownerOf(deps, key, id),
      })),
    };
  });

  scope.get<{ Params: { '*': string } }>('/models/*', async (request) => {
    const key = await authenticate(deps.keyCache, request.headers, undefined);
    const id = request.params['*'];
    if (!visibleModels(deps, key).includes(id)) {
      throw new GatewayError(404, 'model_not_found', `The model '${id}' does not exist or is not available`, {
        param: 'model',
      });
    }
    return { id, object: 'model', created: listedSince, owned_by: ownerOf(deps, key, id) };
  });
}
