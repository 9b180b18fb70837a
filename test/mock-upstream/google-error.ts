// The canonical gRPC status Google's APIs pair with each HTTP status.
const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

// Messages as the Gemini API sends them for each status.
const knownMessages: Record<number, string> = {
  400: 'Request contains an invalid argument.',
  401:
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or ' +
    'other valid authentication credential.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429: 'You exceeded your current quota, please check your plan and billing details.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'Deadline expired before operation could complete.',
};

/** Google's error body, `{error: {code, message, status}}` (plus `details` when given), for a status. */
export function googleErrorBody(status: number, message?: string, details?: unknown[]) {
  const error: { code: number; message: string; status: string; details?: unknown[] } = {
    code: status,
    message: message ?? knownMessages[status] ?? `Request failed with status ${status}.`,
    status: statusNames[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION'),
  };
  if (details !== undefined) error.details = details;
  return { error };
}

export const googleInvalidJsonMessage = 'Invalid JSON payload received. Unexpected token.';
