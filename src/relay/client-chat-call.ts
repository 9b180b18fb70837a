import type { IncomingHttpHeaders } from 'node:http';
import type { Surface } from '../http/surface.ts';
import type { ClientRequestContext, WireProtocol } from '../protocols/wire-protocol.ts';

/** A client's chat request as the route read it, before any channel is chosen. */
export interface ClientChatCall {
  surface: Surface;
  protocol: WireProtocol;
  /** The route, for the log row. */
  endpoint: string;
  /** The client's body bytes, and the same parsed once. */
  raw: Buffer;
  json: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** OpenAI clients get the usage chunk only when they asked for it. */
  includeUsage: boolean;
  context: ClientRequestContext;
  headers: IncomingHttpHeaders;
  /** Only channels of this provider may serve it (the provider-scoped routes). */
  provider?: string;
}
