import { describe, expect, it } from 'vitest';
import { isAuthFailure, upstreamErrorMessage } from './auth-failure.ts';

describe('isAuthFailure', () => {
  it('counts every 401 and 403', () => {
    expect(isAuthFailure(401, '')).toBe(true);
    expect(isAuthFailure(403, '{"error":{"message":"Country not supported"}}')).toBe(true);
  });

  it('reads refused keys and deactivated accounts in other client errors', () => {
    const gemini = JSON.stringify({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    });
    expect(isAuthFailure(400, gemini)).toBe(true);
    expect(isAuthFailure(400, '{"error":{"message":"Your account has been deactivated"}}')).toBe(true);
    expect(isAuthFailure(404, '{"error":{"code":"invalid_api_key"}}')).toBe(true);
  });

  it('leaves ordinary client errors, rate limits and server errors alone', () => {
    expect(isAuthFailure(400, '{"error":{"message":"Invalid value for temperature"}}')).toBe(false);
    expect(isAuthFailure(429, '{"error":{"message":"invalid api key quota"}}')).toBe(false);
    expect(isAuthFailure(500, 'Invalid API key')).toBe(false);
  });
});

describe('upstreamErrorMessage', () => {
  it('finds the message in each format, or shows the text', () => {
    expect(upstreamErrorMessage('{"error":{"message":"m1"}}')).toBe('m1');
    expect(upstreamErrorMessage('{"type":"error","error":{"type":"x","message":"m2"}}')).toBe('m2');
    expect(upstreamErrorMessage('{"error":"m3"}')).toBe('m3');
    expect(upstreamErrorMessage('  Bad Gateway  ')).toBe('Bad Gateway');
  });
});
