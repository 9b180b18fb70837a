import type { RelayReply } from '../http/relay-exchange.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { Usage } from '../core/usage.ts';
import type { ClientLink } from './client-link.ts';
import type { AttemptFailure, Taken } from './send-with-failover.ts';
import { takeWhole } from './take-answer.ts';
import { writeWholeAnswer } from './write-whole-answer.ts';
import type { StreamOutcome } from './relay-stream.ts';
import type { UpstreamAnswer } from './send-with-failover.ts';

/** A whole JSON answer to send: the upstream's own bytes (same format) or one the gateway made. */
export type WholeAnswer = { kind: 'same-format'; bytes: Buffer } | { kind: 'translated'; body: string };

/** A 2xx body the gateway could not read: another channel may answer properly. */
export function unreadableAnswer(answer: UpstreamAnswer, error: unknown): AttemptFailure {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    error: new GatewayError(
      502,
      'upstream_error',
      `The upstream answered ${answer.call.status} with a body the gateway could not read`,
    ),
    outcome: 'bad_body',
    retryable: true,
    detail,
  };
}

/** Parses a whole 2xx body, for metering or translation. */
export const parseAnswer = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'));

/**
 * Takes a whole 2xx body and reads it, parsed, with `read`; a body that is not JSON or that `read`
 * throws on lets the next channel try.
 */
export async function takeWholeJson<T>(
  answer: UpstreamAnswer,
  link: ClientLink,
  read: (json: unknown, bytes: Buffer) => T,
): Promise<Taken<T>> {
  const whole = await takeWhole(answer, link);
  if (!whole.ok) return whole;
  const { bytes } = whole.value;
  try {
    return { ok: true, value: read(parseAnswer(bytes), bytes) };
  } catch (error) {
    return { ok: false, failure: unreadableAnswer(answer, error) };
  }
}

/** Usage of an embeddings call: input tokens only. */
export const embeddingUsage = (inputTokens: number): Usage => ({
  inputTokens,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

/** Sends a whole JSON answer: same-format bytes with the upstream's status and content type. */
export function sendWholeAnswer(
  reply: RelayReply,
  headers: Record<string, string>,
  value: WholeAnswer,
  answer: UpstreamAnswer,
): Promise<StreamOutcome> {
  if (value.kind === 'translated') {
    headers['content-type'] = 'application/json';
    writeWholeAnswer(reply, 200, headers, value.body);
    return Promise.resolve({ status: 200, errorCode: null });
  }
  const contentType = answer.call.headers['content-type'];
  headers['content-type'] = typeof contentType === 'string' ? contentType : 'application/json';
  writeWholeAnswer(reply, answer.call.status, headers, value.bytes);
  return Promise.resolve({ status: answer.call.status, errorCode: null });
}
