import type { FastifyReply } from 'fastify';

/**
 * Writes a whole answer straight to the response, its headers made by the relay (request id and
 * overhead included): Fastify's send path (header names lowercased one by one, onSend hooks, the
 * payload's type checked) is skipped, as it is for streams. Node sets the content length.
 */
export function writeWholeAnswer(
  reply: FastifyReply,
  status: number,
  headers: Record<string, string>,
  body: Buffer | string,
): void {
  reply.hijack();
  reply.raw.writeHead(status, headers);
  reply.raw.end(body);
}
