import { GatewayError } from '../core/gateway-error.ts';
import { rateLimitHeaders } from '../limits/rate-limit-headers.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import { clientNetwork } from '../security/client-network.ts';
import { admitOrUnavailable } from './admit-or-unavailable.ts';
import type { KeyContext } from './key-context.ts';

/** What authentication needs: keys by hash, and what to do about a caller without a valid one. */
export interface KeyLookup {
  lookup(keyHash: string, now?: number): Promise<KeyContext | null>;
  /** Called before a 401: may refuse with 429 instead (too many unauthenticated requests from `ip`). */
  unauthenticated?(ip: string): Promise<void>;
}

/**
 * Key lookups with a per-address limit on requests that bring no valid key (RATE_LIMIT_IP_RPM), so
 * guessing keys or flooding with bad ones is slowed on every node alike. Valid keys never count. An
 * IPv6 client is counted by its /64 (see clientNetwork).
 */
export class UnauthenticatedLimit implements KeyLookup {
  constructor(
    private readonly keys: Pick<KeyLookup, 'lookup'>,
    private readonly limiter: RateLimiter,
    private readonly perMinute: number,
    private readonly onRefused: () => void = () => {},
  ) {}

  lookup(keyHash: string, now?: number): Promise<KeyContext | null> {
    return this.keys.lookup(keyHash, now);
  }

  async unauthenticated(ip: string): Promise<void> {
    if (this.perMinute <= 0) return;
    const admission = await admitOrUnavailable(this.limiter, {
      buckets: [{ id: `ip:${clientNetwork(ip)}:unauthenticated`, kind: 'requests', limit: this.perMinute }],
    });
    if (admission.allowed) return;
    this.onRefused();
    const headers = rateLimitHeaders(admission);
    throw new GatewayError(
      429,
      'rate_limited',
      `Too many requests without a valid API key from ${clientNetwork(ip)}; retry after ${headers['retry-after']} s`,
      { headers },
    );
  }
}
