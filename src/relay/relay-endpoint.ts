import type { RelayReply, RelayRequest } from '../http/relay-exchange.ts';
import { GatewayError } from '../core/gateway-error.ts';
import { toGatewayError } from '../http/to-gateway-error.ts';
import { ClientLink } from './client-link.ts';
import type { EndpointCall } from './endpoint-call.ts';
import type { KeyContext } from './key-context.ts';
import { readMetadataHeader } from './read-metadata-header.ts';
import type { RelayDeps } from './relay-deps.ts';
import { newRelayRecord } from './relay-record.ts';
import { admitRequest } from './admit-request.ts';
import { closeRecord } from './close-record.ts';
import { chargeNothing, creditHeaders } from './request-charge.ts';
import { endpointWorstCase } from './worst-case.ts';
import { relayResponseHeaders } from './relay-response-headers.ts';
import { clientClosedStatus } from './relay-stream.ts';
import { routeChannels } from './route-channels.ts';
import { upstreamModel } from './runtime-channel.ts';
import { sendWithFailover } from './send-with-failover.ts';

/**
 * One call to a non-chat route (embeddings, images, speech), through the same steps as chat: route
 * the model to its channels (those whose format serves the route), send with failover, answer the
 * client, log one row that says what kind of call it was and what it used.
 */
export async function relayEndpoint<T>(
  deps: RelayDeps,
  request: RelayRequest,
  reply: RelayReply,
  key: KeyContext,
  readCall: () => EndpointCall<T>,
): Promise<void> {
  const record = newRelayRecord(request.id, request.routeOptions.url ?? request.url);
  record.key = key;
  const link = new ClientLink(reply.raw);
  try {
    record.userMetadata = readMetadataHeader(request.headers);
    const call = readCall();
    record.kind = call.kind;
    record.surface = call.surface;
    record.endpoint = call.endpoint;
    record.model = call.model;
    record.units = call.units;
    record.estimateInput = call.estimateInputTokens;
    const { route, channels } = routeChannels(deps, key, call.model, undefined, (candidates) => {
      const serving = candidates.filter((channel) => call.serves(channel));
      if (serving.length === 0) {
        throw new GatewayError(400, 'invalid_request', call.unservedMessage, { param: 'model' });
      }
      return serving;
    });
    record.admission = await admitRequest(
      deps.admission,
      key,
      route.model,
      route.entry,
      endpointWorstCase(call),
      record.requestId,
    );
    const build = (channel: Parameters<typeof call.request>[0]) => {
      const model = upstreamModel(channel, route.nameFor(channel));
      record.upstreamModel = model;
      return call.request(channel, model);
    };
    const take = (answer: Parameters<typeof call.take>[0]) => call.take(answer, record, link);
    const { answer, value } = await sendWithFailover(deps, channels, build, take, record, link);
    record.firstByteMs = Date.now() - record.startedAt;
    // What these calls cost is known once taken (images made, tokens embedded, one speech).
    const outcome = await call.send(
      reply,
      relayResponseHeaders(reply, record, answer, creditHeaders(deps.admission.billing, record, true)),
      value,
      answer,
      record,
    );
    if (outcome.failure !== undefined) {
      deps.health.interrupted(answer.channel.id, outcome.failure);
      record.attempts.at(-1)!.outcome = 'interrupted';
    }
    closeRecord(deps, record, outcome.status, outcome.errorCode);
  } catch (error) {
    if (link.gone) {
      closeRecord(deps, record, clientClosedStatus, 'client_closed');
      if (!reply.sent) reply.hijack();
      return;
    }
    const { error: gatewayError } = toGatewayError(error);
    if (!reply.sent) chargeNothing(record);
    closeRecord(deps, record, gatewayError.status, gatewayError.code);
    throw error;
  } finally {
    link.release();
  }
}
