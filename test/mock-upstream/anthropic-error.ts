import { uniqueId } from './unique-id.ts';

interface AnthropicErrorDetail {
  type: string;
  message: string;
}

// Error types and messages as Anthropic's API sends them for each status.
const knownErrors: Record<number, AnthropicErrorDetail> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: {
    type: 'permission_error',
    message: 'Your API key does not have permission to use the specified resource.',
  },
  404: { type: 'not_found_error', message: 'Not found.' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: {
    type: 'rate_limit_error',
    message:
      'This request would exceed the rate limit for your organization of 50 requests per minute. ' +
      'For details, refer to: https://docs.claude.com/en/api/rate-limits.',
  },
  500: { type: 'api_error', message: 'Internal server error' },
  504: { type: 'timeout_error', message: 'Request timeout' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

export function anthropicRequestId(): string {
  return `req_011C${uniqueId(20)}`;
}

/** Anthropic's error body, `{type: 'error', error: {type, message}, request_id}`, for a status. */
export function anthropicErrorBody(status: number, message?: string) {
  const known = knownErrors[status] ?? {
    type: status >= 500 ? 'api_error' : 'invalid_request_error',
    message: `Request failed with status ${status}.`,
  };
  return {
    type: 'error',
    error: { type: known.type, message: message ?? known.message },
    request_id: anthropicRequestId(),
  };
}

/** The `event: error` Anthropic sends inside a 200 stream when the model is overloaded mid-way. */
export const anthropicOverloadedFrame =
  'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';

export const anthropicInvalidJsonMessage =
  'There was an error parsing the body of your request. Please ensure it is valid JSON.';
