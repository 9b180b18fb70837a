import { routingStrategies } from '../../catalog/catalog-model.ts';
import { settingFields } from './component-schemas.ts';
import { modelPriceInput } from './credit-schemas.ts';
import {
  arrayOf,
  idParameter,
  input,
  deleteByIdOperation,
  managementOperation,
  nullable,
  object,
  pathParameter,
  ref,
} from './operation-helpers.ts';
import type { JsonSchema, PathItem } from './openapi-types.ts';

const modelParameter = pathParameter('model', 'A model id (may contain `/`) or alias');

const modelName: JsonSchema = { type: 'string', minLength: 1, maxLength: 255, pattern: '^\\S+$' };
const tokenLimit: JsonSchema = nullable({ type: 'integer', minimum: 1, maximum: 1_000_000_000 });

/** An operator's catalog row as PUT takes it (model-input.ts); what it leaves out comes from the built-in entry. */
const modelInputFields: Record<string, JsonSchema> = {
  aliases: { ...arrayOf(modelName), maxItems: 100 },
  capabilities: input({
    vision: { type: 'boolean' },
    tools: { type: 'boolean' },
    json: { type: 'boolean' },
    context_window: tokenLimit,
    max_output: tokenLimit,
  }),
  groups: nullable({
    ...arrayOf({ type: 'string', minLength: 1, maxLength: 64 }),
    minItems: 1,
    maxItems: 100,
  }),
  strategy: { type: 'string', enum: [...routingStrategies] },
  owned_by: { type: 'string', minLength: 1, maxLength: 64 },
  enabled: { type: 'boolean' },
  price: {
    ...nullable(modelPriceInput),
    description:
      'Stored apart from the catalog row: an object sets the price, null removes it, absent leaves it',
  },
};

/** What operators run: settings, channels, the model catalog, status, and this document. */
export const operatorPaths: Record<string, PathItem> = {
  '/api/setting/': {
    get: managementOperation({
      tag: 'settings',
      summary: 'Run-time settings',
      operationId: 'getSettings',
      access: 'admin',
      data: ref('Settings'),
    }),
    put: managementOperation({
      tag: 'settings',
      summary: 'Change the settings named in the body (others keep their value)',
      description: 'Turning log_bodies on keeps bodies from the next request on, on every node within 30 s.',
      operationId: 'updateSettings',
      access: 'admin',
      body: { ...input(settingFields), description: 'Any subset of the settings' },
      data: ref('Settings'),
    }),
  },
  '/api/channel/': {
    get: managementOperation({
      tag: 'channels',
      summary: 'Every channel, with its health',
      operationId: 'listChannels',
      access: 'admin',
      data: arrayOf(ref('Channel')),
    }),
    post: managementOperation({
      tag: 'channels',
      summary: 'Create a channel',
      operationId: 'createChannel',
      access: 'admin',
      body: ref('ChannelInput'),
      data: ref('Channel'),
    }),
  },
  '/api/channel/{id}': {
    get: managementOperation({
      tag: 'channels',
      summary: 'One channel',
      operationId: 'getChannel',
      access: 'admin',
      parameters: [idParameter('channel')],
      data: ref('Channel'),
      errors: ['notFound'],
    }),
    put: managementOperation({
      tag: 'channels',
      summary: 'Change a channel (fields given only)',
      operationId: 'updateChannel',
      access: 'admin',
      parameters: [idParameter('channel')],
      body: ref('ChannelInput'),
      data: ref('Channel'),
      errors: ['notFound'],
    }),
    delete: deleteByIdOperation({
      tag: 'channels',
      summary: 'Delete a channel',
      operationId: 'deleteChannel',
      access: 'admin',
      what: 'channel',
    }),
  },
  '/api/channel/{id}/test': {
    post: managementOperation({
      tag: 'channels',
      summary: 'Send a one-token request through the channel and report how it went',
      operationId: 'testChannel',
      access: 'admin',
      parameters: [idParameter('channel')],
      data: object({
        success: { type: 'boolean' },
        latency_ms: { type: 'integer' },
        status: nullable({ type: 'integer' }),
        message: { type: 'string' },
      }),
      errors: ['notFound'],
    }),
  },
  '/api/model/': {
    get: managementOperation({
      tag: 'models',
      summary: 'The model catalog: built-in entries with the operator’s rows laid over them',
      operationId: 'listModels',
      access: 'admin',
      data: arrayOf(ref('Model')),
    }),
    put: managementOperation({
      tag: 'models',
      summary: 'Write several catalog rows (and prices) at once; a bad entry writes none',
      operationId: 'putModels',
      access: 'admin',
      body: {
        ...arrayOf(input({ id: modelName, ...modelInputFields }, ['id'])),
        minItems: 1,
        maxItems: 1000,
      },
      data: arrayOf(ref('Model')),
    }),
  },
  '/api/model/{model}': {
    get: managementOperation({
      tag: 'models',
      summary: 'One catalog entry',
      operationId: 'getModel',
      access: 'admin',
      parameters: [modelParameter],
      data: ref('Model'),
      errors: ['notFound'],
    }),
    put: managementOperation({
      tag: 'models',
      summary: 'Create or replace the operator’s row for a model, and set or remove its price',
      description:
        'A body of only `price` prices a catalog model (404 if there is none such) without ' +
        'writing a row over it. Prices hold on every node at once.',
      operationId: 'putModel',
      access: 'admin',
      parameters: [modelParameter],
      body: input(modelInputFields),
      data: ref('Model'),
      errors: ['notFound'],
    }),
    delete: managementOperation({
      tag: 'models',
      summary: 'Remove the operator’s row (the built-in entry, if any, shows again, with its price)',
      operationId: 'deleteModel',
      access: 'admin',
      parameters: [modelParameter],
      data: nullable(ref('Model')),
      errors: ['notFound'],
    }),
  },
  '/api/status': {
    get: {
      ...managementOperation({
        tag: 'status',
        summary: 'Version, uptime and the store’s health (503 when the store does not answer)',
        operationId: 'getStatus',
        access: 'public',
        data: ref('Status'),
      }),
    },
  },
  '/api/openapi.json': {
    get: {
      tags: ['status'],
      summary: 'This document',
      operationId: 'getOpenApi',
      security: [],
      responses: {
        '200': {
          description: 'OpenAPI 3.1',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
  },
};
