import type { RelayReply } from '../http/relay-exchange.ts';

/**
 * Writes a whole answer straight to the response, its headers made by the relay (request id and
 * overhead included): Fastify's send path (header names lowercased one by one, onSend hooks, the
 * payload's type checked) is skipped, as it is for streams. The length is set here: headers written
 * with `writeHead` are final, so Node would otherwise send the body chunked (a size line before it
 * and a last empty chunk after it), which costs both ends more than the one length header.
 */
export function writeWholeAnswer(
  reply: RelayReply,
  status: number,
  headers: Record<string, string>,
  body: Buffer | string,
): void {
  // No length on answers that may not have a body (RFC 9110 §8.6).
  if (status !== 204 && status !== 304 && status >= 200) {
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  }
  reply.hijack();
  reply.raw.writeHead(status, headers);
  reply.raw.end(body);
}
