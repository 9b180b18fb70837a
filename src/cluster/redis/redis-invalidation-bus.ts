import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  invalidationTopics,
  type InvalidationBus,
  type InvalidationHandler,
  type InvalidationTopic,
  type JsonValue,
  type SubscribeOptions,
} from '../invalidation-bus.ts';
import { LocalSubscribers } from '../local-subscribers.ts';
import { newNodeId } from '../node-id.ts';

export interface RedisInvalidationBusOptions {
  /** Channels are `<prefix>bus:<topic>`. */
  keyPrefix: string;
  logger: Logger;
  nodeId?: string;
}

/** A message on the wire. `v` lets a later format coexist with this one during a rolling upgrade. */
interface WireMessage {
  v: 1;
  origin: string;
  payload: JsonValue;
}

const topicSet: ReadonlySet<string> = new Set(invalidationTopics);
const isTopic = (value: string): value is InvalidationTopic => topicSet.has(value);

/**
 * The many-node bus over Redis pub/sub. Publications go out on the given connection; a dedicated
 * duplicate connection subscribes to every topic's channel at once (so no subscription can start
 * late). This node's own messages reach its subscribers synchronously and are skipped when they
 * come back from Redis. After the subscriber reconnects (ioredis resubscribes by itself), every
 * subscriber gets a `resync` message, since pub/sub does not replay what was missed.
 */
export class RedisInvalidationBus implements InvalidationBus {
  readonly nodeId: string;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #subscribers: LocalSubscribers;
  readonly #subscribed: Promise<void>;
  #connectedBefore = false;
  #errorLogged = false;
  #closed = false;

  constructor(publisher: Redis, options: RedisInvalidationBusOptions) {
    this.nodeId = options.nodeId ?? newNodeId();
    this.#publisher = publisher;
    this.#prefix = options.keyPrefix;
    this.#logger = options.logger;
    this.#subscribers = new LocalSubscribers(options.logger);
    this.#subscriber = publisher.duplicate({
      connectionName: `switchboard-bus-${this.nodeId}`,
      // A subscriber connection waits for its server indefinitely; nothing on it may time out.
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
      enableAutoPipelining: false,
    });
    this.#subscriber.on('message', (channel: string, text: string) => this.#receive(channel, text));
    this.#subscriber.on('ready', () => this.#connected());
    this.#subscriber.on('error', (error: Error) => {
      // Once per outage: ioredis reports every failed reconnection attempt.
      if (this.#errorLogged) return;
      this.#errorLogged = true;
      this.#logger.warn({ err: error }, 'invalidation bus: Redis subscriber connection error');
    });
    this.#subscribed = this.#subscriber
      .subscribe(...invalidationTopics.map((topic) => this.#channel(topic)))
      .then(() => undefined);
    // Observed here so an early failure is not an unhandled rejection; `ready()` still reports it.
    this.#subscribed.catch(() => {});
  }

  async publish(topic: InvalidationTopic, payload: JsonValue = null): Promise<void> {
    this.#subscribers.deliver({ topic, payload, origin: this.nodeId, own: true, reason: 'published' });
    const message: WireMessage = { v: 1, origin: this.nodeId, payload };
    try {
      await this.#publisher.publish(this.#channel(topic), JSON.stringify(message));
    } catch (error) {
      this.#logger.warn({ err: error, topic }, 'invalidation bus: could not tell other nodes');
    }
  }

  subscribe(topic: InvalidationTopic, handler: InvalidationHandler, options?: SubscribeOptions): () => void {
    return this.#subscribers.add(topic, handler, options);
  }

  ready(): Promise<void> {
    return this.#subscribed;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#subscribers.clear();
    // Nothing on a subscriber connection needs flushing, and QUIT would wait for a server that is down.
    this.#subscriber.disconnect();
    return Promise.resolve();
  }

  #channel(topic: InvalidationTopic): string {
    return `${this.#prefix}bus:${topic}`;
  }

  #connected(): void {
    this.#errorLogged = false;
    if (!this.#connectedBefore) {
      this.#connectedBefore = true;
      return;
    }
    this.#logger.info('invalidation bus: reconnected; caches resynchronise');
    for (const topic of invalidationTopics) {
      this.#subscribers.deliver({ topic, payload: null, origin: this.nodeId, own: false, reason: 'resync' });
    }
  }

  #receive(channel: string, text: string): void {
    const topic = channel.slice(this.#prefix.length + 'bus:'.length);
    if (!channel.startsWith(`${this.#prefix}bus:`) || !isTopic(topic)) return;
    const message = parseWireMessage(text);
    if (!message) {
      this.#logger.warn({ channel }, 'invalidation bus: ignored a malformed message');
      return;
    }
    if (message.origin === this.nodeId) return;
    this.#subscribers.deliver({
      topic,
      payload: message.payload,
      origin: message.origin,
      own: false,
      reason: 'published',
    });
  }
}

function parseWireMessage(text: string): WireMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const candidate = parsed as Partial<Record<keyof WireMessage, unknown>>;
  if (candidate.v !== 1 || typeof candidate.origin !== 'string' || !('payload' in candidate))
    return undefined;
  // What JSON.parse returns is JSON.
  return { v: 1, origin: candidate.origin, payload: candidate.payload as JsonValue };
}
