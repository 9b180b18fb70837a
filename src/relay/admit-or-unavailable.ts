import { GatewayError } from '../core/gateway-error.ts';
import type { Admission, AdmitRequest, RateLimiter } from '../limits/rate-limiter.ts';
import { RateLimiterUnavailableError } from '../limits/rate-limiter-unavailable-error.ts';

/**
 * An admission, or — when the limiter's store is down and the operator chose to fail closed
 * (RATE_LIMIT_FAIL_OPEN=false) — a 503 the client can retry, not an internal error.
 */
export async function admitOrUnavailable(limiter: RateLimiter, request: AdmitRequest): Promise<Admission> {
  try {
    return await limiter.admit(request);
  } catch (error) {
    if (!(error instanceof RateLimiterUnavailableError)) throw error;
    throw new GatewayError(
      503,
      'service_unavailable',
      'Rate limits cannot be checked right now; retry shortly',
      {
        headers: { 'retry-after': '1' },
        cause: error,
      },
    );
  }
}
