import type { Admission, BucketCheck } from './rate-limiter.ts';

/** How long an admission's figures are trusted for a forecast. */
const FRESH_MS = 2_000;
/** Room a bucket must have kept beyond a request's own need: at least this much… */
const MIN_SPARE = 16;
/** …and at least this share of its limit, for what other requests and nodes took since. */
const SPARE_SHARE = 0.1;
/** Buckets remembered at most; beyond, the memory starts over (forecasts then wait for admissions). */
const MAX_BUCKETS = 100_000;

interface Seen {
  limit: number;
  remaining: number;
  at: number;
}

/**
 * What the limiter answered lately, per bucket, to tell whether the next request will very likely
 * be admitted. With a limiter that answers over a round trip (Redis), such a request's credit hold is
 * placed while the limiter decides, instead of after. Only a bucket seen recently with room well
 * beyond the request's need counts as roomy, so a client pressing against its limit is always
 * checked first and a refused request almost never has a hold to give back. A forecast decides
 * nothing: the limiter's answer is the one that stands.
 */
export class RoomForecast {
  readonly #seen = new Map<string, Seen>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Remembers an admission's figures (not those of one let through while the limiter was down). */
  note(admission: Admission): void {
    if (admission.failedOpen) return;
    if (this.#seen.size >= MAX_BUCKETS) this.#seen.clear();
    const at = this.clock();
    for (const bucket of admission.buckets) {
      this.#seen.set(bucket.id, { limit: bucket.limit, remaining: bucket.remaining, at });
    }
  }

  /** Whether every bucket was seen lately, under the same limit, with room to spare for this request. */
  expectsRoom(buckets: readonly BucketCheck[]): boolean {
    const now = this.clock();
    for (const bucket of buckets) {
      const seen = this.#seen.get(bucket.id);
      if (seen === undefined || seen.limit !== bucket.limit || now - seen.at > FRESH_MS) return false;
      const need = bucket.kind === 'requests' ? 1 : Math.max(1, Math.ceil(bucket.estimate ?? 0));
      const spare = Math.max(MIN_SPARE, Math.ceil(bucket.limit * SPARE_SHARE));
      if (seen.remaining < need + spare) return false;
    }
    return true;
  }
}
