import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.ts';
import { MemoryRateLimiter } from '../limits/memory/memory-rate-limiter.ts';
import { UnauthenticatedLimit } from './unauthenticated-limit.ts';

describe('UnauthenticatedLimit', () => {
  const limit = () =>
    new UnauthenticatedLimit({ lookup: () => Promise.resolve(null) }, new MemoryRateLimiter(), 3);
  const outcome = (limited: UnauthenticatedLimit, ip: string) =>
    limited.unauthenticated(ip).then(
      () => 'passed',
      (error: unknown) => (error instanceof GatewayError ? error.status : 'threw'),
    );

  it('counts an IPv6 client by its /64, so rotating addresses in it gains nothing', async () => {
    const limited = limit();
    const tries = [];
    for (let index = 1; index <= 5; index++) tries.push(await outcome(limited, `2001:db8:7:7::${index}`));
    expect(tries).toEqual(['passed', 'passed', 'passed', 429, 429]);
    expect(await outcome(limited, '2001:db8:7:8::1')).toBe('passed');
  });

  it('counts IPv4 addresses each on their own', async () => {
    const limited = limit();
    for (let index = 0; index < 3; index++) expect(await outcome(limited, '198.51.100.1')).toBe('passed');
    expect(await outcome(limited, '198.51.100.1')).toBe(429);
    expect(await outcome(limited, '198.51.100.2')).toBe('passed');
    expect(await outcome(limited, '::ffff:198.51.100.1')).toBe(429);
  });
});
