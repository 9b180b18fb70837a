import { timeInputSchema } from './component-schemas.ts';
import { microCreditsInput, tariffName } from './credit-schemas.ts';
import {
  arrayOf,
  idParameter,
  input,
  deleteByIdOperation,
  managementOperation,
  nullable,
  object,
  query,
  ref,
} from './operation-helpers.ts';
import type { JsonSchema, PathItem } from './openapi-types.ts';

const string: JsonSchema = { type: 'string' };
const role: JsonSchema = { type: 'string', enum: ['user', 'admin', 'root'] };
const password: JsonSchema = { type: 'string', minLength: 8, maxLength: 128 };
const username: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$' };

const tokenFields: Record<string, JsonSchema> = {
  name: { type: 'string', minLength: 1, maxLength: 128 },
  models: { ...nullable(arrayOf(string)), description: 'Allowed models; null for all' },
  expires_at: nullable(timeInputSchema),
  credit_limit: nullable({ type: 'integer', minimum: 0 }),
  rpm: nullable({ type: 'integer', minimum: 1 }),
  tpm: nullable({ type: 'integer', minimum: 1 }),
  scopes: { ...arrayOf(string), minItems: 1, description: 'e.g. `llm-all`' },
  allow_ips: { ...nullable(arrayOf(string)), description: 'IP addresses and CIDR blocks; null for any' },
  enabled: { type: 'boolean' },
};

const userUpdate: Record<string, JsonSchema> = {
  role,
  group: string,
  enabled: { type: 'boolean' },
  display_name: nullable(string),
  email: nullable({ type: 'string', format: 'email' }),
  password,
};

/** What only `PUT /api/user/{id}` takes besides the profile: credits and the plan. */
const creditUpdate: Record<string, JsonSchema> = {
  top_up: {
    ...microCreditsInput,
    minimum: 1,
    description: 'Micro-credits added to the balance (a `top_up` ledger row)',
  },
  adjustment: {
    type: 'integer',
    minimum: -1_000_000_000_000_000,
    maximum: 1_000_000_000_000_000,
    description:
      'Micro-credits added, or (negative) taken as far as the balance goes, never below zero (an ' +
      '`adjustment` ledger row of what was applied; 0 writes none)',
  },
  note: { type: 'string', maxLength: 255, description: 'Why: kept on the top-up or adjustment row' },
  plan: {
    ...nullable(tariffName),
    description: 'A plan by name (it must exist, else 422); null takes the user off their plan',
  },
  plan_expires_at: {
    ...nullable(timeInputSchema),
    description: 'When the plan ends; by default now plus the plan’s duration_days (null: never)',
  },
};

/** Sessions, the caller's own account, users (admins) and API keys. */
export const accountPaths: Record<string, PathItem> = {
  '/api/user/register': {
    post: managementOperation({
      tag: 'users',
      summary: 'Create an account (unless REGISTRATION_ENABLED=false)',
      description: 'The account starts with the setting signup_credits (a `signup` ledger row).',
      operationId: 'register',
      access: 'public',
      body: input(
        {
          username,
          password,
          display_name: nullable(string),
          email: nullable({ type: 'string', format: 'email' }),
        },
        ['username', 'password'],
      ),
      data: ref('User'),
      errors: ['forbidden', 'conflict'],
    }),
  },
  '/api/user/login': {
    post: managementOperation({
      tag: 'users',
      summary: 'Log in: returns a session token for the Authorization header',
      operationId: 'login',
      access: 'public',
      body: input({ username: string, password: string }, ['username', 'password']),
      data: object({ token: string, expires_at: { type: 'string', format: 'date-time' }, user: ref('User') }),
      errors: ['unauthorized'],
    }),
  },
  '/api/user/logout': {
    post: managementOperation({
      tag: 'users',
      summary: 'End this session',
      operationId: 'logout',
      access: 'user',
      data: { type: 'null' },
    }),
  },
  '/api/user/self': {
    get: managementOperation({
      tag: 'users',
      summary: 'The caller’s profile',
      operationId: 'getSelf',
      access: 'user',
      data: ref('User'),
    }),
    put: managementOperation({
      tag: 'users',
      summary: 'Change the caller’s profile or password (current_password required for a new one)',
      operationId: 'updateSelf',
      access: 'user',
      body: input({
        display_name: nullable(string),
        email: nullable({ type: 'string', format: 'email' }),
        password,
        current_password: string,
      }),
      data: ref('User'),
      errors: ['forbidden'],
    }),
  },
  '/api/user/self/sessions': {
    delete: managementOperation({
      tag: 'users',
      summary: 'End every other session of the caller',
      operationId: 'endOtherSessions',
      access: 'user',
      data: object({ ended: { type: 'integer' } }),
    }),
  },
  '/api/user/': {
    get: managementOperation({
      tag: 'users',
      summary: 'List users (keyset paging by after_id)',
      operationId: 'listUsers',
      access: 'admin',
      parameters: [
        query('q', string, 'Part of a username, display name or email'),
        query('role', role),
        query('after_id', { type: 'integer', minimum: 0 }),
        query('limit', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
      ],
      data: object({ items: arrayOf(ref('User')), next_after_id: nullable({ type: 'integer' }) }),
    }),
    post: managementOperation({
      tag: 'users',
      summary: 'Create a user',
      operationId: 'createUser',
      access: 'admin',
      body: input({ username, ...userUpdate }, ['username', 'password']),
      data: ref('User'),
      errors: ['conflict'],
    }),
  },
  '/api/user/{id}': {
    get: managementOperation({
      tag: 'users',
      summary: 'One user',
      operationId: 'getUser',
      access: 'admin',
      parameters: [idParameter('user')],
      data: ref('User'),
      errors: ['notFound'],
    }),
    put: managementOperation({
      tag: 'users',
      summary: 'Change a user: role, group, enabled, profile, password, plan; top up or adjust credits',
      description:
        'A top-up and an adjustment in one body make two ledger rows, the top-up first. Admins ' +
        'change plain users only; root changes anyone.',
      operationId: 'updateUser',
      access: 'admin',
      parameters: [idParameter('user')],
      body: input({ ...userUpdate, ...creditUpdate }),
      data: ref('User'),
      errors: ['notFound', 'conflict'],
    }),
    delete: managementOperation({
      tag: 'users',
      summary: 'Delete a user (the name stays taken; logs keep pointing at it)',
      operationId: 'deleteUser',
      access: 'admin',
      parameters: [idParameter('user')],
      data: { type: 'null' },
      errors: ['notFound', 'conflict'],
    }),
  },
  '/api/token/': {
    get: managementOperation({
      tag: 'tokens',
      summary: 'The caller’s API keys',
      operationId: 'listTokens',
      access: 'user',
      data: arrayOf(ref('Token')),
    }),
    post: managementOperation({
      tag: 'tokens',
      summary: 'Create an API key; the full key is in the answer, once',
      operationId: 'createToken',
      access: 'user',
      body: input(tokenFields, ['name']),
      data: ref('Token'),
    }),
  },
  '/api/token/{id}': {
    get: managementOperation({
      tag: 'tokens',
      summary: 'One of the caller’s keys',
      operationId: 'getToken',
      access: 'user',
      parameters: [idParameter('key')],
      data: ref('Token'),
      errors: ['notFound'],
    }),
    put: managementOperation({
      tag: 'tokens',
      summary: 'Change a key’s name, limits or restrictions',
      operationId: 'updateToken',
      access: 'user',
      parameters: [idParameter('key')],
      body: input(tokenFields),
      data: ref('Token'),
      errors: ['notFound'],
    }),
    delete: deleteByIdOperation({
      tag: 'tokens',
      summary: 'Delete a key',
      operationId: 'deleteToken',
      access: 'user',
      what: 'key',
    }),
  },
  '/api/token/{id}/rotate': {
    post: managementOperation({
      tag: 'tokens',
      summary: 'Replace a key’s secret; the new full key is in the answer, once',
      operationId: 'rotateToken',
      access: 'user',
      parameters: [idParameter('key')],
      data: ref('Token'),
      errors: ['notFound'],
    }),
  },
};
