import { describe, expect, it } from 'vitest';
import { ChannelHealth } from './channel-health.ts';

const breaker = { failureThreshold: 2, errorRate: 0, minRequests: 10, windowMs: 60_000, cooldownMs: 1000 };

function clocked() {
  const clock = { now: 10_000 };
  return { clock, health: new ChannelHealth({ breaker }, () => clock.now) };
}

describe('ChannelHealth', () => {
  it('admits until the breaker opens, then only a probe after the cooldown', () => {
    const { clock, health } = clocked();
    for (let i = 0; i < 2; i++) health.failed(health.admit(1, false)!, '500: boom');
    expect(health.admit(1, false)).toBeUndefined();
    expect(health.availableAt(1)).toBe(clock.now + 1000);
    expect(health.admit(1, true)).toEqual({ channelId: 1, breaker: 'pass' });
    clock.now += 1000;
    const probe = health.admit(1, false);
    expect(probe).toEqual({ channelId: 1, breaker: 'probe' });
    expect(health.admit(1, false)).toBeUndefined();
    health.succeeded(probe!, 120);
    expect(health.figures(1)).toMatchObject({ breaker: 'closed', averageLatencyMs: 120 });
  });

  it('rests a channel for its Retry-After, unless forced', () => {
    const { clock, health } = clocked();
    health.failed(health.admit(1, false)!, '429: slow down', 2000);
    expect(health.admit(1, false)).toBeUndefined();
    expect(health.availableAt(1)).toBe(clock.now + 2000);
    expect(health.figures(1).restingUntil).toBe(clock.now + 2000);
    expect(health.admit(1, true)).toBeDefined();
    clock.now += 2000;
    expect(health.admit(1, false)).toBeDefined();
  });

  it('keeps success rate, latency average and the last error', () => {
    const { clock, health } = clocked();
    health.succeeded(health.admit(1, false)!, 100);
    health.succeeded(health.admit(1, false)!, 200);
    health.failed(health.admit(1, false)!, '503: overloaded');
    health.succeeded(health.admit(1, false)!);
    expect(health.figures(1)).toMatchObject({
      breaker: 'closed',
      successRate: 0.75,
      requests: 4,
      averageLatencyMs: 130,
      lastError: '503: overloaded',
      lastErrorAt: clock.now,
    });
    health.interrupted(1, 'cut');
    expect(health.figures(1)).toMatchObject({ successRate: 0.5, lastError: 'cut' });
  });

  it('forgets a latency average whose last sample is too old', () => {
    const clock = { now: 0 };
    const health = new ChannelHealth({ breaker, latencyMaxAgeMs: 1000 }, () => clock.now);
    health.succeeded(health.admit(1, false)!, 100);
    expect(health.averageLatencyMs(1)).toBe(100);
    clock.now = 1001;
    expect(health.averageLatencyMs(1)).toBeUndefined();
  });

  it('frees a probe released without a verdict', () => {
    const { clock, health } = clocked();
    for (let i = 0; i < 2; i++) health.failed(health.admit(1, false)!, 'x');
    clock.now += 1000;
    health.released(health.admit(1, false)!);
    expect(health.admit(1, false)?.breaker).toBe('probe');
  });

  it('closes on a passed check and resets a re-enabled channel', () => {
    const { health } = clocked();
    for (let i = 0; i < 2; i++) health.failed(health.admit(1, false)!, 'x');
    health.checked(1, false, 'still down');
    expect(health.figures(1)).toMatchObject({ breaker: 'open', lastError: 'still down' });
    health.checked(1, true, 'ok');
    expect(health.figures(1).breaker).toBe('closed');
    health.markDisabled(1);
    expect(health.isDisabled(1)).toBe(true);
    health.reset(1);
    expect(health.isDisabled(1)).toBe(false);
  });
});
