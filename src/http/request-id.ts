import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// A client-sent id is kept only if it is short and cannot smuggle anything into headers or logs.
const saneRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && saneRequestId.test(sent)
    ? sent
    : `req_${randomUUID().replaceAll('-', '')}`;
}
