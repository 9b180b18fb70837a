import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { GatewayMetrics, type BreakerReading } from './metrics.ts';
import { registerMetricsRoute } from './metrics-route.ts';

describe('GatewayMetrics', () => {
  it('renders every series after observations', async () => {
    const metrics = new GatewayMetrics();
    metrics.observeRequest({
      surface: 'openai',
      model: 'gpt-4o',
      status: 200,
      durationSeconds: 0.8,
      overheadSeconds: 0.0003,
    });
    metrics.observeRequest({
      surface: 'openai',
      model: 'gpt-4o',
      status: 200,
      durationSeconds: 45,
      overheadSeconds: 0.002,
    });
    metrics.observeRequest({
      surface: 'anthropic',
      model: 'claude-sonnet-4-5',
      status: 429,
      durationSeconds: 0.004,
      overheadSeconds: 0.0001,
    });
    metrics.observeRequest({
      surface: 'gemini',
      model: 'gemini-2.5-pro',
      status: 200,
      durationSeconds: 300,
      overheadSeconds: 0.5,
    });
    metrics.countTokens('gpt-4o', { input: 1200, output: 300, cached: 1000 });
    metrics.countTokens('gpt-4o', { input: 10, output: 0 });
    metrics.countCredits('gpt-4o', 4_500);
    metrics.countCredits('gpt-4o', 0);
    metrics.countUpstreamError('openai-main', 'upstream_timeout');
    metrics.countRateLimitRefusal('key');
    metrics.countRateLimitRefusal('key');
    metrics.countRateLimitRefusal('ip');
    metrics.countCreditRefusal();
    metrics.setBreakerSource(() => [
      { channel: 'openai-main', state: 'open' },
      { channel: 'openai-backup', state: 'half-open' },
      { channel: 'anthropic', state: 'closed' },
    ]);

    const text = await metrics.render();
    const lines = text.split('\n');
    const expected = [
      'switchboard_requests_total{surface="openai",model="gpt-4o",status="200"} 2',
      'switchboard_requests_total{surface="anthropic",model="claude-sonnet-4-5",status="429"} 1',
      'switchboard_request_duration_seconds_bucket{le="1",surface="openai",model="gpt-4o"} 1',
      'switchboard_request_duration_seconds_bucket{le="60",surface="openai",model="gpt-4o"} 2',
      'switchboard_request_duration_seconds_bucket{le="0.005",surface="anthropic",model="claude-sonnet-4-5"} 1',
      'switchboard_request_duration_seconds_sum{surface="openai",model="gpt-4o"} 45.8',
      'switchboard_request_duration_seconds_count{surface="openai",model="gpt-4o"} 2',
      'switchboard_request_duration_seconds_bucket{le="+Inf",surface="gemini",model="gemini-2.5-pro"} 1',
      'switchboard_request_duration_seconds_bucket{le="120",surface="gemini",model="gemini-2.5-pro"} 0',
      'switchboard_overhead_seconds_bucket{le="0.0005",surface="openai"} 1',
      'switchboard_overhead_seconds_bucket{le="0.0025",surface="openai"} 2',
      'switchboard_overhead_seconds_bucket{le="0.0001",surface="anthropic"} 1',
      'switchboard_tokens_total{model="gpt-4o",kind="input"} 1210',
      'switchboard_tokens_total{model="gpt-4o",kind="output"} 300',
      'switchboard_tokens_total{model="gpt-4o",kind="cached"} 1000',
      'switchboard_credits_total{model="gpt-4o"} 4500',
      'switchboard_upstream_errors_total{channel="openai-main",code="upstream_timeout"} 1',
      'switchboard_channel_breaker_state{channel="openai-main"} 2',
      'switchboard_channel_breaker_state{channel="openai-backup"} 1',
      'switchboard_channel_breaker_state{channel="anthropic"} 0',
      'switchboard_ratelimit_refusals_total{scope="key"} 2',
      'switchboard_ratelimit_refusals_total{scope="ip"} 1',
      'switchboard_credit_refusals_total 1',
    ];
    for (const line of expected) expect(lines).toContain(line);
    expect(text).toMatch(/^# TYPE switchboard_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('reads breaker states at scrape time only, dropping channels that are gone', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    const source = vi.fn((): BreakerReading[] => [{ channel: 'a', state: 'open' }]);
    metrics.setBreakerSource(source);
    expect(source).not.toHaveBeenCalled();
    expect(await metrics.render()).toContain('switchboard_channel_breaker_state{channel="a"} 2');
    source.mockReturnValue([{ channel: 'b', state: 'closed' }]);
    const text = await metrics.render();
    expect(text).toContain('switchboard_channel_breaker_state{channel="b"} 0');
    expect(text).not.toContain('channel="a"');
    expect(text).not.toMatch(/^process_/m);
  });

  it('keeps registries apart: two gateways in one process count separately', async () => {
    const first = new GatewayMetrics({ defaultMetrics: false });
    const second = new GatewayMetrics({ defaultMetrics: false });
    first.countCreditRefusal();
    expect(await first.render()).toContain('switchboard_credit_refusals_total 1');
    expect(await second.render()).toContain('switchboard_credit_refusals_total 0');
  });

  it('folds label sets past the cap into one series labelled other', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false, maxSeriesPerMetric: 3 });
    for (let index = 0; index < 10; index++) metrics.countCredits(`made-up-${index}`, 1);
    const text = await metrics.render();
    expect(text.match(/^switchboard_credits_total\{/gm)).toHaveLength(4);
    expect(text).toContain('switchboard_credits_total{model="other"} 7');
  });
});

describe('registerMetricsRoute', () => {
  it('serves GET /metrics in the Prometheus text format', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    metrics.countRateLimitRefusal('user');
    const app = Fastify();
    registerMetricsRoute(app, metrics);
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('switchboard_ratelimit_refusals_total{scope="user"} 1');
    await app.close();
  });
});
