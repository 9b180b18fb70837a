import type { Logger } from 'pino';
import type {
  InvalidationBus,
  InvalidationHandler,
  InvalidationTopic,
  JsonValue,
  SubscribeOptions,
} from '../invalidation-bus.ts';
import { LocalSubscribers } from '../local-subscribers.ts';
import { newNodeId } from '../node-id.ts';

/** Buses that hear each other, standing in for nodes within one process (tests). */
export class MemoryInvalidationHub {
  readonly members = new Set<MemoryInvalidationBus>();
}

export interface MemoryInvalidationBusOptions {
  logger: Logger;
  nodeId?: string;
  /** Other buses on the same hub get this bus's messages (default: a hub of its own). */
  hub?: MemoryInvalidationHub;
}

/**
 * The one-node bus: a publication reaches this node's subscribers synchronously; other buses on
 * the hub get it on the next microtask, in publication order.
 */
export class MemoryInvalidationBus implements InvalidationBus {
  readonly nodeId: string;
  readonly #subscribers: LocalSubscribers;
  readonly #hub: MemoryInvalidationHub;

  constructor(options: MemoryInvalidationBusOptions) {
    this.nodeId = options.nodeId ?? newNodeId();
    this.#subscribers = new LocalSubscribers(options.logger);
    this.#hub = options.hub ?? new MemoryInvalidationHub();
    this.#hub.members.add(this);
  }

  publish(topic: InvalidationTopic, payload: JsonValue = null): Promise<void> {
    const origin = this.nodeId;
    this.#subscribers.deliver({ topic, payload, origin, own: true, reason: 'published' });
    for (const member of this.#hub.members) {
      if (member === this) continue;
      // A copy, as a message across the wire would be: no receiver can change what another sees.
      const copy = structuredClone(payload);
      queueMicrotask(() => member.#receive(topic, copy, origin));
    }
    return Promise.resolve();
  }

  subscribe(topic: InvalidationTopic, handler: InvalidationHandler, options?: SubscribeOptions): () => void {
    return this.#subscribers.add(topic, handler, options);
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#hub.members.delete(this);
    this.#subscribers.clear();
    return Promise.resolve();
  }

  #receive(topic: InvalidationTopic, payload: JsonValue, origin: string): void {
    if (!this.#hub.members.has(this)) return;
    this.#subscribers.deliver({ topic, payload, origin, own: false, reason: 'published' });
  }
}
