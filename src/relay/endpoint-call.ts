import type { RelayReply } from '../http/relay-exchange.ts';
import type { Surface } from '../http/surface.ts';
import type { ClientLink } from './client-link.ts';
import type { RelayKind, RelayRecord } from './relay-record.ts';
import type { StreamOutcome } from './relay-stream.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import type { Taken, UpstreamAnswer } from './send-with-failover.ts';
import type { UpstreamRequest } from './upstream-client.ts';

/**
 * A client's call to one of the non-chat routes (embeddings, images, speech) as its route read it:
 * what the generic pipeline (`relayEndpoint`) needs to route it, send it to a channel, accept the
 * answer before anything reaches the client, and answer the client. `T` is what `take` accepted.
 */
export interface EndpointCall<T> {
  kind: Exclude<RelayKind, 'chat'>;
  /** The client surface it came in on, for the metrics. */
  surface: Surface;
  /** The route, for the log row. */
  endpoint: string;
  model: string;
  /** What the call is priced by besides tokens (images asked for, characters to speak), if anything. */
  units: number | null;
  /** The input's size in tokens, estimated, for upstreams that report no usage. */
  estimateInputTokens?: () => number;
  /** Whether a channel can take this call at all (its wire format serves the route). */
  serves(channel: RuntimeChannel): boolean;
  /** Why no channel of the model could: the 400 when `serves` leaves none. */
  unservedMessage: string;
  /** The request for a channel, under the model name it gets upstream. */
  request(channel: RuntimeChannel, upstreamModel: string): UpstreamRequest;
  /** Accepts a 2xx answer before anything reaches the client; a failure lets the next channel try. */
  take(answer: UpstreamAnswer, record: RelayRecord, link: ClientLink): Promise<Taken<T>>;
  /** Answers the client; resolves with the outcome for the log row. */
  send(
    reply: RelayReply,
    headers: Record<string, string>,
    value: T,
    answer: UpstreamAnswer,
    record: RelayRecord,
  ): Promise<StreamOutcome>;
}
