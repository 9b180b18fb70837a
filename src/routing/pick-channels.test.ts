import { describe, expect, it } from 'vitest';
import { runtimeChannel as channel } from '../relay/runtime-channel.test-support.ts';
import { ChannelHealth } from './channel-health.ts';
import { pickChannels } from './pick-channels.ts';

const breaker = { failureThreshold: 1, errorRate: 0, minRequests: 10, windowMs: 60_000, cooldownMs: 1000 };

describe('pickChannels', () => {
  const channels = [channel(1, 10), channel(2, 5), channel(3, 0)];

  it('puts channels with an open breaker or a rest last, soonest ready first', () => {
    const clock = { now: 0 };
    const health = new ChannelHealth({ breaker }, () => clock.now);
    health.failed(health.admit(3, false)!, '429', 5000);
    health.failed(health.admit(1, false)!, 'down');
    const route = pickChannels(channels, 'priority', health);
    expect(route.channels.map((c) => c.id)).toEqual([2, 1, 3]);
    expect(route.restingFrom).toBe(1);
  });

  it('still lists them all when none is available', () => {
    const clock = { now: 0 };
    const health = new ChannelHealth({ breaker }, () => clock.now);
    health.failed(health.admit(1, false)!, '429', 5000);
    clock.now = 100;
    health.failed(health.admit(2, false)!, 'down');
    health.failed(health.admit(3, false)!, '429', 3000);
    const route = pickChannels(channels, 'priority', health);
    expect(route.restingFrom).toBe(0);
    expect(route.channels.map((c) => c.id)).toEqual([2, 3, 1]);
  });

  it('never routes to a channel being disabled', () => {
    const health = new ChannelHealth({ breaker });
    health.markDisabled(2);
    expect(pickChannels(channels, 'priority', health).channels.map((c) => c.id)).toEqual([1, 3]);
    health.markDisabled(1);
    health.markDisabled(3);
    expect(pickChannels(channels, 'priority', health)).toEqual({ channels: [], restingFrom: 0 });
  });

  it('orders by latency for least-latency models', () => {
    const health = new ChannelHealth({ breaker });
    health.succeeded(health.admit(1, false)!, 300);
    health.succeeded(health.admit(2, false)!, 100);
    health.succeeded(health.admit(3, false)!, 200);
    expect(pickChannels(channels, 'least-latency', health).channels.map((c) => c.id)).toEqual([2, 3, 1]);
  });
});
