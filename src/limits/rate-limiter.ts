/**
 * A bucket one request is checked against. Every bucket is an exact sliding-window log over the
 * limiter's window (60 s in production): what was recorded in the last window counts, nothing older.
 *
 * - `requests`: one request counts 1 and is recorded by the admission itself.
 * - `tokens`: admission only checks; the tokens a request really used are added afterwards with
 *   `RateLimiter.record`. An `estimate` (clamped to the limit, so one large request cannot lock a
 *   key out for ever) must also fit: refused when `used + max(1, estimate) > limit`.
 */
export interface BucketCheck {
  /** Unique among the limiter's buckets, e.g. `key:42:rpm`, `user:7:tpm`, `ip:203.0.113.9:rpm`. */
  id: string;
  kind: 'requests' | 'tokens';
  /** Largest amount per window; a positive integer (leave out buckets whose limit is off). */
  limit: number;
  /** Tokens buckets: what this request is expected to use (default 0). */
  estimate?: number;
}

export interface AdmitRequest {
  /** All-or-nothing: if any bucket refuses, no bucket records anything. */
  buckets: readonly BucketCheck[];
}

/** One bucket's figures after the admission, for the `x-ratelimit-*` headers. */
export interface BucketState {
  id: string;
  kind: 'requests' | 'tokens';
  limit: number;
  /** What the window still holds room for, this request included when it was admitted. */
  remaining: number;
  /** Until the oldest entry in the window leaves it, i.e. until `remaining` next grows (0: empty). */
  resetMs: number;
  /** Whether this bucket had room for the request. */
  allowed: boolean;
  /** Refused buckets: until this bucket would have room for the request; 0 when it has. */
  retryAfterMs: number;
}

export interface Admission {
  allowed: boolean;
  /** Refused: until every refusing bucket would have room (for `Retry-After`); 0 when allowed. */
  retryAfterMs: number;
  /** In the order of `AdmitRequest.buckets`. */
  buckets: BucketState[];
  /** Set when the limiter could not decide (its store failed) and a fail-open wrapper let it pass. */
  failedOpen?: true;
}

/**
 * Request and token rate limits over a sliding window, on one node (memory) or any number of nodes
 * sharing one store (Redis). Backend failures reject with `RateLimiterUnavailableError`; wrap a
 * limiter in `FailOpenRateLimiter` to let traffic through instead.
 */
export interface RateLimiter {
  /**
   * Whether an admission waits on a round trip to a shared store (Redis) rather than answering from
   * this process's memory: callers may then do other work while it is decided.
   */
  readonly remote: boolean;
  admit(request: AdmitRequest): Promise<Admission>;
  /**
   * Adds what a finished request used to a `tokens` bucket; amounts of 0 or less add nothing. Every
   * admission this limiter starts after the call sees the tokens; a store shared by several nodes may
   * get them a little later (Redis: with this node's next admission, or within `recordDelayMs`).
   * Resolves once they are written; rejects when they could not be (callers log it and go on).
   */
  record(bucketId: string, amount: number): Promise<void>;
  /** Releases what the limiter holds (connections it owns, memory). */
  close(): Promise<void>;
}
