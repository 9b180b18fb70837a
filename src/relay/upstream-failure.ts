import { GatewayError } from '../core/gateway-error.ts';

/** Network-level failure codes that mean "this channel did not answer": try the next one. */
const connectFailures = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  return cause === undefined ? undefined : errorCode(cause);
};

/** What a thrown upstream call error means for the client, and whether another channel may help. */
export function classifyUpstreamError(error: unknown): { error: GatewayError; retryable: boolean } {
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return {
      error: new GatewayError(504, 'upstream_timeout', 'The upstream did not answer in time', {
        cause: error,
      }),
      retryable: code === 'UND_ERR_HEADERS_TIMEOUT',
    };
  }
  const reason = code && connectFailures.has(code) ? `connection failed (${code})` : 'request failed';
  return {
    error: new GatewayError(503, 'upstream_unavailable', `The upstream is unavailable: ${reason}`, {
      cause: error,
    }),
    retryable: true,
  };
}

/** Upstream statuses after which the next channel may succeed. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;
