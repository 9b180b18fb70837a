import { Agent } from 'undici';
import { UpstreamCall } from './upstream-call.ts';

export interface UpstreamClientOptions {
  connectTimeoutMs: number;
  /** Longest wait for the response headers after the request was sent. */
  firstByteTimeoutMs: number;
  /** Longest silence between two body chunks. */
  idleTimeoutMs: number;
  /** Keep-alive connections per upstream origin. */
  connections: number;
}

export interface UpstreamRequest {
  /** `scheme://host:port`, parsed once per channel rather than per request. */
  origin: string;
  /** Path and query. */
  path: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** One keep-alive connection pool per upstream origin, with the configured timeouts. */
export class UpstreamClient {
  readonly #agent: Agent;

  constructor(options: UpstreamClientOptions) {
    this.#agent = new Agent({
      connections: options.connections,
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.firstByteTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
  }

  /** Starts an exchange; await `call.responded` for the status and headers. */
  start(request: UpstreamRequest): UpstreamCall {
    const call = new UpstreamCall();
    this.#agent.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method ?? 'POST',
        headers: request.headers,
        body: request.body,
      },
      call,
    );
    return call;
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}
