import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  /** The full path as registered, prefix included: `/api/token/:id`, `/v1/models/*`. */
  url: string;
}

const lists = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Records every route registered on `app` from now on (the OpenAPI document is checked against it). */
export function trackRoutes(app: FastifyInstance): void {
  const list: RegisteredRoute[] = [];
  lists.set(app, list);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) list.push({ method, url: route.url });
  });
}

export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return lists.get(app) ?? [];
}
