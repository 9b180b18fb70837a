import { timeInputSchema } from './component-schemas.ts';
import {
  arrayOf,
  idParameter,
  managementOperation,
  nullable,
  object,
  query,
  ref,
} from './operation-helpers.ts';
import type { PathItem } from './openapi-types.ts';

const id = { type: 'integer', minimum: 0 } as const;

/** The request log and the dashboard built from its rollups. */
export const logPaths: Record<string, PathItem> = {
  '/api/log/': {
    get: managementOperation({
      tag: 'logs',
      summary: 'Request-log rows, newest first (users: their own; admins: all)',
      description: 'Keyset paging: pass the answer’s next_before_id as before_id until it is null.',
      operationId: 'listLogs',
      access: 'user',
      parameters: [
        query('model', { type: 'string' }),
        query('token_id', id),
        query('status', { type: 'integer', minimum: 100, maximum: 599 }),
        query('request_id', { type: 'string' }),
        query('from', timeInputSchema, 'Rows created at or after'),
        query('to', timeInputSchema, 'Rows created before'),
        query('before_id', id),
        query('limit', { type: 'integer', minimum: 1, maximum: 500, default: 50 }),
      ],
      data: object({ items: arrayOf(ref('LogRow')), next_before_id: nullable({ type: 'integer' }) }),
    }),
  },
  '/api/log/{id}': {
    get: managementOperation({
      tag: 'logs',
      summary: 'One log row with its request and response bodies, when kept',
      description: 'Another user’s row is a 404 for a user, exactly like a row that does not exist.',
      operationId: 'getLog',
      access: 'user',
      parameters: [idParameter('log row')],
      data: ref('LogDetail'),
      errors: ['notFound'],
    }),
  },
  '/api/dashboard/': {
    get: managementOperation({
      tag: 'dashboard',
      summary: 'Totals, a time series, and figures per model and per key for a period',
      description:
        'Read from hourly rollups kept as log rows are written. Periods are whole UTC hours or days ' +
        '(`from` rounded down, `to` up); the default is the last 24 hours (hour) or 30 days (day); ' +
        'at most 31 days by hour and 366 by day. Users see their own traffic; admins everyone’s.',
      operationId: 'getDashboard',
      access: 'user',
      parameters: [
        query('from', timeInputSchema),
        query('to', timeInputSchema),
        query('granularity', { type: 'string', enum: ['hour', 'day'], default: 'hour' }),
        query('user_id', id, 'Admins: one user’s figures (a user may name only themself)'),
        query('token_id', id, 'One key’s figures'),
      ],
      data: ref('Dashboard'),
      errors: ['forbidden'],
    }),
  },
};
