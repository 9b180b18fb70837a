import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the relay reads of a request: the part of Fastify's request it uses, so that a route runs
 * the same whether Fastify or the relay lane (`relay-lane.ts`) received it.
 */
export interface RelayRequest {
  readonly id: string;
  readonly url: string;
  /** The route's path as registered (prefix included). */
  readonly routeOptions: { readonly url?: string | undefined };
  readonly headers: IncomingHttpHeaders;
  /** The raw body: a Buffer, or undefined when none was sent. */
  readonly body: unknown;
  /** The client's address: the socket's, or behind a trusted proxy, the one it forwarded. */
  readonly ip: string;
  readonly raw: IncomingMessage;
}

/** What the relay does with a reply: the part of Fastify's reply it uses. */
export interface RelayReply {
  readonly raw: ServerResponse;
  /** Whether the reply is the route's own now (hijacked) or has ended. */
  readonly sent: boolean;
  readonly statusCode: number;
  readonly request: { readonly raw: IncomingMessage };
  /** Takes the response over: nothing more will be sent for the route. */
  hijack(): unknown;
  /** A header for an answer sent on the route's behalf (an error). */
  header(name: string, value: string): unknown;
}
