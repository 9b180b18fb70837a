import type { FastifyReply } from 'fastify';
import { GatewayError } from '../core/gateway-error.ts';
import type { AttemptFailure } from './send-with-failover.ts';
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

/** Sends a whole JSON answer: same-format bytes with the upstream's status and content type. */
export function sendWholeAnswer(
  reply: FastifyReply,
  headers: Record<string, string>,
  value: WholeAnswer,
  answer: UpstreamAnswer,
): Promise<StreamOutcome> {
  if (value.kind === 'translated') {
    void reply.code(200).headers(headers).header('content-type', 'application/json').send(value.body);
    return Promise.resolve({ status: 200, errorCode: null });
  }
  const contentType = answer.call.headers['content-type'];
  void reply
    .code(answer.call.status)
    .headers(headers)
    .header('content-type', typeof contentType === 'string' ? contentType : 'application/json')
    .send(value.bytes);
  return Promise.resolve({ status: answer.call.status, errorCode: null });
}
