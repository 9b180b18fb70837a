import { ledgerKinds } from '../../store/credit-tables.ts';
import { arrayOf, nullable, object, ref } from './operation-helpers.ts';
import type { JsonSchema } from './openapi-types.ts';

const time: JsonSchema = { type: 'string', format: 'date-time' };
const integer: JsonSchema = { type: 'integer' };
const string: JsonSchema = { type: 'string' };

/** Micro-credits as the API takes them (credit-fields.ts): whole numbers, bounded far inside 2^53. */
export const microCreditsInput: JsonSchema = {
  type: 'integer',
  minimum: 0,
  maximum: 1_000_000_000_000_000,
  description: 'Micro-credits (1 credit = 1,000,000)',
};

/** Group and plan names, in paths and bodies. */
export const tariffName: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' };

const perMinute: JsonSchema = nullable({ type: 'integer', minimum: 1, maximum: 1_000_000_000 });

/** Request bodies of the credit routes; unknown fields are refused (the routes parse strictly). */
export const groupInputFields: Record<string, JsonSchema> = {
  multiplier: {
    type: 'number',
    minimum: 0,
    maximum: 1000,
    description: 'Price multiplier: 1 is list price, 0.8 a 20% discount, 0 free (kept in parts per million)',
  },
  description: { type: 'string', maxLength: 1000 },
};

export const planInputFields: Record<string, JsonSchema> = {
  rpm: { ...perMinute, description: 'Requests per minute for each user on the plan; null: no limit' },
  tpm: { ...perMinute, description: 'Tokens per minute for each user on the plan; null: no limit' },
  models: {
    ...nullable({ ...arrayOf({ type: 'string', minLength: 1, maxLength: 255 }), maxItems: 5000 }),
    description: 'Models the plan allows by id; null (and groups null): every model',
  },
  groups: {
    ...nullable({ ...arrayOf({ type: 'string', minLength: 1, maxLength: 64 }), maxItems: 100 }),
    description: 'Model groups whose models the plan allows',
  },
  duration_days: {
    ...nullable({ type: 'integer', minimum: 1, maximum: 36_500 }),
    description: 'How long the plan lasts once given to a user; null: until changed',
  },
  description: { type: 'string', maxLength: 1000 },
};

export const modelPriceInput: JsonSchema = {
  type: 'object',
  description: 'Micro-credits per request and per million tokens; a field left out is 0',
  properties: {
    per_request: { ...microCreditsInput, default: 0 },
    input: { ...microCreditsInput, default: 0, description: 'Per million input tokens' },
    cached_input: {
      ...nullable(microCreditsInput),
      default: null,
      description: 'Per million cached input tokens; null: the input price',
    },
    output: { ...microCreditsInput, default: 0, description: 'Per million output tokens' },
  },
  required: [],
  additionalProperties: false,
};

/** `#/components/schemas` for credits: prices, groups, plans, the ledger, redemption codes. */
export const creditSchemas: Record<string, JsonSchema> = {
  ModelPrice: {
    ...object({
      per_request: integer,
      input: integer,
      cached_input: nullable(integer),
      output: integer,
    }),
    description: 'Micro-credits per request and per million input, cached-input and output tokens',
  },
  Group: {
    ...object({
      name: string,
      multiplier: { type: 'number', description: 'multiplier_ppm / 1,000,000' },
      multiplier_ppm: { type: 'integer', description: 'The multiplier in parts per million' },
      description: nullable(string),
    }),
    description: 'A user group and the multiplier on its users’ prices',
  },
  Plan: object({
    name: string,
    rpm: nullable(integer),
    tpm: nullable(integer),
    models: nullable(arrayOf(string)),
    groups: nullable(arrayOf(string)),
    duration_days: nullable(integer),
    description: nullable(string),
  }),
  LedgerEntry: object({
    id: integer,
    kind: {
      type: 'string',
      enum: [...ledgerKinds],
      description: '`hold` and `settle` (or `refund`) come in pairs per priced request',
    },
    amount: { type: 'integer', description: 'Signed micro-credits; a user’s rows sum to the balance' },
    token_id: { ...nullable(integer), description: 'The API key of a request’s hold and settlement' },
    request_id: nullable(string),
    note: nullable(string),
    created_at: time,
  }),
  LedgerPage: object({
    items: arrayOf(ref('LedgerEntry')),
    next_before_id: {
      ...nullable(integer),
      description: 'Pass as before_id for the next page; null on the last',
    },
  }),
  RedemptionCode: object({
    id: integer,
    name: string,
    masked: { type: 'string', description: '`rc-abcd…wxyz`: the code itself is shown only at creation' },
    amount: integer,
    created_by: integer,
    created_at: time,
    expires_at: nullable(time),
    redeemed_by: nullable(integer),
    redeemed_at: nullable(time),
  }),
  NewRedemptionCode: object({
    id: integer,
    code: { type: 'string', description: '`rc-` and 32 letters and digits; shown only in this answer' },
    name: string,
    amount: integer,
    expires_at: nullable(time),
  }),
};
