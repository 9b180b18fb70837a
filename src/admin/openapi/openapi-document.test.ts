import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../http/route-list.ts';
import { startTestGateway, type TestGateway } from '../../../test/support/test-gateway.ts';
import { operatorSettingFields } from '../operator-settings.ts';
import { groupFields, planFields } from '../tariff-input.ts';
import type { JsonSchema, OpenApiDocument } from './openapi-types.ts';

/** A registered Fastify path as a pattern over documented paths: `:id` → `{id}`, `*` → anything. */
function documentedPattern(url: string): RegExp {
  const path = url.length > 1 ? url.replace(/\/$/, '') : url;
  const escaped = path
    .split(/(:[A-Za-z_]+|\*)/)
    .map((part) =>
      part.startsWith(':') ? '\\{[^}]+\\}' : part === '*' ? '.+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${escaped}/?$`);
}

describe('GET /api/openapi.json', () => {
  let test: TestGateway;
  let document: OpenApiDocument;

  beforeAll(async () => {
    test = await startTestGateway();
    const response = await fetch(`${test.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    document = (await response.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await test?.close();
  });

  it('is an OpenAPI 3.1 document served without a session', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('Switchboard');
    expect(Object.keys(document.paths).length).toBeGreaterThan(20);
  });

  /** The management and relay routes (not /metrics, which is for scrapers), as Fastify registered them. */
  const apiRoutes = () =>
    registeredRoutes(test.gateway.app).filter(
      (route) =>
        route.method !== 'HEAD' && route.method !== 'OPTIONS' && /^\/(api|v1|v1beta)\//.test(route.url),
    );

  it('documents every registered route, /api and relay alike, with its method', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(20);
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => ({ path, method: method.toUpperCase() })),
    );
    const missing = routes.filter((route) => {
      const pattern = documentedPattern(route.url);
      return !documented.some((entry) => entry.method === route.method && pattern.test(entry.path));
    });
    expect(missing).toEqual([]);
  });

  it('documents no route the gateway does not have', () => {
    const routes = apiRoutes().map((route) => ({
      method: route.method,
      pattern: documentedPattern(route.url),
    }));
    const extra = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .map((method) => method.toUpperCase())
        .filter((method) => !routes.some((route) => route.method === method && route.pattern.test(path)))
        .map((method) => `${method} ${path}`),
    );
    expect(extra).toEqual([]);
  });

  it('points every $ref at a schema it defines, and names each operation once', () => {
    const text = JSON.stringify(document);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const name of new Set(refs)) expect(document.components.schemas, name).toHaveProperty(name);
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes the dashboard and log detail routes with their parameters', () => {
    const dashboard = document.paths['/api/dashboard/']?.get;
    expect(dashboard?.parameters?.map((parameter) => parameter.name)).toEqual([
      'from',
      'to',
      'granularity',
      'user_id',
      'token_id',
    ]);
    expect(dashboard?.responses['422']).toBeDefined();
    expect(document.paths['/api/log/{id}']?.get?.responses['404']).toBeDefined();
  });

  const schema = (name: string): JsonSchema => document.components.schemas[name]!;
  const bodyOf = (path: string, method: 'put' | 'post'): JsonSchema =>
    document.paths[path]?.[method]?.requestBody?.content['application/json']?.schema ?? {};
  const keys = (value: object | undefined) => Object.keys(value ?? {}).sort();

  it('describes the user, settings and model objects with exactly the fields the routes answer with', async () => {
    const get = async (path: string) =>
      (await test.api('GET', path, undefined, test.adminToken)).body.data as Record<string, unknown>;
    expect(keys(schema('User').properties)).toEqual(keys(await get('/api/user/self')));
    expect(keys(schema('Settings').properties)).toEqual(keys(await get('/api/setting/')));
    expect(keys(schema('Model').properties)).toEqual(keys(await get('/api/model/gpt-4o')));
    expect(keys(schema('Settings').properties)).toEqual(keys(operatorSettingFields));
  });

  it('describes the credit bodies with the fields the routes parse', () => {
    expect(keys(bodyOf('/api/group/{name}', 'put').properties)).toEqual(keys(groupFields));
    expect(keys(bodyOf('/api/plan/{name}', 'put').properties)).toEqual(keys(planFields));
    expect(bodyOf('/api/user/{id}', 'put').properties).toMatchObject({
      top_up: { type: 'integer', minimum: 1 },
      adjustment: { type: 'integer' },
      note: { type: 'string' },
      plan: expect.any(Object),
      plan_expires_at: expect.any(Object),
    });
    expect(bodyOf('/api/model/{model}', 'put').properties).toHaveProperty('price');
    expect(document.paths['/api/user/{id}/ledger']?.get?.responses['403']).toBeDefined();
    expect(document.paths['/api/user/redeem']?.post?.responses['404']).toBeDefined();
  });

  it('describes the credit and rate-limit answers of metered relay routes only', () => {
    const chat = document.paths['/v1/chat/completions']?.post;
    expect(keys(chat?.responses['200']?.headers)).toEqual(
      expect.arrayContaining(['X-Credits-Consumed', 'X-Credits-Remaining', 'x-ratelimit-remaining-requests']),
    );
    expect(chat?.responses['402']?.description).toContain('insufficient_credits');
    expect(chat?.responses['429']?.headers).toHaveProperty('Retry-After');
    const countTokens = document.paths['/v1/messages/count_tokens']?.post;
    expect(countTokens?.responses['402']).toBeUndefined();
    expect(countTokens?.responses['200']?.headers).not.toHaveProperty('X-Credits-Consumed');
  });
});
