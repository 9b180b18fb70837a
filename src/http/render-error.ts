import type { GatewayError } from '../core/gateway-error.ts';
import type { Surface } from './surface.ts';

/** Anthropic's error `type` for each status (docs.anthropic.com, "Errors"). */
function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/** Google's canonical status names, as the Gemini API returns them. */
function geminiStatus(status: number): string {
  switch (status) {
    case 400:
    case 413:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 402:
      return 'FAILED_PRECONDITION';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ALREADY_EXISTS';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL';
  }
}

/** The error body in the client's own format (API.md 1.1). Every message carries the request id. */
export function renderError(surface: Surface, error: GatewayError, requestId: string): unknown {
  const message = `${error.message} (request id: ${requestId})`;
  switch (surface) {
    case 'openai':
      return { error: { message, type: 'gateway_error', param: error.param, code: error.code } };
    case 'anthropic':
      return { type: 'error', error: { type: anthropicErrorType(error.status), message } };
    case 'gemini':
      return { error: { code: error.status, message, status: geminiStatus(error.status) } };
    case 'provider-scoped':
      return { error: message };
    case 'management':
      return { success: false, message, data: null };
    default: {
      const unreachable: never = surface;
      throw new Error(`unknown surface ${String(unreachable)}`);
    }
  }
}
