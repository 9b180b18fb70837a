import type { RelayReply, RelayRequest } from '../http/relay-exchange.ts';
import type { ChatRequest } from '../core/chat-request.ts';
import type { TranslationWarning } from '../core/warning.ts';
import { toGatewayError } from '../http/to-gateway-error.ts';
import { protocolNamed } from '../protocols/protocols.ts';
import { ToolNameMap } from '../protocols/tool-name-map.ts';
import type { Decoded } from '../protocols/wire-protocol.ts';
import { estimateRequestTokens } from './estimate-tokens.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import { ClientLink } from './client-link.ts';
import { encodeForChannel } from './encode-for-channel.ts';
import type { KeyContext } from './key-context.ts';
import { readMetadataHeader } from './read-metadata-header.ts';
import type { RelayDeps } from './relay-deps.ts';
import { newRelayRecord } from './relay-record.ts';
import { closeRecord } from './close-record.ts';
import { admitRequest, limiterRefusal } from './admit-request.ts';
import { chargeNothing, creditHeaders } from './request-charge.ts';
import { chatWorstCase } from './worst-case.ts';
import { relayResponseHeaders } from './relay-response-headers.ts';
import { clientClosedStatus } from './relay-stream.ts';
import { routeChannels } from './route-channels.ts';
import {
  asksForOneChoice,
  meterWhole,
  sendSameFormatWhole,
  sendWholeChoicesAsStream,
} from './respond-same-format.ts';
import { decodeWholeAnswer, sendTranslatedWhole, sendWholeAsStream } from './respond-translated.ts';
import { upstreamModel, type RuntimeChannel } from './runtime-channel.ts';
import { sameFormatBody, sameFormatHeaders } from './same-format-body.ts';
import { sendWithFailover, type UpstreamAnswer } from './send-with-failover.ts';
import { takeAnswer, type AnswerPlan } from './take-answer.ts';
import type { UpstreamRequest } from './upstream-client.ts';
import { upstreamPath } from './upstream-path.ts';
import { warningsHeader } from './warnings-header.ts';

/**
 * The body for a channel of another format: the client's request decoded once, encoded for it, with
 * the function names it would refuse renamed (`names` names them back in the answer, and warns of
 * each, since the model's text uses the upstream's name).
 */
function translatedBody(
  core: Decoded<ChatRequest>,
  channel: RuntimeChannel,
  model: string,
  names: ToolNameMap,
): { body: string; warnings: TranslationWarning[] } {
  const encoded = encodeForChannel(names.requestForUpstream(core.value), channel, model);
  return {
    body: JSON.stringify(encoded.value),
    warnings: [...core.warnings, ...names.warnings, ...encoded.warnings],
  };
}

/**
 * One chat request, whatever the client's format: pick the channels, send with failover, answer in
 * the client's format (the same bytes when the upstream speaks it too), log one row.
 */
export async function relayChat(
  deps: RelayDeps,
  request: RelayRequest,
  reply: RelayReply,
  key: KeyContext,
  readCall: () => ClientChatCall,
): Promise<void> {
  const record = newRelayRecord(request.id, request.routeOptions.url ?? request.url);
  const { billing } = deps.admission;
  record.key = key;
  const link = new ClientLink(reply.raw);
  try {
    record.userMetadata = readMetadataHeader(request.headers);
    const call = readCall();
    record.bodies = deps.logBodies.capture(request.headers, call.raw);
    record.endpoint = call.endpoint;
    record.surface = call.surface;
    record.model = call.model;
    record.stream = call.stream;
    const { route, channels } = routeChannels(deps, key, call.model, call.provider);
    record.admission = await admitRequest(
      deps.admission,
      key,
      route.model,
      route.entry,
      chatWorstCase(call, route.entry),
      record.requestId,
      () => link.cancel(),
    );
    let core: Decoded<ChatRequest> | undefined;
    record.estimateInput = () => {
      try {
        core ??= call.protocol.decodeRequest(call.json, call.context);
        return estimateRequestTokens(core.value);
      } catch {
        return 0;
      }
    };
    const plans = new Map<number, AnswerPlan>();
    // A channel that cannot take the request throws while encoding, before anything is recorded
    // for it: the plan, warnings and model on record stay those of the channel sent to.
    const build = (channel: RuntimeChannel): UpstreamRequest => {
      const model = upstreamModel(channel, route.nameFor(channel));
      const path = upstreamPath(channel, model, call.stream);
      if (channel.provider.protocol === call.protocol.name) {
        plans.set(channel.id, { kind: 'same-format' });
        record.upstreamModel = model;
        record.warnings = [];
        return {
          origin: channel.origin,
          path,
          headers: sameFormatHeaders(call, channel.headers),
          body: sameFormatBody(call, model),
        };
      }
      core ??= call.protocol.decodeRequest(call.json, call.context);
      const names = ToolNameMap.forRequest(core.value, channel.provider.protocol);
      const { body, warnings } = translatedBody(core, channel, model, names);
      plans.set(channel.id, {
        kind: 'translated',
        protocol: protocolNamed(channel.provider.protocol),
        request: core.value,
        names,
      });
      record.upstreamModel = model;
      record.warnings = warnings;
      return { origin: channel.origin, path, headers: channel.headers, body };
    };
    const take = (answer: UpstreamAnswer) =>
      takeAnswer(call, plans.get(answer.channel.id)!, record, link, answer);
    const { answer, value } = await sendWithFailover(deps, channels, build, take, record, link);
    // A request sent upstream while the limiter decided shows nothing before it has decided.
    const refusal = await limiterRefusal(record.admission);
    if (refusal !== undefined) throw refusal;
    record.firstByteMs = Date.now() - record.startedAt;
    const plan = plans.get(answer.channel.id)!;
    if (value.kind === 'stream') {
      const headers = relayResponseHeaders(reply, record, answer, creditHeaders(billing, record, false));
      const outcome = await value.stream.pipe(reply, headers);
      if (outcome.failure !== undefined) {
        deps.health.interrupted(answer.channel.id, outcome.failure);
        record.attempts.at(-1)!.outcome = 'interrupted';
      }
      closeRecord(deps, record, outcome.status, outcome.errorCode);
      return;
    }
    // Usage is read before the headers are made, so they carry the real charge.
    const finalHeaders = () =>
      relayResponseHeaders(reply, record, answer, creditHeaders(billing, record, true));
    let sent: Buffer | string;
    if (value.kind === 'whole-as-stream') {
      // Asked for a stream, answered whole: the client still gets the stream it asked for, with
      // every choice it asked for.
      const request = plan.kind === 'same-format' ? undefined : plan.request;
      const choices =
        plan.kind === 'same-format' && !asksForOneChoice(call)
          ? sendWholeChoicesAsStream(reply, finalHeaders(), call, value.bytes)
          : undefined;
      sent = choices ?? sendWholeAsStream(reply, finalHeaders(), call, request, value.response, record);
    } else if (plan.kind === 'same-format') {
      meterWhole(call.protocol, value.bytes, record);
      sent = sendSameFormatWhole(reply, finalHeaders(), answer, value.bytes);
    } else {
      const response = plan.names.responseForClient(decodeWholeAnswer(plan.protocol, record, value.bytes));
      sent = sendTranslatedWhole(reply, finalHeaders(), call, plan.request, response, record);
    }
    record.bodies?.setResponse(sent);
    closeRecord(deps, record, reply.statusCode, null);
  } catch (caught) {
    // The limiter's refusal is the answer, whatever became of the upstream call it cancelled.
    const refusal = await limiterRefusal(record.admission);
    const error = refusal ?? caught;
    if (link.gone && refusal === undefined) {
      closeRecord(deps, record, clientClosedStatus, 'client_closed');
      if (!reply.sent) reply.hijack();
      return;
    }
    const { error: gatewayError } = toGatewayError(error);
    if (!reply.sent) chargeNothing(record);
    closeRecord(deps, record, gatewayError.status, gatewayError.code);
    if (record.warnings.length > 0) reply.header('x-switchboard-warnings', warningsHeader(record.warnings));
    throw error;
  } finally {
    link.release();
  }
}
