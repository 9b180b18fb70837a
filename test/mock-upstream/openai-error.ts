interface OpenAIErrorDetail {
  message: string;
  type: string;
  code: string | null;
}

// Messages, types and codes as OpenAI's API sends them for each status.
const knownErrors: Record<number, OpenAIErrorDetail> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: {
    message:
      'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  403: {
    message: 'You are not allowed to sample from this model.',
    type: 'invalid_request_error',
    code: null,
  },
  404: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    code: 'model_not_found',
  },
  429: {
    message: 'Rate limit reached for requests. Please try again in 1s.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    code: null,
  },
};

/** OpenAI's error body, `{error: {message, type, param, code}}`, for a status. */
export function openAIErrorBody(status: number, message?: string) {
  const known = knownErrors[status] ?? {
    message: `Request failed with status ${status}.`,
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return { error: { message: message ?? known.message, type: known.type, param: null, code: known.code } };
}

/** OpenAI's 404 for a path it does not serve. */
export function openAIInvalidUrlBody(method: string, path: string) {
  return {
    error: {
      message: `Invalid URL (${method} ${path})`,
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  };
}

export const openAIInvalidJsonMessage =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
  'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)';
