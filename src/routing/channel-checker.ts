import type { Logger } from 'pino';
import { toRuntimeChannel } from '../relay/to-runtime-channel.ts';
import type { UpstreamClient } from '../relay/upstream-client.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { ChannelRow } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { ChannelAutoDisabler } from './channel-auto-disabler.ts';
import type { ChannelHealth } from './channel-health.ts';
import { testChannel, type ChannelTestResult } from './test-channel.ts';

export interface ChannelCheckerDeps {
  upstream: UpstreamClient;
  store: Store;
  secretBox: SecretBox;
  health: ChannelHealth;
  disabler: ChannelAutoDisabler;
  logger: Logger;
  /** The longest a test waits for the whole answer. */
  timeoutMs: number;
}

/**
 * Tests a channel with one tiny real request and acts on the result: the test's time and error
 * are stored; a pass closes the channel's breaker (and, when asked, re-enables a channel the
 * gateway had disabled); refused credentials disable an enabled channel.
 */
export class ChannelChecker {
  constructor(private readonly deps: ChannelCheckerDeps) {}

  async check(row: ChannelRow, options: { reenable: boolean }): Promise<ChannelTestResult> {
    const { store, health, disabler } = this.deps;
    const channel = toRuntimeChannel(row, this.deps.secretBox, this.deps.logger);
    const result: ChannelTestResult = channel
      ? await testChannel(this.deps.upstream, channel, this.deps.timeoutMs)
      : {
          success: false,
          latencyMs: 0,
          status: 0,
          message: 'The channel cannot be used: unknown provider, unreadable key or invalid base URL',
          authFailure: false,
        };
    await store.channels.recordCheck(row.id, Date.now(), result.success ? null : result.message);
    health.checked(row.id, result.success, result.message);
    if (row.enabled === 1 && result.authFailure) {
      await disabler.disableNow(row.id, result.message);
    } else if (row.enabled === 0 && result.success && options.reenable && row.disabled_reason !== null) {
      await disabler.reenable(row.id, `a health check passed in ${result.latencyMs} ms`);
    }
    return result;
  }
}
