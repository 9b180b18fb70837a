import { EventEmitter } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.ts';
import { ChannelHealth } from '../routing/channel-health.ts';
import type { FailoverPolicy } from '../routing/failover-policy.ts';
import { ClientLink } from './client-link.ts';
import { newRelayRecord, type RelayRecord } from './relay-record.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import { runtimeChannel } from './runtime-channel.test-support.ts';
import { sendWithFailover, type UpstreamAnswer } from './send-with-failover.ts';
import { UpstreamClient, type UpstreamRequest } from './upstream-client.ts';

/** An upstream that answers `/ok…` with 200 and its path, `/busy…` with 503; it keeps every path asked. */
let server: Server;
let origin: string;
const asked: string[] = [];
const upstream = new UpstreamClient({
  connectTimeoutMs: 1000,
  firstByteTimeoutMs: 1000,
  idleTimeoutMs: 1000,
  connections: 2,
});

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '';
    asked.push(path);
    request.resume();
    request.on('end', () => {
      response.writeHead(path.startsWith('/busy') ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ path }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await upstream.close();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  asked.length = 0;
});

const breaker = { failureThreshold: 3, errorRate: 0, minRequests: 10, windowMs: 60_000, cooldownMs: 60_000 };
const policy = (maxAttempts = 0): FailoverPolicy => ({
  maxAttempts,
  budgetMs: 5_000,
  backoff: { baseMs: 1, maxMs: 2 },
});

/** What the gateway says of a channel that cannot take the request (see unsupportedByChannel). */
const unsupported = () =>
  new GatewayError(400, 'unsupported_by_channel', 'No channel of this model can take the request: …');

/** Sends to `channels` in order; `paths` says what each channel does: refuse, or the path it calls. */
async function send(
  channels: RuntimeChannel[],
  paths: Record<number, string | 'cannot take'>,
  maxAttempts = 0,
) {
  const health = new ChannelHealth({ breaker });
  const record = newRelayRecord('req-1', '/v1/chat/completions');
  const link = new ClientLink(new EventEmitter() as unknown as ServerResponse);
  const build = (channel: RuntimeChannel): UpstreamRequest => {
    const path = paths[channel.id]!;
    if (path === 'cannot take') throw unsupported();
    return { origin, path, headers: {}, body: '{}' };
  };
  const take = async (answer: UpstreamAnswer) => ({
    ok: true as const,
    value: (await answer.call.buffer()).toString('utf8'),
  });
  const deps = { upstream, health, disabler: { disable: () => {} }, failover: policy(maxAttempts) };
  const sent = sendWithFailover(deps, { channels, restingFrom: channels.length }, build, take, record, link);
  const outcome = await sent.then(
    ({ answer, value }) => ({ channel: answer.channel.id, value, error: undefined }),
    (error: unknown) => ({ channel: undefined, value: undefined, error }),
  );
  return { ...outcome, record, health };
}

/**
 * What the loop did: the paths the upstream was asked for, each channel's outcome in `record.attempts`
 * in order, and the channel left on record.
 */
function expectTried(
  record: RelayRecord,
  paths: string[],
  outcomes: [channel: number, outcome: string][],
  channelId: number | null,
): void {
  expect(asked).toEqual(paths);
  expect(record.attempts).toEqual(outcomes.map(([channel, outcome]) => ({ channel, outcome })));
  expect(record.channelId).toBe(channelId);
}

describe('sendWithFailover, with a channel that cannot take the request', () => {
  it('skips it uncalled, with no verdict on its health and no attempt spent, for the next channel', async () => {
    const [first, second] = [runtimeChannel(1), runtimeChannel(2)];
    const { channel, value, record, health } = await send(
      [first!, second!],
      { 1: 'cannot take', 2: '/ok-2' },
      1,
    );
    expect(channel).toBe(2);
    expect(value).toBe(JSON.stringify({ path: '/ok-2' }));
    expectTried(
      record,
      ['/ok-2'],
      [
        [1, 'skipped_unsupported'],
        [2, 'ok'],
      ],
      2,
    );
    expect(health.figures(1).requests).toBe(0);
    expect(health.figures(2).requests).toBe(1);
  });

  it('answers its 400 only when no channel can take the request, having called none', async () => {
    const { error, record, health } = await send([runtimeChannel(1), runtimeChannel(2)], {
      1: 'cannot take',
      2: 'cannot take',
    });
    expect(error).toMatchObject({ status: 400, code: 'unsupported_by_channel' });
    expectTried(
      record,
      [],
      [
        [1, 'skipped_unsupported'],
        [2, 'skipped_unsupported'],
      ],
      null,
    );
    expect(health.figures(1).requests + health.figures(2).requests).toBe(0);
  });

  it('answers with the failure of a channel that could take it and failed, not with the skip', async () => {
    const { error, record, health } = await send([runtimeChannel(1), runtimeChannel(2)], {
      1: '/busy-1',
      2: 'cannot take',
    });
    expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
    expectTried(
      record,
      ['/busy-1'],
      [
        [1, '503'],
        [2, 'skipped_unsupported'],
      ],
      1,
    );
    expect(health.figures(1).consecutiveFailures).toBe(1);
    expect(health.figures(2).requests).toBe(0);
  });
});
