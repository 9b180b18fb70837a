import { GatewayError } from '../core/gateway-error.ts';

/** The human message inside an upstream error body (OpenAI, Anthropic and Gemini all use `error.message`). */
function upstreamMessage(body: string): { message: string | undefined; param: string | null } {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const error = parsed.error;
    if (typeof error === 'string') return { message: error, param: null };
    if (typeof error === 'object' && error !== null) {
      const { message, param } = error as { message?: unknown; param?: unknown };
      return {
        message: typeof message === 'string' ? message : undefined,
        param: typeof param === 'string' ? param : null,
      };
    }
    return { message: typeof parsed.message === 'string' ? parsed.message : undefined, param: null };
  } catch {
    return { message: undefined, param: null };
  }
}

/**
 * The client's view of an upstream's non-2xx answer, once no other channel is left to try.
 * The client's own mistakes (400, 404, 413, 422) keep their status and the upstream's explanation;
 * the channel's problems (its credentials, its limits, its outages) become gateway statuses, and
 * never leak the channel's key or account details.
 */
export function upstreamStatusError(
  status: number,
  body: string,
  retryAfter: string | undefined,
): GatewayError {
  const { message, param } = upstreamMessage(body.slice(0, 64 * 1024));
  if (status === 401 || status === 403) {
    return new GatewayError(
      502,
      'upstream_error',
      `The upstream refused the channel's credentials (${status})`,
    );
  }
  if (status === 429) {
    return new GatewayError(429, 'upstream_rate_limited', 'The upstream is rate limiting; retry later', {
      headers: retryAfter ? { 'retry-after': retryAfter } : {},
    });
  }
  if (status >= 500) {
    return new GatewayError(502, 'upstream_error', `The upstream failed (${status})`);
  }
  const code = status === 404 ? 'model_not_found' : status === 413 ? 'request_too_large' : 'invalid_request';
  const detail = message ? `: ${message}` : '';
  return new GatewayError(status, code, `The upstream rejected the request${detail}`, { param });
}
