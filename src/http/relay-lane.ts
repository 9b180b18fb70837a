import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { Logger } from 'pino';
import { stampArrival, sinceReceived } from './received-at.ts';
import type { RelayReply, RelayRequest } from './relay-exchange.ts';
import { renderError } from './render-error.ts';
import { requestIdFor } from './request-id.ts';
import type { Surface } from './surface.ts';
import { toGatewayError } from './to-gateway-error.ts';

/** A route the lane serves: its handler, and the surface whose format its errors take. */
export interface LaneRoute {
  surface: Surface;
  handle(request: RelayRequest, reply: RelayReply): Promise<void>;
}

export interface RelayLaneOptions {
  bodyLimitBytes: number;
  /** As Fastify's `trustProxy`: the proxies whose X-Forwarded-For names the client. */
  trustedProxies: readonly string[];
  logger: Logger;
}

/** `application/json`, with parameters or not, in any case: the type every SDK sends. */
const jsonType = /^application\/json\s*(?:;|$)/i;

class LaneRequest implements RelayRequest {
  readonly routeOptions: { readonly url: string };

  constructor(
    readonly raw: IncomingMessage,
    readonly id: string,
    readonly body: Buffer,
    path: string,
    private readonly addressOf: (request: IncomingMessage) => string,
  ) {
    this.routeOptions = { url: path };
  }

  get url(): string {
    return this.raw.url ?? '';
  }

  get headers(): IncomingHttpHeaders {
    return this.raw.headers;
  }

  get ip(): string {
    return this.addressOf(this.raw);
  }
}

class LaneReply implements RelayReply {
  #hijacked = false;
  /** Headers set for an answer the lane sends on the route's behalf (an error). */
  readonly pending: Record<string, string> = {};

  constructor(
    readonly raw: ServerResponse,
    readonly request: LaneRequest,
  ) {}

  get sent(): boolean {
    return this.#hijacked || this.raw.writableEnded;
  }

  get statusCode(): number {
    return this.raw.statusCode;
  }

  hijack(): void {
    this.#hijacked = true;
  }

  header(name: string, value: string): void {
    this.pending[name.toLowerCase()] = value;
  }
}

/**
 * The relay's busiest routes without Fastify's request pipeline, which costs about 4 µs of CPU per
 * request (a tenth of what the gateway adds to a bare proxy's work): exact `POST` paths whose body
 * is JSON of a declared length within the limit, while the server is not closing. Anything else on
 * those paths — a query string, a trailing slash, a chunked or oversized body, another content
 * type — and every other route go to Fastify as before, so the lane only has to do what Fastify
 * does for the plain case: the request id and arrival time, the body read whole (copied off the
 * socket's buffer), the client's address as `trustProxy` reads it, and errors rendered in the
 * surface's format with the request id and the overhead figure, as the error handler and the
 * `onSend` hook make them.
 */
export class RelayLane {
  readonly #routes = new Map<string, LaneRoute>();
  readonly #addressOf: (request: IncomingMessage) => string;
  #open = true;

  constructor(private readonly options: RelayLaneOptions) {
    if (options.trustedProxies.length === 0) {
      this.#addressOf = (request) => request.socket.remoteAddress ?? '';
    } else {
      const trust = proxyAddr.compile([...options.trustedProxies]);
      this.#addressOf = (request) => proxyAddr.all(request, trust).at(-1) ?? '';
    }
  }

  /** Serves `POST path` (exactly that path: no query string) with `route`. */
  add(path: string, route: LaneRoute): void {
    this.#routes.set(path, route);
  }

  /** From now on every request goes to Fastify, which answers 503 while the server closes. */
  close(): void {
    this.#open = false;
  }

  /** Takes the request if it is the lane's; false: it is Fastify's to handle. */
  take(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'POST' || !this.#open) return false;
    const path = request.url ?? '';
    const route = this.#routes.get(path);
    if (route === undefined) return false;
    const headers = request.headers;
    const declared = headers['content-length'];
    const type = headers['content-type'];
    if (declared === undefined || headers['transfer-encoding'] !== undefined) return false;
    if (type === undefined || !jsonType.test(type)) return false;
    const length = Number(declared);
    if (!Number.isSafeInteger(length) || length <= 0 || length > this.options.bodyLimitBytes) return false;
    stampArrival(request);
    const id = requestIdFor(request);
    this.#read(request, length, (body) => {
      const laneRequest = new LaneRequest(request, id, body, path, this.#addressOf);
      this.#run(route, laneRequest, new LaneReply(response, laneRequest));
    });
    return true;
  }

  /** Runs the route; whatever it throws (or if it answers nothing) the client still gets an answer. */
  #run(route: LaneRoute, request: LaneRequest, reply: LaneReply): void {
    let handled: Promise<void>;
    try {
      handled = route.handle(request, reply);
    } catch (error) {
      handled = Promise.reject(error);
    }
    handled.then(
      () => {
        if (!reply.sent) this.#fail(route.surface, new Error('the route sent no answer'), reply);
      },
      (error: unknown) => this.#fail(route.surface, error, reply),
    );
  }

  /**
   * Reads the declared length, then calls `done` with a copy (a view would keep the socket's whole
   * read buffer alive for as long as the body is kept, in the log queue among others). A request
   * that breaks off before its end gets no answer: there is no one to send it to.
   */
  #read(request: IncomingMessage, length: number, done: (body: Buffer) => void): void {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    };
    const onEnd = () => {
      request.removeListener('data', onData);
      request.removeListener('error', onError);
      // Node's parser ends a body at its declared length; anything else broke off.
      if (received !== length) return;
      done(Buffer.concat(chunks, received));
    };
    const onError = () => {
      request.removeListener('data', onData);
      request.removeListener('end', onEnd);
    };
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onError);
  }

  /** What the surface's error handler and the `onSend` hook make of an error, on a raw response. */
  #fail(surface: Surface, error: unknown, reply: LaneReply): void {
    const { error: gatewayError, internal } = toGatewayError(error);
    const id = reply.request.id;
    if (internal) this.options.logger.error({ err: error, requestId: id }, 'unhandled error');
    if (reply.sent || reply.raw.headersSent) return;
    const body = JSON.stringify(renderError(surface, gatewayError, id));
    const headers: Record<string, string> = { ...reply.pending };
    for (const [name, value] of Object.entries(gatewayError.headers)) headers[name.toLowerCase()] = value;
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['content-length'] = String(Buffer.byteLength(body));
    headers['x-request-id'] = id;
    headers['x-switchboard-overhead-ms'] ??= sinceReceived(reply.request).toFixed(2);
    try {
      reply.raw.writeHead(gatewayError.status, headers);
    } catch (invalid) {
      // A header Node refuses (a value it cannot send): the answer goes without the extra ones.
      this.options.logger.error({ err: invalid, requestId: id }, 'error answer header refused');
      reply.raw.writeHead(gatewayError.status, {
        'content-type': headers['content-type'],
        'content-length': headers['content-length'],
        'x-request-id': id,
      });
    }
    reply.raw.end(body);
  }
}
