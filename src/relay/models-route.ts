import type { FastifyInstance } from 'fastify';
import { visibleModel, visibleModels, type VisibleModel } from '../catalog/visible-models.ts';
import { GatewayError } from '../core/gateway-error.ts';
import { authenticate } from './authenticate.ts';
import type { RelayDeps } from './relay-deps.ts';

const openAiModel = (model: VisibleModel) => ({
  id: model.id,
  object: 'model',
  created: model.created,
  owned_by: model.ownedBy,
});

/**
 * `GET /v1/models` and `GET /v1/models/{id}`: exactly the models this key may use (its allowlist,
 * its group's catalog visibility, and some channel serving it). `{id}` may be an alias or
 * `provider/model`; the answer names the catalog id.
 */
export function registerModelsRoutes(scope: FastifyInstance, deps: RelayDeps): void {
  scope.get('/models', async (request) => {
    const key = await authenticate(deps.keyCache, request, undefined);
    return {
      object: 'list',
      data: visibleModels(deps.catalog, deps.registry, key).map(openAiModel),
    };
  });

  scope.get<{ Params: { '*': string } }>('/models/*', async (request) => {
    const key = await authenticate(deps.keyCache, request, undefined);
    const id = request.params['*'];
    const model = visibleModel(deps.catalog, deps.registry, key, id);
    if (!model) {
      throw new GatewayError(404, 'model_not_found', `The model '${id}' does not exist or is not available`, {
        param: 'model',
      });
    }
    return openAiModel(model);
  });
}
