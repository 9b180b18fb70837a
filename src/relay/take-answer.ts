import type { ChatRequest } from '../core/chat-request.ts';
import type { ChatResponse } from '../core/chat-response.ts';
import { GatewayError, isGatewayError } from '../core/gateway-error.ts';
import type { ToolNameMap } from '../protocols/tool-name-map.ts';
import type { WireProtocol } from '../protocols/wire-protocol.ts';
import { upstreamErrorMessage } from '../routing/auth-failure.ts';
import type { ClientChatCall } from './client-chat-call.ts';
import { captureStream } from './capture-stream.ts';
import type { ClientLink } from './client-link.ts';
import type { RelayRecord } from './relay-record.ts';
import { primeStream, type PrimedStream } from './relay-stream.ts';
import { sameFormatStreamHandlers } from './respond-same-format.ts';
import { decodeWholeAnswer, translatedStreamHandlers } from './respond-translated.ts';
import type { AttemptFailure, Taken, UpstreamAnswer } from './send-with-failover.ts';
import { classifyUpstreamError } from './upstream-failure.ts';

/** How the answering channel's exchange is handled: bytes through, or translated. */
export type AnswerPlan =
  | { kind: 'same-format' }
  | {
      kind: 'translated';
      protocol: WireProtocol;
      request: ChatRequest;
      /** The function names the upstream was sent instead of the client's, to name back. */
      names: ToolNameMap;
    };

/**
 * An answer accepted before anything was sent: a stream up to its first content, a whole body, or a
 * whole body decoded for a client that asked for a stream (sent to it as one).
 */
export type TakenAnswer =
  | { kind: 'stream'; stream: PrimedStream }
  | { kind: 'whole'; bytes: Buffer }
  | { kind: 'whole-as-stream'; response: ChatResponse; bytes: Buffer };

// Searched for without its opening quote: a needle that starts with `"` is slow to find in JSON.
const ERROR_TAIL = Buffer.from('error"');

/** Whether the bytes hold `"error"` (a key or a value). */
function mentionsError(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(ERROR_TAIL); at >= 0; at = bytes.indexOf(ERROR_TAIL, at + 1)) {
    if (bytes[at - 1] === 0x22) return true;
  }
  return false;
}

/**
 * The upstream's message when a 2xx body is an error envelope (OpenAI/Gemini `{"error":…}`,
 * Anthropic `{"type":"error",…}`): some upstreams answer failures with a 200. Bodies that do not
 * mention `"error"` are not parsed.
 */
function errorInBody(bytes: Buffer): string | undefined {
  if (!mentionsError(bytes)) return undefined;
  const text = bytes.toString('utf8');
  try {
    const json = JSON.parse(text) as Record<string, unknown> | null;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
    const answered = 'choices' in json || 'candidates' in json || 'content' in json;
    if (answered || (json.error == null && json.type !== 'error')) return undefined;
  } catch {
    return undefined;
  }
  return upstreamErrorMessage(text);
}

/** A 2xx answer read whole; a body that breaks off or holds an error envelope fails the attempt. */
export async function takeWhole(
  answer: UpstreamAnswer,
  link: ClientLink,
): Promise<Taken<{ kind: 'whole'; bytes: Buffer }>> {
  let bytes: Buffer;
  try {
    bytes = await answer.call.buffer();
  } catch (error) {
    // The body broke off before any of it was sent: another channel may answer whole.
    const failure = classifyUpstreamError(error);
    return {
      ok: false,
      failure: {
        error: failure.error,
        outcome: link.gone ? link.goneOutcome : failure.kind,
        retryable: true,
        detail: failure.error.message,
      },
    };
  }
  const upstreamError = errorInBody(bytes);
  if (upstreamError === undefined) return { ok: true, value: { kind: 'whole', bytes } };
  return badBody(
    `The upstream answered ${answer.call.status} with an error`,
    `${answer.call.status}: ${upstreamError}`,
  );
}

/** A 2xx body that is no answer: a 502 for the client if no other channel does better. */
function badBody(message: string, detail: string): { ok: false; failure: AttemptFailure } {
  return {
    ok: false,
    failure: {
      error: new GatewayError(502, 'upstream_error', message),
      outcome: 'error_body',
      retryable: true,
      detail,
    },
  };
}

/** The first byte that is not JSON whitespace, or undefined. */
function firstByte(bytes: Buffer): number | undefined {
  for (let at = 0; at < bytes.length; at++) {
    const byte = bytes[at]!;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  }
  return undefined;
}

/**
 * A chat answer read whole, which must be a JSON object: an HTML error page, an empty body or
 * `null` with a 2xx (a proxy in front of the upstream, say) was relayed as the answer, and charged.
 * Only the first byte is looked at; the same-format path never parses the body.
 */
async function takeWholeObject(
  answer: UpstreamAnswer,
  link: ClientLink,
): Promise<Taken<{ kind: 'whole'; bytes: Buffer }>> {
  const taken = await takeWhole(answer, link);
  if (!taken.ok || firstByte(taken.value.bytes) === 0x7b) return taken;
  const type = String(answer.call.headers['content-type'] ?? 'no content type');
  return badBody(
    'The upstream answered with a body that is not a JSON object',
    `${answer.call.status}: ${type}, ${taken.value.bytes.length} bytes`,
  );
}

/**
 * A streamed request answered whole (a model that does not stream): decoded now, so that a body that
 * is no answer fails the attempt while another channel can still answer.
 */
async function takeWholeAsStream(
  call: ClientChatCall,
  plan: AnswerPlan,
  record: RelayRecord,
  answer: UpstreamAnswer,
  link: ClientLink,
): Promise<Taken<TakenAnswer>> {
  const taken = await takeWholeObject(answer, link);
  if (!taken.ok) return taken;
  const { bytes } = taken.value;
  try {
    const response =
      plan.kind === 'same-format'
        ? decodeWholeAnswer(call.protocol, record, bytes)
        : plan.names.responseForClient(decodeWholeAnswer(plan.protocol, record, bytes));
    return { ok: true, value: { kind: 'whole-as-stream', response, bytes } };
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    return badBody(error.message, `${answer.call.status}: ${error.message}`);
  }
}

/**
 * What the relay makes of a channel's 2xx answer before anything goes to the client: a streamed
 * request's event stream is read up to its first content, anything else is read whole. Either way a
 * failure on the way (an error event or error body, a reset, a stall) is the attempt's failure.
 */
export async function takeAnswer(
  call: ClientChatCall,
  plan: AnswerPlan,
  record: RelayRecord,
  link: ClientLink,
  answer: UpstreamAnswer,
): Promise<Taken<TakenAnswer>> {
  const contentType = String(answer.call.headers['content-type'] ?? '');
  if (!call.stream) return takeWholeObject(answer, link);
  if (!contentType.startsWith('text/event-stream'))
    return takeWholeAsStream(call, plan, record, answer, link);
  const handlers =
    plan.kind === 'same-format'
      ? sameFormatStreamHandlers(call, record)
      : translatedStreamHandlers(call, plan.request, plan.protocol, record, plan.names);
  const primed = await primeStream(
    answer,
    record.bodies ? captureStream(handlers, record.bodies) : handlers,
    link,
  );
  if (!primed.ok) record.bodies?.discardResponse();
  return primed.ok ? { ok: true, value: { kind: 'stream', stream: primed.value } } : primed;
}
