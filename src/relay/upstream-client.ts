import { Agent, type Dispatcher } from 'undici';

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
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
  signal: AbortSignal;
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

  send(request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const url = new URL(request.url);
    return this.#agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method ?? 'POST',
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}
