import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvalidationMessage } from '../invalidation-bus.ts';
import { createRedisConnection } from './redis-connection.ts';
import { RedisInvalidationBus } from './redis-invalidation-bus.ts';
import {
  announceRedisSkipped,
  connectTestRedis,
  testRedisUrl,
  uniqueTestPrefix,
} from './test-redis.test-support.ts';

announceRedisSkipped();

const until = async (condition: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((settle) => setTimeout(settle, 10));
  }
};

function capturingLogger() {
  const lines: { msg?: string }[] = [];
  return {
    lines,
    logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
  };
}

describe.skipIf(!testRedisUrl)('RedisInvalidationBus, against Redis itself', () => {
  let admin: Redis;
  let prefix: string;
  const closing: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    admin = await connectTestRedis('switchboard-test-bus-admin');
    prefix = uniqueTestPrefix();
  });
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
    await admin.quit();
  });

  async function node(keyPrefix = prefix, logger = pino({ level: 'silent' })) {
    const connection = await connectTestRedis('switchboard-test-bus-node');
    const bus = new RedisInvalidationBus(connection, { keyPrefix, logger });
    closing.push(
      () => connection.quit(),
      () => bus.close(),
    );
    await bus.ready();
    return bus;
  }

  it('resynchronises after its subscriber connection is killed, and hears later messages', async () => {
    const nodeA = await node();
    const { logger } = capturingLogger();
    const nodeB = await node(prefix, logger);
    const received: InvalidationMessage[] = [];
    nodeB.subscribe('keys', (message) => received.push(message));
    nodeB.subscribe('channels', (message) => received.push(message));

    const clients = String(await admin.client('LIST'));
    const line = clients.split('\n').find((entry) => entry.includes(`name=switchboard-bus-${nodeB.nodeId}`));
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id!);

    await until(() => received.filter((message) => message.reason === 'resync').length === 2);
    expect(received.map((message) => [message.topic, message.reason])).toEqual([
      ['keys', 'resync'],
      ['channels', 'resync'],
    ]);
    await nodeA.publish('keys', { keyId: 7 });
    await until(() => received.length === 3);
    expect(received[2]).toMatchObject({ topic: 'keys', payload: { keyId: 7 }, reason: 'published' });
  });

  it('ignores malformed messages and messages for unknown topics', async () => {
    const { lines, logger } = capturingLogger();
    const nodeA = await node();
    const nodeB = await node(prefix, logger);
    const received: InvalidationMessage[] = [];
    nodeB.subscribe('keys', (message) => received.push(message));
    await admin.publish(`${prefix}bus:keys`, 'not json');
    await admin.publish(`${prefix}bus:keys`, JSON.stringify({ v: 2, origin: 'x', payload: null }));
    await admin.publish(`${prefix}bus:keys`, JSON.stringify({ origin: 'x' }));
    await nodeA.publish('keys', 'after');
    await until(() => received.length === 1);
    expect(received[0]!.payload).toBe('after');
    expect(
      lines.filter((entry) => entry.msg === 'invalidation bus: ignored a malformed message'),
    ).toHaveLength(3);
  });

  it('keeps deployments with different prefixes apart', async () => {
    const here = await node();
    const elsewhere = await node(uniqueTestPrefix());
    const received: InvalidationMessage[] = [];
    here.subscribe('users', (message) => received.push(message));
    await elsewhere.publish('users', 'not for you');
    const probe = await node();
    await probe.publish('users', 'for you');
    await until(() => received.length === 1);
    expect(received[0]!.payload).toBe('for you');
  });

  it('logs rather than rejects when other nodes cannot be told, after telling its own subscribers', async () => {
    const { lines, logger } = capturingLogger();
    const connection = createRedisConnection('redis://127.0.0.1:1');
    connection.on('error', () => {});
    const bus = new RedisInvalidationBus(connection, { keyPrefix: prefix, logger });
    closing.push(
      async () => connection.disconnect(),
      () => bus.close(),
    );
    const received: InvalidationMessage[] = [];
    bus.subscribe('prices', (message) => received.push(message));
    await expect(bus.publish('prices', { model: 'gpt-4o' })).resolves.toBeUndefined();
    expect(received).toHaveLength(1);
    expect(lines.some((entry) => entry.msg === 'invalidation bus: could not tell other nodes')).toBe(true);
  });
});
