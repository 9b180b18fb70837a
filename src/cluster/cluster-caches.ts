import type { Logger } from 'pino';
import type { InvalidationBus, InvalidationTopic } from './invalidation-bus.ts';

/** How a node brings one kind of cached data up to date. */
export type CacheRefresh = () => void | Promise<void>;

/**
 * Every cache of this node, by topic, kept current across nodes: a write here refreshes this node's
 * cache before the API answers (so the next request sees it) and tells the other nodes, which
 * refresh theirs when the message arrives (with Redis, well within a second).
 */
export class ClusterCaches {
  #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly bus: InvalidationBus,
    private readonly refresh: Readonly<Record<InvalidationTopic, CacheRefresh>>,
    private readonly logger: Logger,
  ) {}

  /** Starts listening to the other nodes. */
  start(): void {
    for (const topic of Object.keys(this.refresh) as InvalidationTopic[]) {
      this.#unsubscribe.push(this.bus.subscribe(topic, () => void this.#run(topic), { ignoreOwn: true }));
    }
  }

  /** Something under `topic` changed on this node: refresh here, then tell the others. */
  async changed(topic: InvalidationTopic): Promise<void> {
    await this.refresh[topic]();
    await this.bus.publish(topic);
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
  }

  async #run(topic: InvalidationTopic): Promise<void> {
    try {
      await this.refresh[topic]();
    } catch (error) {
      this.logger.error({ err: error, topic }, 'refreshing a cache after another node changed it failed');
    }
  }
}
