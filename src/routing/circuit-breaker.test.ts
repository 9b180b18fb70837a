import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerOptions } from './circuit-breaker.ts';

const options: BreakerOptions = {
  failureThreshold: 3,
  errorRate: 0.5,
  minRequests: 10,
  windowMs: 60_000,
  cooldownMs: 1000,
};

const failTimes = (breaker: CircuitBreaker, times: number, now: number) => {
  for (let i = 0; i < times; i++) breaker.failure(now);
};

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures; a success in between starts the count again', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 2, 0);
    breaker.success(0);
    failTimes(breaker, 2, 0);
    expect(breaker.state(0)).toBe('closed');
    breaker.failure(0);
    expect(breaker.state(0)).toBe('open');
    expect(breaker.admit(10, false)).toBe('refuse');
  });

  it('opens on the error rate over the window once it holds enough requests', () => {
    const breaker = new CircuitBreaker({ ...options, failureThreshold: 100 });
    for (let i = 0; i < 4; i++) {
      breaker.success(0);
      breaker.failure(0);
    }
    expect(breaker.state(0)).toBe('closed'); // 8 requests: below minRequests
    breaker.success(0);
    breaker.failure(0);
    expect(breaker.state(0)).toBe('open'); // 10 requests, half failed
  });

  it('forgets failures that left the window', () => {
    const breaker = new CircuitBreaker({ ...options, failureThreshold: 100 });
    for (let i = 0; i < 9; i++) breaker.failure(0);
    for (let i = 0; i < 9; i++) breaker.success(120_000);
    breaker.failure(120_000);
    expect(breaker.state(120_000)).toBe('closed');
  });

  it('lets exactly one probe through after the cooldown; its success closes the breaker', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 0);
    expect(breaker.availableAt(0)).toBe(1000);
    expect(breaker.admit(999, false)).toBe('refuse');
    expect(breaker.state(1000)).toBe('half-open');
    expect(breaker.admit(1000, false)).toBe('probe');
    expect(breaker.admit(1001, false)).toBe('refuse');
    breaker.success(1100);
    expect(breaker.state(1100)).toBe('closed');
    expect(breaker.admit(1100, false)).toBe('pass');
  });

  it('opens again for another cooldown when the probe fails', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 0);
    expect(breaker.admit(1000, false)).toBe('probe');
    breaker.failure(1200);
    expect(breaker.state(1200)).toBe('open');
    expect(breaker.admit(2100, false)).toBe('refuse');
    expect(breaker.admit(2200, false)).toBe('probe');
  });

  it('frees the probe when its request ends without a verdict, or after a cooldown', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 0);
    const probe = breaker.admit(1000, false);
    breaker.release(probe);
    expect(breaker.admit(1001, false)).toBe('probe');
    // This probe never reports: another may go one cooldown later.
    expect(breaker.admit(1500, false)).toBe('refuse');
    expect(breaker.admit(2001, false)).toBe('probe');
  });

  it('lets a forced request through an open breaker', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 0);
    expect(breaker.admit(10, true)).toBe('pass');
    breaker.success(20);
    expect(breaker.state(20)).toBe('closed');
  });

  it('turns the error-rate rule off at 0', () => {
    const breaker = new CircuitBreaker({ ...options, failureThreshold: 100, errorRate: 0 });
    for (let i = 0; i < 50; i++) {
      breaker.success(0);
      breaker.failure(0);
    }
    expect(breaker.state(0)).toBe('closed');
  });
});
