/** What a node's caches may need to reload; one topic per cached aggregate. */
export const invalidationTopics = ['keys', 'channels', 'models', 'prices', 'settings', 'users'] as const;
export type InvalidationTopic = (typeof invalidationTopics)[number];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface InvalidationMessage {
  topic: InvalidationTopic;
  /** What changed, as the publisher described it (e.g. `{ "keyId": 42 }`); null when it said nothing. */
  payload: JsonValue;
  /** The publishing node's id. */
  origin: string;
  /** Published by this node (delivered to its own subscribers at once, without a round trip). */
  own: boolean;
  /**
   * `published`: a node published it. `resync`: the connection to the other nodes was lost and is
   * back; messages may have been missed, so reload everything the topic covers.
   */
  reason: 'published' | 'resync';
}

export type InvalidationHandler = (message: InvalidationMessage) => void;

export interface SubscribeOptions {
  /** Skip messages this node published (its caches were updated by the write itself). */
  ignoreOwn?: boolean;
}

/**
 * Tells every gateway node that something it caches changed: publish after a write, subscribe to
 * drop or reload the cache. Delivery to this node's subscribers is synchronous, before `publish`
 * resolves; other nodes get messages in publication order per publisher. Delivery is at most once:
 * a node that lost its connection gets a `resync` message instead of what it missed.
 */
export interface InvalidationBus {
  readonly nodeId: string;
  /** Never rejects: a failure to reach other nodes is logged (their caches still expire by TTL). */
  publish(topic: InvalidationTopic, payload?: JsonValue): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(topic: InvalidationTopic, handler: InvalidationHandler, options?: SubscribeOptions): () => void;
  /** Resolves once messages from other nodes are being received. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
