import { GatewayError } from '../core/gateway-error.ts';

/** The raw body as a JSON object, or a 400 saying what is wrong with it. */
export function parseJsonBody(raw: Buffer | undefined): Record<string, unknown> {
  if (raw === undefined || raw.length === 0) {
    throw new GatewayError(400, 'invalid_request', 'The request body is empty; expected a JSON object');
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    throw new GatewayError(400, 'invalid_json', `The request body is not valid JSON${detail}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError(400, 'invalid_request', 'The request body must be a JSON object');
  }
  return json as Record<string, unknown>;
}
