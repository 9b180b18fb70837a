import { GatewayError, isGatewayError, type GatewayErrorCode } from '../core/gateway-error.ts';
import { refusedValue } from '../store/refused-by-database.ts';

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

const codeForStatus = (status: number): GatewayErrorCode => {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 413:
      return 'request_too_large';
    case 415:
      return 'unsupported_media_type';
    default:
      return 'invalid_request';
  }
};

/**
 * Turns whatever a handler threw into a GatewayError. Fastify's own client errors (body too large,
 * bad JSON, bad content type) keep their 4xx status, and a value the database refused is a 400;
 * anything else is an internal fault whose details stay in the server log, never in the response.
 */
/** `internal`: the server log should have it (the error is not one the client simply made). */
export function toGatewayError(error: unknown): { error: GatewayError; internal: boolean } {
  if (isGatewayError(error)) return { error, internal: false };
  const framework = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  const status = typeof framework.statusCode === 'number' ? framework.statusCode : 500;
  if (status >= 400 && status < 500) {
    if (framework.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return {
        error: new GatewayError(413, 'request_too_large', 'Request body is too large'),
        internal: false,
      };
    }
    const isJson = framework.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError;
    const message = typeof framework.message === 'string' ? framework.message : 'Bad request';
    return {
      error: new GatewayError(status, isJson ? 'invalid_json' : codeForStatus(status), message),
      internal: false,
    };
  }
  if (error instanceof RangeError && error.message.includes('call stack')) {
    // JSON parses at any depth, but walking it recursively does not: thousands of nested objects
    // (a tool's parameters, say) overflow the stack.
    return {
      error: new GatewayError(400, 'invalid_request', 'The request is nested too deeply', { cause: error }),
      internal: false,
    };
  }
  if (refusedValue(error)) {
    // Input the checks let through but a column cannot take: the client's to change. Still logged,
    // since a value of the gateway's own making would be a fault.
    const reason = error instanceof Error ? error.message : 'refused';
    return {
      error: new GatewayError(400, 'invalid_request', `A value in the request cannot be stored: ${reason}`, {
        cause: error,
      }),
      internal: true,
    };
  }
  return {
    error: new GatewayError(500, 'internal_error', 'Internal error', { cause: error }),
    internal: true,
  };
}
