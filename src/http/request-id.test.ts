import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { newRequestId, requestIdFor } from './request-id.ts';

const withHeader = (value: string | undefined) =>
  ({ headers: { 'x-request-id': value } }) as unknown as IncomingMessage;

describe('request ids', () => {
  it("keeps a client's sane id and replaces one that could inject into headers or logs", () => {
    expect(requestIdFor(withHeader('trace-123:abc.def'))).toBe('trace-123:abc.def');
    for (const bad of ['a\r\nx-evil: 1', 'x'.repeat(129), 'has space', '']) {
      expect(requestIdFor(withHeader(bad))).toMatch(/^req_[0-9a-z]{8}[0-9a-f]{12}$/);
    }
  });

  it('generates unique ids that sort by time', async () => {
    const first = newRequestId();
    await new Promise((resolve) => setTimeout(resolve, 3));
    const ids = Array.from({ length: 1000 }, newRequestId);
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => id > first)).toBe(true);
  });
});
