import { GatewayError } from '../core/gateway-error.ts';
import type { KeyContext } from '../relay/key-context.ts';
import type { ModelCatalog } from './model-catalog.ts';
import { resolveModel, type ChannelSource, type ModelRoute } from './resolve-model.ts';

/** `resolveModel`, with each refusal as the error the client gets (in its format, by the surface). */
export function routeModel(
  catalog: ModelCatalog,
  source: ChannelSource,
  key: KeyContext,
  requested: string,
  onlyProvider?: string,
): ModelRoute {
  const resolution = resolveModel(catalog, source, key, requested, onlyProvider);
  switch (resolution.kind) {
    case 'route':
      return resolution.route;
    case 'not-allowed':
      throw new GatewayError(403, 'permission_denied', `This API key may not use model '${requested}'`, {
        param: 'model',
      });
    case 'not-found':
      throw new GatewayError(
        404,
        'model_not_found',
        `The model '${requested}' does not exist or is not available`,
        { param: 'model' },
      );
    case 'provider-unavailable':
      throw new GatewayError(
        503,
        'upstream_unavailable',
        `${resolution.provider} is not configured: no enabled channel of this provider is available`,
      );
    default: {
      const unreachable: never = resolution;
      throw new Error(`unknown resolution ${String(unreachable)}`);
    }
  }
}
