import { z } from 'zod';
import { parseInput } from '../admin/parse-input.ts';
import { GatewayError } from '../core/gateway-error.ts';
import { findProvider, providerIds } from '../providers/provider-catalog.ts';
import { routingStrategies, type CatalogModel } from './catalog-model.ts';
import { matchesModelPrefixes } from './matches-model-prefixes.ts';
import { noControlCharacters, noControlCharactersMessage } from '../admin/text-checks.ts';
import type { ModelCatalog } from './model-catalog.ts';

/**
 * An operator's catalog entries as the admin API and the config file give them: validated,
 * completed from the built-in entry of the same id, and checked so each name means one model.
 */
const modelName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !/[\s\p{Cc}]/u.test(name), 'must have no spaces or control characters');

const tokenLimit = z.number().int().min(1).max(1_000_000_000).nullable();

const modelFields = {
  aliases: z
    .array(modelName)
    .max(100)
    .refine((aliases) => new Set(aliases).size === aliases.length, 'must not repeat a name'),
  capabilities: z
    .strictObject({
      vision: z.boolean(),
      tools: z.boolean(),
      json: z.boolean(),
      context_window: tokenLimit,
      max_output: tokenLimit,
    })
    .partial(),
  groups: z.array(z.string().trim().min(1).max(64)).min(1).max(100).nullable(),
  strategy: z.enum(routingStrategies),
  owned_by: z.string().trim().min(1).max(64).refine(noControlCharacters, noControlCharactersMessage),
  enabled: z.boolean(),
};

const modelBody = z.strictObject(modelFields).partial();
const bulkItem = modelBody.extend({ id: modelName });
const bulkBody = z.array(bulkItem).min(1).max(1000);

type ModelInput = z.infer<typeof modelBody>;

// Owners as the built-in catalog names them, where the organisation is not the provider id.
const organisationOf: Readonly<Record<string, string>> = { gemini: 'google', mistral: 'mistralai' };

/** Who makes a model nobody named an owner for: the provider whose model list it matches. */
function guessOwner(id: string): string {
  for (const providerId of providerIds) {
    const provider = findProvider(providerId)!;
    if (provider.modelPrefixes.length > 0 && matchesModelPrefixes(provider, id)) {
      return organisationOf[provider.id] ?? provider.id;
    }
  }
  return 'custom';
}

/**
 * An operator's entry from what the request says; what it leaves out comes from the built-in entry
 * of that id (or defaults), never from an earlier override: a PUT replaces.
 */
function completeModel(catalog: ModelCatalog, id: string, input: ModelInput): CatalogModel {
  const base = catalog.builtIn(id);
  const capabilities = base?.capabilities;
  const given = input.capabilities ?? {};
  return {
    id,
    aliases: input.aliases ?? base?.aliases ?? [],
    capabilities: {
      vision: given.vision ?? capabilities?.vision ?? false,
      tools: given.tools ?? capabilities?.tools ?? false,
      json: given.json ?? capabilities?.json ?? false,
      contextWindow:
        given.context_window !== undefined ? given.context_window : (capabilities?.contextWindow ?? null),
      maxOutput: given.max_output !== undefined ? given.max_output : (capabilities?.maxOutput ?? null),
    },
    groups: input.groups !== undefined ? input.groups : (base?.groups ?? null),
    strategy: input.strategy ?? base?.strategy ?? 'priority',
    ownedBy: input.owned_by ?? base?.ownedBy ?? guessOwner(id),
    enabled: input.enabled ?? base?.enabled ?? true,
    created: base?.created ?? Math.floor(Date.now() / 1000),
    ...(base?.kind === undefined ? {} : { kind: base.kind }),
  };
}

function checkAliases(model: CatalogModel, field: string): void {
  if (model.aliases.includes(model.id)) {
    throw new GatewayError(422, 'invalid_request', `Invalid ${field}: an alias repeats the model's id`, {
      param: field,
    });
  }
}

/** Each name may mean one model: an id or alias another entry uses is a conflict. */
function checkNames(
  catalog: ModelCatalog,
  models: readonly CatalogModel[],
  fieldPrefix: (index: number) => string,
) {
  const conflict = catalog.nameConflict(models);
  if (!conflict) return;
  const index = models.indexOf(conflict.model);
  const field = `${fieldPrefix(index)}${conflict.name === conflict.model.id ? 'id' : 'aliases'}`;
  throw new GatewayError(
    409,
    'conflict',
    `Invalid ${field}: '${conflict.name}' already names model '${conflict.owner}'`,
    { param: field },
  );
}

/**
 * Entries to write: one object with its `id`, or an array of them (all or none). Field names in
 * errors carry the array index (`1.strategy`).
 */
export function prepareModelWrites(catalog: ModelCatalog, input: unknown): CatalogModel[] {
  const many = Array.isArray(input);
  const items = many ? parseInput(bulkBody, input) : [parseInput(bulkItem, input)];
  const field = (index: number) => (many ? `${index}.` : '');
  const models = items.map(({ id, ...entry }) => completeModel(catalog, id, entry));
  const ids = new Set<string>();
  models.forEach((model, index) => {
    checkAliases(model, `${field(index)}aliases`);
    if (ids.has(model.id)) {
      const param = `${field(index)}id`;
      throw new GatewayError(422, 'invalid_request', `Invalid ${param}: '${model.id}' is given twice`, {
        param,
      });
    }
    ids.add(model.id);
  });
  checkNames(catalog, models, field);
  return models;
}

/** One entry for `id` (the id comes from the path). */
export function prepareModelWrite(catalog: ModelCatalog, id: string, input: unknown): CatalogModel {
  const model = completeModel(catalog, parseInput(modelName, id, 'id'), parseInput(modelBody, input));
  checkAliases(model, 'aliases');
  checkNames(catalog, [model], () => '');
  return model;
}
