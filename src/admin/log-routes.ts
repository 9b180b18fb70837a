import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import { parseJsonColumn } from '../store/json-column.ts';
import type { RequestLogBodiesRow, RequestLogRow } from '../store/schema.ts';
import type { AdminDeps } from './admin-deps.ts';
import { ok } from './envelope.ts';
import { idParam } from './id-param.ts';
import { parseInput } from './parse-input.ts';
import { isAdmin, requireUser } from './session-auth.ts';
import { isoTime, timeQueryInput } from './time-input.ts';

const integerText = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a whole number')
  .transform(Number);

const logQuery = z.strictObject({
  model: z.string().min(1).max(255).optional(),
  token_id: integerText.optional(),
  status: integerText.pipe(z.number().int().min(100).max(599)).optional(),
  request_id: z.string().min(1).max(128).optional(),
  from: timeQueryInput.optional(),
  to: timeQueryInput.optional(),
  before_id: integerText.optional(),
  limit: integerText.pipe(z.number().int().min(1).max(500)).optional(),
});

/** A log row as the API shows it (the shape of the reference gateway's log schema). */
const publicLog = (row: RequestLogRow, admin: boolean) => ({
  id: row.id,
  timestamp: isoTime(row.created_at),
  request_id: row.request_id,
  endpoint: row.endpoint,
  model: row.model,
  upstream_model: row.upstream_model,
  token_id: row.api_key_id,
  user_id: row.user_id,
  ...(admin
    ? {
        channel_id: row.channel_id,
        // The channels tried, in order, and what came of each: `[{channel: 3, outcome: "503"}, …]`.
        attempts: parseJsonColumn<{ channel: number; outcome: string }[]>(row.attempts, []),
      }
    : {}),
  status: row.status,
  stream: row.stream === 1,
  usage: {
    prompt_tokens: row.prompt_tokens,
    completion_tokens: row.completion_tokens,
    cached_tokens: row.cached_tokens,
    estimated: row.usage_estimated === 1,
  },
  credits: row.credits,
  latency_ms: row.latency_ms,
  first_byte_ms: row.first_byte_ms,
  error_code: row.error_code,
  user_metadata: parseJsonColumn<Record<string, unknown> | null>(row.user_metadata, null),
  warnings: parseJsonColumn<unknown[]>(row.warnings, []),
});

const publicBody = (text: string | null, bytes: number, truncated: number) =>
  text === null ? null : { body: text, bytes, truncated: truncated === 1 };

/** The bodies kept with a row: each as text (cut at the operator's size limit, `truncated` then true). */
const publicBodies = (row: RequestLogBodiesRow | undefined) =>
  row === undefined
    ? null
    : {
        request: publicBody(row.request_body, row.request_bytes, row.request_truncated),
        response: publicBody(row.response_body, row.response_bytes, row.response_truncated),
      };

/**
 * `GET /api/log/`: users see their own rows, admins all. Newest first, keyset paging by `before_id`.
 * `GET /api/log/{id}`: one row with its bodies (null unless the operator keeps bodies); another
 * user's row is a 404, exactly like one that does not exist.
 */
export function registerLogRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/log/', async (request) => {
    const user = await requireUser(deps.store, request);
    const query = parseInput(logQuery, request.query, 'query');
    const admin = isAdmin(user);
    const limit = query.limit ?? 50;
    const rows = await deps.store.requestLogs.list({
      userId: admin ? undefined : user.id,
      model: query.model,
      apiKeyId: query.token_id,
      status: query.status,
      requestId: query.request_id,
      from: query.from,
      to: query.to,
      beforeId: query.before_id,
      limit,
    });
    return ok({
      items: rows.map((row) => publicLog(row, admin)),
      next_before_id: rows.length === limit ? rows.at(-1)!.id : null,
    });
  });

  app.get<{ Params: { id: string } }>('/log/:id', async (request) => {
    const user = await requireUser(deps.store, request);
    const id = idParam(request.params.id, 'log row');
    const admin = isAdmin(user);
    const row = await deps.store.requestLogs.findById(id, admin ? undefined : user.id);
    if (!row) throw new GatewayError(404, 'not_found', `No log row with id '${request.params.id}'`);
    return ok({
      ...publicLog(row, admin),
      bodies: publicBodies(await deps.store.requestLogs.findBodies(id)),
    });
  });
}
