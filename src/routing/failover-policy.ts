import type { BackoffOptions } from './backoff.ts';

/** How far one request goes to find a channel that answers. */
export interface FailoverPolicy {
  /** Upstream calls per request at most; 0 for one per candidate channel. */
  maxAttempts: number;
  /** No new attempt (nor wait for one) starts once this long has passed since the first. */
  budgetMs: number;
  backoff: BackoffOptions;
}

/** What the relay does with a channel whose credentials its upstream refused. */
export interface ChannelDisabler {
  /** Takes the channel out of service, saying why; returns at once (the writes happen behind). */
  disable(channelId: number, reason: string): void;
}
