import { GatewayError } from '../core/gateway-error.ts';

interface UpstreamErrorDetail {
  message: string | undefined;
  param: string | null;
  /** Google's `google.rpc.RetryInfo` delay, in whole seconds: Gemini sends it instead of a header. */
  retryDelay: string | undefined;
}

function retryInfoDelay(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as unknown[]) {
    const { ['@type']: type, retryDelay } = (detail ?? {}) as { '@type'?: unknown; retryDelay?: unknown };
    if (type !== 'type.googleapis.com/google.rpc.RetryInfo' || typeof retryDelay !== 'string') continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(retryDelay);
    if (match) return String(Math.ceil(Number(match[1])));
  }
  return undefined;
}

/** What an upstream error body says: OpenAI, Anthropic and Gemini all put it in `error.message`. */
function readUpstreamError(body: string): UpstreamErrorDetail {
  const none: UpstreamErrorDetail = { message: undefined, param: null, retryDelay: undefined };
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const error = parsed.error;
    if (typeof error === 'string') return { ...none, message: error };
    if (typeof error === 'object' && error !== null) {
      const { message, param, details } = error as { message?: unknown; param?: unknown; details?: unknown };
      return {
        message: typeof message === 'string' ? message : undefined,
        param: typeof param === 'string' ? param : null,
        retryDelay: retryInfoDelay(details),
      };
    }
    return { ...none, message: typeof parsed.message === 'string' ? parsed.message : undefined };
  } catch {
    return none;
  }
}

/** When an upstream says nothing about when to retry, a second is a safe first wait. */
const defaultRetryAfter = '1';

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
  const { message, param, retryDelay } = readUpstreamError(body.slice(0, 64 * 1024));
  if (status === 401 || status === 403) {
    return new GatewayError(
      502,
      'upstream_error',
      `The upstream refused the channel's credentials (${status})`,
    );
  }
  if (status === 429) {
    return new GatewayError(429, 'upstream_rate_limited', 'The upstream is rate limiting; retry later', {
      headers: { 'retry-after': retryAfter ?? retryDelay ?? defaultRetryAfter },
    });
  }
  // A redirect (or any status that is no error) is not the client's to follow: the upstream failed.
  if (status >= 500 || status < 400) {
    return new GatewayError(502, 'upstream_error', `The upstream failed (${status})`);
  }
  const code = status === 404 ? 'model_not_found' : status === 413 ? 'request_too_large' : 'invalid_request';
  const detail = message ? `: ${message}` : '';
  return new GatewayError(status, code, `The upstream rejected the request${detail}`, { param });
}

/** Google's `RetryInfo` delay in an error body, in whole seconds (Gemini sends it instead of a header). */
export function upstreamRetryDelay(body: string): string | undefined {
  return readUpstreamError(body.slice(0, 64 * 1024)).retryDelay;
}
