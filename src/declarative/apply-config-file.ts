import type { Logger } from 'pino';
import { channelRow, checkProviderNeeds } from '../admin/channel-input.ts';
import type { ModelCatalog } from '../catalog/model-catalog.ts';
import { prepareModelWrites } from '../catalog/model-input.ts';
import { rowFromModel } from '../catalog/catalog-row.ts';
import { isGatewayError } from '../core/gateway-error.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { Store } from '../store/store.ts';
import { ConfigFileError, type ConfigFile } from './config-file.ts';
import { toGroupWrite, toPlanWrite } from '../admin/tariff-input.ts';

export interface ApplyTargets {
  store: Store;
  catalog: ModelCatalog;
  secretBox: SecretBox;
  logger: Logger;
}

/** Runs the admin API's own checks on the file's entries; a refusal names the file's field. */
function checked<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    const field = error.param === null ? '' : `${prefix}${error.param}: `;
    throw new ConfigFileError(`the config file is invalid: ${field}${error.message}`, { cause: error });
  }
}

/**
 * Makes the store say what the file says, idempotently: channels are matched by name (created or
 * updated, keys re-sealed), models, groups and plans by their id or name (created or replaced).
 * What the file does not mention is left alone, so admins can still add channels by hand; remove
 * a declared one from the file and delete it through the API. Safe to run on every start of every node.
 */
export async function applyConfigFile(file: ConfigFile, targets: ApplyTargets): Promise<void> {
  const { store, catalog, secretBox } = targets;
  checked('', () =>
    file.channels.forEach((channel, index) =>
      checkProviderNeeds(channel.provider, channel.base_url, channel.api_key, `channels.${index}.`),
    ),
  );
  const models = checked('models.', () =>
    file.models.length > 0 ? prepareModelWrites(catalog, file.models) : [],
  );

  for (const group of file.groups) await store.groupsPlans.upsertGroup(toGroupWrite(group));
  for (const plan of file.plans) await store.groupsPlans.upsertPlan(toPlanWrite(plan));
  if (models.length > 0) {
    await store.models.upsert(models.map(rowFromModel));
    await catalog.reload();
  }
  const existing = new Map((await store.channels.list()).map((row) => [row.name, row]));
  // A key sealed under another SECRET_KEY cannot be read back: the declared one replaces it.
  const storedKey = (sealed: string): string | undefined => {
    try {
      return secretBox.open(sealed);
    } catch {
      return undefined;
    }
  };
  for (const channel of file.channels) {
    const row = channelRow(channel, secretBox);
    const current = existing.get(channel.name);
    if (!current) {
      await store.channels.create(row);
      continue;
    }
    // A channel the gateway disabled (its key was refused) stays disabled while the file declares
    // the same key; a new key in the file gives it a fresh start.
    const sameRefusedKey =
      current.disabled_reason !== null && storedKey(current.api_key_sealed) === channel.api_key;
    await store.channels.update(
      current.id,
      sameRefusedKey ? { ...row, enabled: current.enabled } : { ...row, disabled_reason: null },
    );
  }
  targets.logger.info(
    {
      channels: file.channels.length,
      models: models.length,
      groups: file.groups.length,
      plans: file.plans.length,
    },
    'applied the config file',
  );
}
