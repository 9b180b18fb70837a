import type { Logger } from 'pino';
import { authHeaders, findProvider } from '../providers/provider-catalog.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { ChannelsRepository } from '../store/channels-repository.ts';
import { parseJsonColumn } from '../store/json-column.ts';
import type { ChannelRow } from '../store/schema.ts';
import type { RuntimeChannel } from './runtime-channel.ts';

/**
 * The enabled channels, held in memory and indexed by model so that routing reads no database.
 * Reloaded whenever a channel is written.
 */
export class ChannelRegistry {
  #byModel = new Map<string, RuntimeChannel[]>();
  #generation = 0;

  constructor(
    private readonly repository: ChannelsRepository,
    private readonly secretBox: SecretBox,
    private readonly logger: Logger,
  ) {}

  /** Reloads from the database. Overlapping reloads are fine: only the latest one's result is kept. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    const rows = await this.repository.list();
    if (generation !== this.#generation) return;
    const byModel = new Map<string, RuntimeChannel[]>();
    for (const row of rows) {
      if (row.enabled !== 1) continue;
      const channel = this.#toRuntime(row);
      if (!channel) continue;
      for (const model of channel.models) {
        const list = byModel.get(model) ?? [];
        list.push(channel);
        byModel.set(model, list);
      }
    }
    for (const list of byModel.values()) list.sort((a, b) => b.priority - a.priority);
    this.#byModel = byModel;
  }

  /** Enabled channels that serve `model` for `group`, highest priority first. */
  channelsFor(model: string, group: string): RuntimeChannel[] {
    const all = this.#byModel.get(model);
    if (!all) return [];
    return all.filter((channel) => channel.groups.has(group));
  }

  /** Every model some enabled channel serves to `group`. */
  modelsFor(group: string): string[] {
    const models: string[] = [];
    for (const [model, channels] of this.#byModel) {
      if (channels.some((channel) => channel.groups.has(group))) models.push(model);
    }
    return models.sort();
  }

  #toRuntime(row: ChannelRow): RuntimeChannel | undefined {
    const provider = findProvider(row.provider);
    if (!provider) {
      this.logger.warn(
        { channel: row.id, provider: row.provider },
        'channel has an unknown provider; skipped',
      );
      return undefined;
    }
    let apiKey: string;
    try {
      apiKey = this.secretBox.open(row.api_key_sealed);
    } catch (error) {
      this.logger.error(
        { err: error, channel: row.id },
        'channel key cannot be decrypted (SECRET_KEY changed?)',
      );
      return undefined;
    }
    const baseUrl = (row.base_url || provider.defaultBaseUrl).replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      this.logger.warn({ channel: row.id, baseUrl }, 'channel has an invalid base URL; skipped');
      return undefined;
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...provider.extraHeaders,
      ...authHeaders(provider.auth, apiKey),
    };
    return {
      id: row.id,
      name: row.name,
      provider,
      baseUrl,
      origin: url.origin,
      basePath: url.pathname.replace(/\/+$/, ''),
      query: url.searchParams,
      models: new Set(parseJsonColumn<string[]>(row.models, [])),
      groups: new Set(parseJsonColumn<string[]>(row.groups, ['default'])),
      modelMap: parseJsonColumn<Record<string, string>>(row.model_map, {}),
      priority: row.priority,
      weight: row.weight,
      headers,
    };
  }
}
