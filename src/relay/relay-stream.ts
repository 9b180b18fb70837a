import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { GatewayError } from '../core/gateway-error.ts';
import type { ClientLink } from './client-link.ts';
import type { UpstreamAnswer } from './send-with-failover.ts';
import { classifyUpstreamError } from './upstream-failure.ts';

export interface StreamHandlers {
  /** Upstream bytes → what to send the client now (nothing yet: undefined). */
  chunk(bytes: Buffer): Buffer | string | undefined;
  /** The upstream ended: what closes the client's stream. */
  end(): Buffer | string | undefined;
  /** A failure after the first byte: the client's error event. */
  fail(error: GatewayError): string;
}

export interface StreamOutcome {
  status: number;
  errorCode: string | null;
}

/** nginx's convention for "the client closed the request": logged, never sent. */
export const clientClosedStatus = 499;

const uncork = (response: ServerResponse) => response.uncork();

/**
 * Pipes an upstream stream to the client through `handlers`, with backpressure: a client that reads
 * slowly pauses the upstream. Output is corked until the end of the tick, so what one upstream read
 * produces (often the whole stream, ending included) leaves in one write.
 */
export function relayStream(
  reply: FastifyReply,
  headers: Record<string, string>,
  answer: UpstreamAnswer,
  link: ClientLink,
  handlers: StreamHandlers,
): Promise<StreamOutcome> {
  reply.hijack();
  const response = reply.raw;
  // Headers go out with the first bytes, in one write, as a bare proxy would send them.
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    ...headers,
  });
  const resume = () => answer.call.resume();
  return new Promise((resolve) => {
    answer.call.read({
      chunk(bytes) {
        const out = handlers.chunk(bytes);
        if (out === undefined || out.length === 0) return true;
        if (!response.writableCorked) {
          response.cork();
          process.nextTick(uncork, response);
        }
        if (response.write(out)) return true;
        response.once('drain', resume);
        return false;
      },
      end() {
        const rest = handlers.end();
        response.end(rest === undefined || rest.length === 0 ? undefined : rest);
        resolve({ status: 200, errorCode: null });
      },
      fail(error) {
        if (link.gone) {
          resolve({ status: clientClosedStatus, errorCode: 'client_closed' });
          return;
        }
        response.end(handlers.fail(classifyUpstreamError(error).error));
        resolve({ status: 502, errorCode: 'upstream_stream_error' });
      },
    });
  });
}
