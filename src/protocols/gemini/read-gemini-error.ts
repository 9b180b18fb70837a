import type { GatewayError } from '../../core/gateway-error.ts';
import { upstreamStatusError } from '../../relay/upstream-status-error.ts';
import { isRecord } from '../request-checks.ts';

/**
 * The wait a `google.rpc.RetryInfo` detail asks for (`"retryDelay": "34.4s"`), in whole seconds for
 * a `Retry-After` header. Google sends it on 429s instead of a header of its own.
 */
export function readGeminiRetryDelay(error: Record<string, unknown>): string | undefined {
  const details = Array.isArray(error.details) ? error.details : [];
  for (const detail of details) {
    if (!isRecord(detail) || detail['@type'] !== 'type.googleapis.com/google.rpc.RetryInfo') continue;
    const match = typeof detail.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
    if (match) return String(Math.ceil(Number(match[1])));
  }
  return undefined;
}

/**
 * A Gemini error body (`{"error": {"code", "message", "status", "details"}}`) as the gateway error
 * the client sees, classified like any upstream status (a 429 stays retryable, with its delay).
 * `status` is the HTTP status when known; inside a 200 stream the body's own `code` stands in.
 */
export function readGeminiError(body: Record<string, unknown>, status?: number): GatewayError {
  const error = isRecord(body.error) ? body.error : {};
  const code = typeof error.code === 'number' && error.code >= 400 ? error.code : 500;
  return upstreamStatusError(status ?? code, JSON.stringify(body), readGeminiRetryDelay(error));
}
