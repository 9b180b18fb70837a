import { expect } from 'vitest';

/** One management API answer: status, headers, the parsed JSON body and its text. */
export interface Sent {
  status: number;
  headers: Headers;
  /** The parsed JSON body (every management response is JSON). */
  body: Record<string, unknown>;
  text: string;
}

/** The `data` of a management answer, as the tests read it. */
export type Data = Record<string, unknown>;

/** One management call with full control over the body text and headers. */
export async function send(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Sent> {
  const body = options.rawBody ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token === undefined ? {} : { authorization: options.token }),
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}

/** A failure in the management envelope: the status, `success:false`, `data:null`, and the request id. */
export function expectFailure(result: Sent, status: number, messagePart?: string | RegExp): void {
  expect(result.status, result.text).toBe(status);
  expect(result.body).toEqual({ success: false, message: expect.any(String), data: null });
  const message = String(result.body.message);
  expect(message).toContain(`request id: ${result.headers.get('x-request-id')}`);
  if (typeof messagePart === 'string') expect(message).toContain(messagePart);
  else if (messagePart) expect(message).toMatch(messagePart);
}

/** A 200 in the management envelope; its `data`. */
export function expectOk(result: Sent): Data {
  expect(result.status, result.text).toBe(200);
  expect(result.body.success).toBe(true);
  return result.body.data as Data;
}
