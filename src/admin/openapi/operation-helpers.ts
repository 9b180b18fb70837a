import type { JsonSchema, Operation, Parameter, Response } from './openapi-types.ts';

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export const nullable = (schema: JsonSchema): JsonSchema => ({ oneOf: [schema, { type: 'null' }] });

export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

/** An object whose listed properties are all present. */
export const object = (
  properties: Record<string, JsonSchema>,
  optional: readonly string[] = [],
): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
});

/** A request body object: unknown fields are refused (the routes parse with strict schemas). */
export const input = (
  properties: Record<string, JsonSchema>,
  required: readonly string[] = [],
): JsonSchema => ({
  type: 'object',
  properties,
  required: [...required],
  additionalProperties: false,
});

export const query = (name: string, schema: JsonSchema, description?: string): Parameter => ({
  name,
  in: 'query',
  schema,
  ...(description === undefined ? {} : { description }),
});

export const pathParameter = (
  name: string,
  description: string,
  schema: JsonSchema = { type: 'string' },
): Parameter => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});

export const idParameter = (what: string): Parameter =>
  pathParameter('id', `The ${what}'s id`, { type: 'integer', minimum: 1 });

/** A success in the management envelope, `data` as given. */
export const envelope = (data: JsonSchema, description = 'Success'): Response => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { success: { type: 'boolean', enum: [true] }, message: { type: 'string' }, data },
        required: ['success', 'message', 'data'],
      },
    },
  },
});

const failure = (description: string): Response => ({
  description,
  content: { 'application/json': { schema: ref('Failure') } },
});

export const failures = {
  unauthorized: failure('No session, or an expired one'),
  forbidden: failure('The session may not do this'),
  notFound: failure('No such row (or not the caller’s)'),
  invalid: failure('Bad input: the message names the field'),
  conflict: failure('Conflicts with an existing row'),
} as const;

export const sessionAuth = [{ session: [] }];

interface ManagementOperation {
  tag: string;
  summary: string;
  description?: string;
  operationId: string;
  /** `public`: no session; `user`: any session; `admin`: admins and root. */
  access: 'public' | 'user' | 'admin';
  parameters?: Parameter[];
  body?: JsonSchema;
  data: JsonSchema;
  /** Failures besides those every call of this access may meet. */
  errors?: (keyof typeof failures)[];
}

/** A management route's operation: the envelope, the session it needs, its usual failures. */
export function managementOperation(spec: ManagementOperation): Operation {
  const responses: Record<string, Response> = { '200': envelope(spec.data) };
  if (spec.access !== 'public') responses['401'] = failures.unauthorized;
  if (spec.access === 'admin') responses['403'] = failures.forbidden;
  const statuses = {
    unauthorized: '401',
    forbidden: '403',
    notFound: '404',
    invalid: '422',
    conflict: '409',
  };
  for (const error of spec.errors ?? []) responses[statuses[error]] = failures[error];
  if ((spec.body || spec.parameters?.some((parameter) => parameter.in === 'query')) && !responses['422']) {
    responses['422'] = failures.invalid;
  }
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    operationId: spec.operationId,
    security: spec.access === 'public' ? [] : sessionAuth,
    ...(spec.parameters === undefined ? {} : { parameters: spec.parameters }),
    ...(spec.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }),
    responses,
  };
}

/** `DELETE …/{id}`: removes what the id names; no data back, 404 when there is no such row. */
export const deleteByIdOperation = (
  spec: Pick<ManagementOperation, 'tag' | 'summary' | 'operationId' | 'access'> & { what: string },
): Operation =>
  managementOperation({
    tag: spec.tag,
    summary: spec.summary,
    operationId: spec.operationId,
    access: spec.access,
    parameters: [idParameter(spec.what)],
    data: { type: 'null' },
    errors: ['notFound'],
  });
