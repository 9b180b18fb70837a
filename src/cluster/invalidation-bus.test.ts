import { afterEach, describe, expect, it, vi } from 'vitest';
import { busBackends, type BusCluster } from './invalidation-bus-backends.test-support.ts';
import type { InvalidationMessage, InvalidationTopic } from './invalidation-bus.ts';
import { announceRedisSkipped } from './redis/test-redis.test-support.ts';

announceRedisSkipped();

/** Resolves once `count` messages have arrived, or rejects after `timeoutMs`. */
function collect(count: number, timeoutMs = 1000) {
  const received: InvalidationMessage[] = [];
  let resolve: () => void = () => {};
  const done = new Promise<void>((settle, reject) => {
    resolve = settle;
    setTimeout(() => reject(new Error(`got ${received.length} of ${count} messages`)), timeoutMs).unref();
  });
  const handler = (message: InvalidationMessage) => {
    received.push(message);
    if (received.length === count) resolve();
  };
  return { received, handler, done };
}

for (const backend of busBackends) {
  describe.skipIf(!backend.create)(`invalidation bus on ${backend.name}`, () => {
    let cluster: BusCluster | undefined;
    const start = async (nodes: number) => {
      cluster = await backend.create!(nodes);
      return cluster.buses;
    };
    afterEach(async () => {
      await cluster?.close();
      cluster = undefined;
    });

    it('delivers a revocation on node A to node B within a second', async () => {
      const [nodeA, nodeB] = await start(2);
      const onB = collect(1);
      nodeB!.subscribe('keys', onB.handler);
      const started = performance.now();
      await nodeA!.publish('keys', { keyId: 42, revoked: true });
      await onB.done;
      expect(performance.now() - started).toBeLessThan(1000);
      expect(onB.received).toEqual([
        {
          topic: 'keys',
          payload: { keyId: 42, revoked: true },
          origin: nodeA!.nodeId,
          own: false,
          reason: 'published',
        },
      ]);
    });

    it("delivers to the publisher's own subscribers before publish resolves, unless they ignore their own", async () => {
      const [nodeA, nodeB] = await start(2);
      const own = vi.fn();
      const ignoring = vi.fn();
      nodeA!.subscribe('channels', own);
      nodeA!.subscribe('channels', ignoring, { ignoreOwn: true });
      const onB = collect(1);
      nodeB!.subscribe('channels', onB.handler, { ignoreOwn: true });
      await nodeA!.publish('channels');
      expect(own).toHaveBeenCalledExactlyOnceWith({
        topic: 'channels',
        payload: null,
        origin: nodeA!.nodeId,
        own: true,
        reason: 'published',
      });
      expect(ignoring).not.toHaveBeenCalled();
      await onB.done;
      // The message does not come back to A through the other nodes' path.
      await new Promise((settle) => setTimeout(settle, 50));
      expect(own).toHaveBeenCalledTimes(1);
    });

    it('keeps publication order within each topic', async () => {
      const [nodeA, nodeB, nodeC] = await start(3);
      const topics: InvalidationTopic[] = ['keys', 'users', 'prices'];
      const perTopic = 100;
      const onB = topics.map((topic) => {
        const collector = collect(perTopic, 5000);
        nodeB!.subscribe(topic, collector.handler);
        return collector;
      });
      const onC = collect(perTopic, 5000);
      nodeC!.subscribe('users', onC.handler);
      const publishing: Promise<void>[] = [];
      for (let sequence = 0; sequence < perTopic; sequence++) {
        for (const topic of topics) publishing.push(nodeA!.publish(topic, { sequence }));
      }
      await Promise.all(publishing);
      await Promise.all([...onB.map((collector) => collector.done), onC.done]);
      const expected = Array.from({ length: perTopic }, (_, sequence) => ({ sequence }));
      onB.forEach((collector, index) => {
        expect(collector.received.every((message) => message.topic === topics[index])).toBe(true);
        expect(collector.received.map((message) => message.payload)).toEqual(expected);
      });
      expect(onC.received.map((message) => message.payload)).toEqual(expected);
    });

    it('stops delivering after unsubscribe, and one failing handler does not stop the others', async () => {
      const [nodeA, nodeB] = await start(2);
      const gone = vi.fn();
      const unsubscribe = nodeB!.subscribe('models', gone);
      unsubscribe();
      nodeB!.subscribe('models', () => {
        throw new Error('handler bug');
      });
      const onB = collect(2);
      nodeB!.subscribe('models', onB.handler);
      await nodeA!.publish('models', 'first');
      await nodeA!.publish('models', 'second');
      await onB.done;
      expect(onB.received.map((message) => message.payload)).toEqual(['first', 'second']);
      expect(gone).not.toHaveBeenCalled();
    });

    it('hands each node its own copy of the payload', async () => {
      const [nodeA, nodeB, nodeC] = await start(3);
      const onB = collect(1);
      const onC = collect(1);
      nodeB!.subscribe('settings', (message) => {
        onB.handler(message);
        (message.payload as { changed: string[] }).changed.push('tampered');
      });
      nodeC!.subscribe('settings', onC.handler);
      await nodeA!.publish('settings', { changed: ['signup_credits'] });
      await Promise.all([onB.done, onC.done]);
      expect(onC.received[0]!.payload).toEqual({ changed: ['signup_credits'] });
    });
  });
}
