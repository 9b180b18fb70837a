import type { Logger } from 'pino';
import type { SecretBox } from '../security/secret-box.ts';
import type { ChannelsRepository } from '../store/channels-repository.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import { toRuntimeChannel } from './to-runtime-channel.ts';

/**
 * The enabled channels, held in memory and indexed by model so that routing reads no database.
 * Reloaded whenever a channel is written.
 */
export class ChannelRegistry {
  #byModel = new Map<string, RuntimeChannel[]>();
  #byId = new Map<number, RuntimeChannel>();
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
    const byId = new Map<number, RuntimeChannel>();
    for (const row of rows) {
      if (row.enabled !== 1) continue;
      const channel = toRuntimeChannel(row, this.secretBox, this.logger);
      if (!channel) continue;
      byId.set(channel.id, channel);
      for (const model of channel.models) {
        const list = byModel.get(model) ?? [];
        list.push(channel);
        byModel.set(model, list);
      }
    }
    for (const list of byModel.values()) list.sort((a, b) => b.priority - a.priority);
    this.#byModel = byModel;
    this.#byId = byId;
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

  /** An enabled channel by id. */
  channel(id: number): RuntimeChannel | undefined {
    return this.#byId.get(id);
  }

  /** Every enabled channel. */
  channels(): Iterable<RuntimeChannel> {
    return this.#byId.values();
  }
}
