import { describe, expect, it } from 'vitest';
import { addressKey, LoginLimiter } from './login-limiter.ts';

const options = { maxFailuresPerUser: 3, maxFailuresPerAddress: 5, windowMs: 60_000, cooldownMs: 30_000 };

describe('LoginLimiter', () => {
  it('locks a username after N failures within the window, for the cooldown', () => {
    const limiter = new LoginLimiter(options);
    limiter.recordFailure('alice', '10.0.0.1', 1000);
    limiter.recordFailure('alice', '10.0.0.2', 2000);
    expect(limiter.retryAfterMs('alice', '10.0.0.3', 2000)).toBe(0);
    limiter.recordFailure('alice', '10.0.0.3', 3000);
    expect(limiter.retryAfterMs('alice', '10.0.0.9', 3000)).toBe(30_000);
    expect(limiter.retryAfterMs('ALICE', '10.0.0.9', 13_000)).toBe(20_000);
    expect(limiter.retryAfterMs('bob', '10.0.0.9', 13_000)).toBe(0);
    expect(limiter.retryAfterMs('alice', '10.0.0.9', 33_000)).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const limiter = new LoginLimiter(options);
    limiter.recordFailure('alice', '10.0.0.1', 0);
    limiter.recordFailure('alice', '10.0.0.1', 1000);
    limiter.recordFailure('alice', '10.0.0.1', 61_000);
    expect(limiter.retryAfterMs('alice', '10.0.0.1', 61_000)).toBe(0);
  });

  it('locks an address after N failures across usernames', () => {
    const limiter = new LoginLimiter(options);
    for (let index = 0; index < 5; index++) limiter.recordFailure(`user${index}`, '10.0.0.1', 1000);
    expect(limiter.retryAfterMs('someone-else', '10.0.0.1', 1000)).toBe(30_000);
    expect(limiter.retryAfterMs('someone-else', '10.0.0.2', 1000)).toBe(0);
  });

  it('counts an IPv6 /64 as one address', () => {
    const limiter = new LoginLimiter(options);
    for (let index = 1; index <= 5; index++) limiter.recordFailure(`u${index}`, `2001:db8:1:2::${index}`, 0);
    expect(limiter.retryAfterMs('x', '2001:db8:1:2:ffff::1', 0)).toBe(30_000);
    expect(limiter.retryAfterMs('x', '2001:db8:1:3::1', 0)).toBe(0);
  });

  it('clears the username count on success, but not the address count', () => {
    const limiter = new LoginLimiter(options);
    limiter.recordFailure('alice', '10.0.0.1', 0);
    limiter.recordFailure('alice', '10.0.0.1', 0);
    limiter.recordSuccess('alice');
    limiter.recordFailure('alice', '10.0.0.1', 0);
    limiter.recordFailure('alice', '10.0.0.1', 0);
    expect(limiter.retryAfterMs('alice', '10.0.0.2', 0)).toBe(0);
    limiter.recordFailure('mallory', '10.0.0.1', 0);
    expect(limiter.retryAfterMs('nobody', '10.0.0.1', 0)).toBe(30_000);
  });

  it('keeps at most maxEntries, dropping the stalest first', () => {
    const limiter = new LoginLimiter({ ...options, maxEntries: 10 });
    for (let index = 0; index < 100; index++) limiter.recordFailure(`user${index}`, '10.0.0.1', index);
    // The address entry is the oldest and gets dropped too; what matters is that memory stays bounded.
    for (let index = 0; index < 100; index++) limiter.recordFailure(`user${index}`, `10.0.1.${index}`, 100);
    expect(limiter.retryAfterMs('user99', '10.9.9.9', 100)).toBe(0);
  });
});

describe('addressKey', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::1:2:3:4:5:6:7', '0:1:2:3::/64'],
    ['not-an-ip', 'not-an-ip'],
  ])('counts %s as %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
