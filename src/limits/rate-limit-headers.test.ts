import { describe, expect, it } from 'vitest';
import { rateLimitHeaders } from './rate-limit-headers.ts';
import type { BucketState } from './rate-limiter.ts';

const bucket = (overrides: Partial<BucketState> & Pick<BucketState, 'id'>): BucketState => ({
  kind: 'requests',
  limit: 60,
  remaining: 10,
  resetMs: 1000,
  allowed: true,
  retryAfterMs: 0,
  ...overrides,
});

describe('rateLimitHeaders', () => {
  it('reports the tightest bucket of each kind', () => {
    const headers = rateLimitHeaders({
      allowed: true,
      retryAfterMs: 0,
      buckets: [
        bucket({ id: 'key', limit: 30, remaining: 12, resetMs: 2000 }),
        bucket({ id: 'plan', limit: 600, remaining: 5, resetMs: 360_000 }),
        bucket({ id: 'ip', limit: 10, remaining: 7, resetMs: 0 }),
        bucket({ id: 'tpm', kind: 'tokens', limit: 10_000, remaining: 9000, resetMs: 8640 }),
      ],
    });
    expect(headers).toEqual({
      'x-ratelimit-limit-requests': '600',
      'x-ratelimit-remaining-requests': '5',
      'x-ratelimit-reset-requests': '6m0s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '9000',
      'x-ratelimit-reset-tokens': '8.64s',
    });
  });

  it('says only the limits when the limiter failed open, since what is left is not known', () => {
    const headers = rateLimitHeaders({
      allowed: true,
      retryAfterMs: 0,
      failedOpen: true,
      buckets: [
        bucket({ id: 'key', limit: 30, remaining: 30, resetMs: 0 }),
        bucket({ id: 'tpm', kind: 'tokens', limit: 10_000, remaining: 10_000, resetMs: 0 }),
      ],
    });
    expect(headers).toEqual({ 'x-ratelimit-limit-requests': '30', 'x-ratelimit-limit-tokens': '10000' });
  });

  it('breaks ties on remaining by the smaller limit', () => {
    const headers = rateLimitHeaders({
      allowed: true,
      retryAfterMs: 0,
      buckets: [bucket({ id: 'a', limit: 100, remaining: 0 }), bucket({ id: 'b', limit: 20, remaining: 0 })],
    });
    expect(headers['x-ratelimit-limit-requests']).toBe('20');
  });

  it('adds Retry-After in whole seconds, rounded up, when refused', () => {
    const headers = rateLimitHeaders({
      allowed: false,
      retryAfterMs: 2001,
      buckets: [bucket({ id: 'key', remaining: 0, resetMs: 1500, allowed: false, retryAfterMs: 2001 })],
    });
    expect(headers['retry-after']).toBe('3');
    expect(headers['x-ratelimit-reset-requests']).toBe('2.001s');
    expect(rateLimitHeaders({ allowed: false, retryAfterMs: 1, buckets: [] })).toEqual({
      'retry-after': '1',
    });
  });

  it('sends nothing for an admission without buckets', () => {
    expect(rateLimitHeaders({ allowed: true, retryAfterMs: 0, buckets: [] })).toEqual({});
  });
});
