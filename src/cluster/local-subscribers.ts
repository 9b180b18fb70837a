import type { Logger } from 'pino';
import type {
  InvalidationHandler,
  InvalidationMessage,
  InvalidationTopic,
  SubscribeOptions,
} from './invalidation-bus.ts';

interface Subscription {
  handler: InvalidationHandler;
  ignoreOwn: boolean;
}

/** One node's subscribers by topic; a handler that throws is logged and does not stop the others. */
export class LocalSubscribers {
  readonly #byTopic = new Map<InvalidationTopic, Set<Subscription>>();

  constructor(private readonly logger: Logger) {}

  add(topic: InvalidationTopic, handler: InvalidationHandler, options: SubscribeOptions = {}): () => void {
    const subscription: Subscription = { handler, ignoreOwn: options.ignoreOwn ?? false };
    let set = this.#byTopic.get(topic);
    if (!set) {
      set = new Set();
      this.#byTopic.set(topic, set);
    }
    set.add(subscription);
    return () => {
      set.delete(subscription);
    };
  }

  /** Every topic that has had a subscriber. */
  topics(): InvalidationTopic[] {
    return [...this.#byTopic.keys()];
  }

  deliver(message: InvalidationMessage): void {
    const set = this.#byTopic.get(message.topic);
    if (!set) return;
    for (const subscription of [...set]) {
      if (message.own && subscription.ignoreOwn) continue;
      try {
        subscription.handler(message);
      } catch (error) {
        this.logger.error({ err: error, topic: message.topic }, 'invalidation handler failed');
      }
    }
  }

  clear(): void {
    this.#byTopic.clear();
  }
}
