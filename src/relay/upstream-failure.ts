import { GatewayError } from '../core/gateway-error.ts';

/** Failure codes that mean "no connection could be made": the upstream never saw the request. */
const connectFailures = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Failure codes that mean "the connection broke". */
const resetFailures = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  return cause === undefined ? undefined : errorCode(cause);
};

/** How an upstream call failed, in the words of the log's `attempts` list. */
export type UpstreamFailureKind = 'timeout' | 'connect_error' | 'reset' | 'error';

/**
 * What a thrown upstream call error means for the client, whether another channel may help (when
 * it failed before its response started), and what kind of failure it was.
 */
export function classifyUpstreamError(error: unknown): {
  error: GatewayError;
  retryable: boolean;
  kind: UpstreamFailureKind;
} {
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return {
      error: new GatewayError(504, 'upstream_timeout', 'The upstream did not answer in time', {
        cause: error,
      }),
      retryable: code === 'UND_ERR_HEADERS_TIMEOUT',
      kind: 'timeout',
    };
  }
  const kind =
    code && connectFailures.has(code) ? 'connect_error' : code && resetFailures.has(code) ? 'reset' : 'error';
  const reason = kind === 'error' ? 'request failed' : `connection failed (${code})`;
  return {
    error: new GatewayError(503, 'upstream_unavailable', `The upstream is unavailable: ${reason}`, {
      cause: error,
    }),
    retryable: true,
    kind,
  };
}

/** Upstream statuses after which the next channel may succeed. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;
