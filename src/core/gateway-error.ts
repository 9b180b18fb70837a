/**
 * The one error type the gateway raises on purpose. It carries a stable `code` (part of the API
 * contract, see API.md 1.1) and the HTTP status; the error handler renders it in the client's own
 * wire format. Anything else that reaches the handler is an internal fault.
 */
export type GatewayErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'invalid_api_key'
  | 'missing_api_key'
  | 'permission_denied'
  | 'model_not_found'
  | 'not_found'
  | 'request_too_large'
  | 'unsupported_media_type'
  | 'unsupported_by_channel'
  | 'insufficient_credits'
  | 'rate_limited'
  | 'upstream_error'
  | 'upstream_rate_limited'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'service_unavailable'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'internal_error';

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;
  /** The request field the error is about, when there is one (OpenAI's `param`). */
  readonly param: string | null;
  /** Extra response headers, e.g. `retry-after`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: GatewayErrorCode,
    message: string,
    options: { param?: string | null; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.status = status;
    this.code = code;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }
}

export const isGatewayError = (value: unknown): value is GatewayError => value instanceof GatewayError;
