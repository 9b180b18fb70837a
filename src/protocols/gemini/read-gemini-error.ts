import type { GatewayError } from '../../core/gateway-error.ts';
import { upstreamStatusError } from '../upstream-status-error.ts';
import { isRecord } from '../request-checks.ts';

/**
 * A Gemini error body (`{"error": {"code", "message", "status", "details"}}`) as the gateway error
 * the client sees, classified like any upstream status (a 429 stays retryable, with its delay).
 * `status` is the HTTP status when known; inside a 200 stream the body's own `code` stands in.
 */
export function readGeminiError(body: Record<string, unknown>, status?: number): GatewayError {
  const error = isRecord(body.error) ? body.error : {};
  const code = typeof error.code === 'number' && error.code >= 400 ? error.code : 500;
  // upstreamStatusError reads Google's RetryInfo delay from the body for a 429.
  return upstreamStatusError(status ?? code, JSON.stringify(body), undefined);
}
