import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.ts';
import { renderError } from './render-error.ts';

const requestId = 'req_0123456789abcdef';

describe('renderError', () => {
  it('answers OpenAI clients as OpenAI does, with a stable code and the request id', () => {
    const error = new GatewayError(404, 'model_not_found', "The model 'gpt-9' does not exist", {
      param: 'model',
    });
    expect(renderError('openai', error, requestId)).toEqual({
      error: {
        message: `The model 'gpt-9' does not exist (request id: ${requestId})`,
        type: 'gateway_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
    expect(
      renderError('openai', new GatewayError(401, 'invalid_api_key', 'Invalid API key'), requestId),
    ).toEqual({
      error: {
        message: `Invalid API key (request id: ${requestId})`,
        type: 'gateway_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
  });

  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'billing_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
  ])('answers Anthropic clients with status %i as error type %s', (status, type) => {
    const error = new GatewayError(status, 'invalid_request', 'Something went wrong');
    expect(renderError('anthropic', error, requestId)).toEqual({
      type: 'error',
      error: { type, message: `Something went wrong (request id: ${requestId})` },
    });
  });

  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
  ])('answers Gemini clients with status %i as %s', (status, name) => {
    const error = new GatewayError(status, 'invalid_request', 'Something went wrong');
    expect(renderError('gemini', error, requestId)).toEqual({
      error: { code: status, message: `Something went wrong (request id: ${requestId})`, status: name },
    });
  });

  it('answers the provider-scoped surface with a bare error string', () => {
    const error = new GatewayError(404, 'model_not_found', 'unsupported model provider: foo');
    expect(renderError('provider-scoped', error, requestId)).toEqual({
      error: `unsupported model provider: foo (request id: ${requestId})`,
    });
  });

  it('answers the management surface in its envelope', () => {
    const error = new GatewayError(422, 'invalid_request', 'Invalid name: too short', { param: 'name' });
    expect(renderError('management', error, requestId)).toEqual({
      success: false,
      message: `Invalid name: too short (request id: ${requestId})`,
      data: null,
    });
  });

  it('keeps the cause and extra headers out of every body', () => {
    const error = new GatewayError(502, 'upstream_error', 'Upstream failed', {
      cause: new Error('connect ECONNREFUSED 10.0.0.7:443 with key sk-upstream-secret'),
      headers: { 'retry-after': '30' },
    });
    for (const surface of ['openai', 'anthropic', 'gemini', 'provider-scoped', 'management'] as const) {
      const body = JSON.stringify(renderError(surface, error, requestId));
      expect(body).toContain(requestId);
      expect(body).not.toContain('sk-upstream-secret');
      expect(body).not.toContain('10.0.0.7');
      expect(body).not.toContain('retry-after');
    }
  });
});
