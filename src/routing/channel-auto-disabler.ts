import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { ChannelHealth } from './channel-health.ts';
import type { ChannelDisabler } from './failover-policy.ts';

/**
 * Takes channels out of service when their upstream refuses their credentials, and puts them back
 * when a health check passes: sets `enabled` and `disabled_reason` in the database, reloads the
 * routing table, and writes a system log row. Only channels the gateway disabled (a
 * `disabled_reason`) are ever re-enabled; an admin's choice stands.
 */
export class ChannelAutoDisabler implements ChannelDisabler {
  readonly #pending = new Set<Promise<void>>();
  readonly #disabling = new Set<number>();

  constructor(
    private readonly store: Store,
    /** Reloads the channels on this node and tells the other nodes. */
    private readonly channelsChanged: () => Promise<void>,
    private readonly health: ChannelHealth,
    private readonly logger: Logger,
  ) {}

  disable(channelId: number, reason: string): void {
    this.health.markDisabled(channelId);
    // Concurrent requests all see the refusal: one write is enough.
    if (this.#disabling.has(channelId)) return;
    this.#disabling.add(channelId);
    this.#track(
      this.disableNow(channelId, reason).finally(() => this.#disabling.delete(channelId)),
      channelId,
    );
  }

  /** As `disable`, awaited; true when this call disabled the channel. */
  async disableNow(channelId: number, reason: string): Promise<boolean> {
    this.health.markDisabled(channelId);
    const disabled = await this.store.channels.disableAutomatically(
      channelId,
      `upstream refused the credentials: ${reason}`,
    );
    if (!disabled) return false;
    const row = await this.store.channels.findById(channelId);
    await this.store.systemLogs.insert({
      level: 'warn',
      event: 'channel_disabled',
      channel_id: channelId,
      message: `Channel '${row?.name ?? channelId}' disabled: the upstream refused its credentials (${reason})`,
    });
    this.logger.warn(
      { channel: channelId, reason },
      'channel disabled: the upstream refused its credentials',
    );
    await this.channelsChanged();
    return true;
  }

  /** Re-enables a channel the gateway had disabled; true when it did. */
  async reenable(channelId: number, why: string): Promise<boolean> {
    const enabled = await this.store.channels.enableAutomatically(channelId);
    if (!enabled) return false;
    this.health.reset(channelId);
    const row = await this.store.channels.findById(channelId);
    await this.store.systemLogs.insert({
      level: 'info',
      event: 'channel_enabled',
      channel_id: channelId,
      message: `Channel '${row?.name ?? channelId}' re-enabled: ${why}`,
    });
    this.logger.info({ channel: channelId }, 'channel re-enabled by the health check');
    await this.channelsChanged();
    return true;
  }

  /** Waits for the writes started by `disable` (before the store closes). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #track(task: Promise<unknown>, channelId: number): void {
    const tracked = task.then(
      () => undefined,
      (error: unknown) =>
        this.logger.error({ err: error, channel: channelId }, 'could not disable the channel'),
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}
