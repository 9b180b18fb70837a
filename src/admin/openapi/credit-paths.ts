import { timeInputSchema } from './component-schemas.ts';
import { groupInputFields, microCreditsInput, planInputFields, tariffName } from './credit-schemas.ts';
import {
  arrayOf,
  idParameter,
  input,
  deleteByIdOperation,
  managementOperation,
  nullable,
  object,
  pathParameter,
  query,
  ref,
} from './operation-helpers.ts';
import type { Parameter, PathItem } from './openapi-types.ts';

const pageParameters: Parameter[] = [
  query('before_id', { type: 'integer', minimum: 0 }, 'The previous page’s next_before_id'),
  query('limit', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
];

const groupName = pathParameter(
  'name',
  'The group’s name (a malformed name is a 404, like an unknown one)',
  tariffName,
);
const planName = pathParameter(
  'name',
  'The plan’s name (a malformed name is a 404, like an unknown one)',
  tariffName,
);

/** Groups and plans, the ledger, and redemption codes (API.md 4). */
export const creditPaths: Record<string, PathItem> = {
  '/api/group/': {
    get: managementOperation({
      tag: 'credits',
      summary: 'User groups and their price multipliers',
      operationId: 'listGroups',
      access: 'admin',
      data: arrayOf(ref('Group')),
    }),
  },
  '/api/group/{name}': {
    put: managementOperation({
      tag: 'credits',
      summary: 'Create or replace a group (a description left out is cleared)',
      description: 'Prices change on every node at once.',
      operationId: 'putGroup',
      access: 'admin',
      parameters: [groupName],
      body: input(groupInputFields, ['multiplier']),
      data: ref('Group'),
      errors: ['notFound'],
    }),
    delete: managementOperation({
      tag: 'credits',
      summary: 'Remove a group: its users pay list price',
      operationId: 'deleteGroup',
      access: 'admin',
      parameters: [groupName],
      data: { type: 'null' },
      errors: ['notFound'],
    }),
  },
  '/api/plan/': {
    get: managementOperation({
      tag: 'credits',
      summary: 'Plans: rate limits, models and duration',
      operationId: 'listPlans',
      access: 'admin',
      data: arrayOf(ref('Plan')),
    }),
  },
  '/api/plan/{name}': {
    put: managementOperation({
      tag: 'credits',
      summary: 'Create or replace a plan (fields left out are cleared)',
      description: 'Give a plan to a user with PUT /api/user/{id} {"plan": name}.',
      operationId: 'putPlan',
      access: 'admin',
      parameters: [planName],
      body: input(planInputFields),
      data: ref('Plan'),
      errors: ['notFound'],
    }),
    delete: managementOperation({
      tag: 'credits',
      summary: 'Remove a plan: its users fall back to the default plan (setting default_plan)',
      operationId: 'deletePlan',
      access: 'admin',
      parameters: [planName],
      data: { type: 'null' },
      errors: ['notFound'],
    }),
  },
  '/api/user/self/ledger': {
    get: managementOperation({
      tag: 'credits',
      summary: 'The caller’s credit ledger, newest first (keyset paging by before_id)',
      operationId: 'getOwnLedger',
      access: 'user',
      parameters: pageParameters,
      data: ref('LedgerPage'),
    }),
  },
  '/api/user/{id}/ledger': {
    get: managementOperation({
      tag: 'credits',
      summary: 'A user’s credit ledger, newest first (admins; users read their own at /api/user/self/ledger)',
      operationId: 'getUserLedger',
      access: 'admin',
      parameters: [idParameter('user'), ...pageParameters],
      data: ref('LedgerPage'),
      errors: ['notFound'],
    }),
  },
  '/api/redemption/': {
    get: managementOperation({
      tag: 'credits',
      summary: 'Redemption codes, newest first, masked (keyset paging by before_id)',
      operationId: 'listRedemptionCodes',
      access: 'admin',
      parameters: [query('redeemed', { type: 'string', enum: ['true', 'false'] }), ...pageParameters],
      data: object({ items: arrayOf(ref('RedemptionCode')), next_before_id: nullable({ type: 'integer' }) }),
    }),
    post: managementOperation({
      tag: 'credits',
      summary: 'Create single-use codes worth `amount` each; the codes are in this answer only',
      operationId: 'createRedemptionCodes',
      access: 'admin',
      body: input(
        {
          name: { type: 'string', minLength: 1, maxLength: 255, description: 'A label for the batch' },
          amount: { ...microCreditsInput, minimum: 1, description: 'Micro-credits each code is worth' },
          count: { type: 'integer', minimum: 1, maximum: 100, default: 1 },
          expires_at: { oneOf: [timeInputSchema, { type: 'null' }] },
        },
        ['name', 'amount'],
      ),
      data: arrayOf(ref('NewRedemptionCode')),
    }),
  },
  '/api/redemption/{id}': {
    delete: deleteByIdOperation({
      tag: 'credits',
      summary: 'Delete a code nobody has redeemed (a redeemed one is a 404)',
      operationId: 'deleteRedemptionCode',
      access: 'admin',
      what: 'redemption code',
    }),
  },
  '/api/user/redeem': {
    post: managementOperation({
      tag: 'credits',
      summary: 'Redeem a code: its amount is added to the caller’s balance (a `redemption` ledger row)',
      description:
        'A code is spent once: redeeming a used, expired or unknown code is a 404, and of two ' +
        'concurrent redemptions of one code exactly one succeeds.',
      operationId: 'redeemCode',
      access: 'user',
      body: input({ code: { type: 'string', minLength: 1, maxLength: 128 } }, ['code']),
      data: object({
        amount: { type: 'integer', description: 'Micro-credits added' },
        balance: { type: 'integer', description: 'The caller’s balance after it, in micro-credits' },
      }),
      errors: ['notFound'],
    }),
  },
};
