import { arrayOf, nullable, object, ref } from './operation-helpers.ts';
import type { JsonSchema } from './openapi-types.ts';

const time: JsonSchema = { type: 'string', format: 'date-time' };
const integer: JsonSchema = { type: 'integer' };
const string: JsonSchema = { type: 'string' };
const boolean: JsonSchema = { type: 'boolean' };
const microCredits: JsonSchema = {
  type: 'integer',
  minimum: 0,
  description: 'Micro-credits (1 credit = 1,000,000)',
};

/** A time in input: Unix seconds, or ISO 8601 with an offset. */
export const timeInputSchema: JsonSchema = {
  oneOf: [
    { type: 'integer', minimum: 0, description: 'Unix seconds' },
    { type: 'string', format: 'date-time' },
  ],
};

const figures: JsonSchema = object({
  requests: integer,
  errors: { type: 'integer', description: 'Answers with status >= 400, client disconnects (499) excluded' },
  error_rate: { type: 'number', minimum: 0, maximum: 1 },
  prompt_tokens: integer,
  completion_tokens: integer,
  cached_tokens: integer,
  total_tokens: integer,
  credits: microCredits,
  latency_ms: object({
    avg: nullable(integer),
    p50: { ...nullable(integer), description: 'From the rollups’ fixed latency buckets, interpolated' },
    p95: nullable(integer),
  }),
});

const logRow = object(
  {
    id: integer,
    timestamp: time,
    request_id: string,
    endpoint: string,
    model: string,
    upstream_model: nullable(string),
    token_id: nullable(integer),
    user_id: nullable(integer),
    channel_id: { ...nullable(integer), description: 'Admins only' },
    attempts: {
      ...arrayOf(object({ channel: integer, outcome: string })),
      description: 'Admins only: the channels tried, in order',
    },
    status: integer,
    stream: boolean,
    usage: object({
      prompt_tokens: integer,
      completion_tokens: integer,
      cached_tokens: integer,
      estimated: boolean,
    }),
    credits: microCredits,
    latency_ms: integer,
    first_byte_ms: nullable(integer),
    error_code: nullable(string),
    user_metadata: nullable({ type: 'object' }),
    warnings: arrayOf({ type: 'object' }),
  },
  ['channel_id', 'attempts'],
);

const keptBody = nullable(
  object({
    body: { type: 'string', description: 'The body as text, cut at log_body_max_bytes' },
    bytes: { type: 'integer', description: 'The whole body’s size' },
    truncated: boolean,
  }),
);

/** The run-time settings (operator-settings.ts); PUT takes any subset of them. */
export const settingFields: Record<string, JsonSchema> = {
  signup_credits: {
    ...microCredits,
    maximum: 1_000_000_000_000_000,
    description: 'Micro-credits a registered account starts with (a `signup` ledger row)',
  },
  default_plan: {
    ...nullable({ type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    description: 'The plan of users on none (or whose plan ended); null: no plan limits for them',
  },
  log_bodies: {
    type: 'boolean',
    default: false,
    description: 'Keep request and response bodies with log rows',
  },
  log_body_max_bytes: { type: 'integer', minimum: 256, maximum: 4_194_304, default: 65_536 },
};

/** `#/components/schemas`: the shapes the management API answers with. */
export const componentSchemas: Record<string, JsonSchema> = {
  Failure: {
    type: 'object',
    description: 'Every failure: the message names the field for bad input and ends with the request id',
    properties: { success: { type: 'boolean', enum: [false] }, message: string, data: { type: 'null' } },
    required: ['success', 'message', 'data'],
  },
  User: object({
    id: integer,
    username: string,
    display_name: nullable(string),
    email: nullable(string),
    role: { type: 'string', enum: ['user', 'admin', 'root'] },
    group: string,
    enabled: boolean,
    balance: microCredits,
    plan: {
      ...nullable(string),
      description: 'The plan set for the user; null: the default plan (setting default_plan)',
    },
    plan_expires_at: { ...nullable(time), description: 'When the plan ends; null: never (or no plan)' },
    created_at: time,
    updated_at: time,
  }),
  Token: object({
    id: integer,
    name: string,
    key: { type: 'string', description: 'The full key on creation and rotation only; `sk-abcd…wxyz` after' },
    models: nullable(arrayOf(string)),
    enabled: boolean,
    expires_at: nullable(time),
    credit_limit: nullable(microCredits),
    credit_used: {
      ...microCredits,
      description:
        'Micro-credits this key has spent (on PostgreSQL and MySQL, holds of requests in flight included; on SQLite they are counted in memory until settled)',
    },
    rpm: nullable(integer),
    tpm: nullable(integer),
    scopes: arrayOf(string),
    allow_ips: nullable(arrayOf(string)),
    created_at: time,
    updated_at: time,
  }),
  LogRow: logRow,
  LogDetail: {
    allOf: [
      ref('LogRow'),
      object({
        bodies: {
          ...nullable(object({ request: keptBody, response: keptBody })),
          description:
            'Null unless the operator keeps bodies (setting log_bodies) and the client did not send X-Switchboard-No-Log: 1',
        },
      }),
    ],
  },
  DashboardFigures: figures,
  Dashboard: object({
    from: time,
    to: time,
    granularity: { type: 'string', enum: ['hour', 'day'] },
    totals: ref('DashboardFigures'),
    series: arrayOf({ allOf: [object({ start: time }), ref('DashboardFigures')] }),
    by_model: arrayOf({ allOf: [object({ model: string }), ref('DashboardFigures')] }),
    by_token: arrayOf({
      allOf: [object({ token_id: nullable(integer), token_name: nullable(string) }), ref('DashboardFigures')],
    }),
  }),
  Settings: object(settingFields),
  Channel: {
    type: 'object',
    description: 'An upstream credential (API.md 3); api_key is write-only and never returned',
    properties: {
      id: integer,
      name: string,
      provider: string,
      base_url: string,
      models: arrayOf(string),
      groups: arrayOf(string),
      model_map: { type: 'object', additionalProperties: string },
      priority: integer,
      weight: integer,
      enabled: boolean,
      costs: { type: 'object', additionalProperties: integer },
    },
  },
  ChannelInput: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 128 },
      provider: string,
      base_url: { type: 'string', format: 'uri' },
      api_key: { type: 'string', maxLength: 8192 },
      models: { ...arrayOf(string), minItems: 1 },
      groups: { ...arrayOf(string), minItems: 1 },
      model_map: { type: 'object', additionalProperties: string },
      priority: integer,
      weight: { type: 'integer', minimum: 0 },
      enabled: boolean,
      costs: { type: 'object', additionalProperties: microCredits },
    },
  },
  Model: {
    type: 'object',
    description: 'A catalog entry: built-in, or an operator’s row laid over it',
    properties: {
      id: string,
      aliases: arrayOf(string),
      capabilities: { type: 'object' },
      groups: nullable(arrayOf(string)),
      strategy: string,
      owned_by: string,
      enabled: boolean,
      created: { type: 'integer', description: 'Unix seconds, as OpenAI’s model list shows it' },
      built_in: boolean,
      overridden: boolean,
      price: {
        ...nullable(ref('ModelPrice')),
        description: 'The operator’s price; null: requests for the model cost nothing',
      },
      created_at: { ...nullable(time), description: 'Of the operator’s row; null without one' },
      updated_at: nullable(time),
    },
  },
  Status: object({
    version: string,
    uptime_s: integer,
    store: object({ dialect: { type: 'string', enum: ['sqlite', 'postgres', 'mysql'] }, status: string }),
  }),
};
