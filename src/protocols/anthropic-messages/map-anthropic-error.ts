import { GatewayError } from '../../core/gateway-error.ts';

/**
 * An error Anthropic reports (an `error` event inside a 200 stream, or an error body) → the
 * gateway's error. Errors caused by the channel's own key or account are the gateway's problem,
 * not the client's, so they become upstream errors; an invalid request stays a 400.
 * Types: docs.anthropic.com, "Errors".
 */
export function mapAnthropicError(error: unknown): GatewayError {
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const type = typeof record.type === 'string' ? record.type : 'api_error';
  const detail = typeof record.message === 'string' && record.message !== '' ? record.message : type;
  const message = `Upstream error (${type}): ${detail}`;
  switch (type) {
    case 'invalid_request_error':
      return new GatewayError(400, 'invalid_request', message);
    case 'request_too_large':
      return new GatewayError(413, 'request_too_large', message);
    case 'rate_limit_error':
      return new GatewayError(429, 'upstream_rate_limited', message);
    case 'overloaded_error':
      return new GatewayError(503, 'upstream_unavailable', message);
    case 'timeout_error':
      return new GatewayError(504, 'upstream_timeout', message);
    default:
      // api_error, authentication_error, permission_error, billing_error, not_found_error, and new ones.
      return new GatewayError(502, 'upstream_error', message);
  }
}
