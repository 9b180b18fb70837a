import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { defaultAnthropicModels, renderAnthropicModelList } from './anthropic-models.ts';
import { Exchange } from './exchange.ts';
import { defaultGeminiModels, renderGeminiModel, renderGeminiModelList } from './gemini-models.ts';
import { googleErrorBody } from './google-error.ts';
import type { RenderedReply } from './mock-protocol.ts';
import type { MockReply } from './mock-reply.ts';
import type { MockUpstream, MockUpstreamOptions, RecordedRequest } from './mock-upstream.ts';
import { openAIErrorBody, openAIInvalidUrlBody } from './openai-error.ts';
import { defaultOpenAIModels, renderOpenAIModelList } from './openai-models.ts';
import { playReply } from './play-reply.ts';
import { ReplyScript } from './reply-script.ts';
import { matchRoute, type MockRoute, type ModelListFormat } from './routes.ts';
import { writeRenderedReply } from './write-rendered-reply.ts';

interface AbortWaiter {
  count: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

function parseBody(chunks: Buffer[]): unknown {
  if (chunks.length === 0) return '';
  const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function recordHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The credential as the provider's API carries it, whichever header (or `?key=`) that is. */
function apiKeyOf(request: IncomingMessage, query: URLSearchParams | undefined): string | undefined {
  const { headers } = request;
  const authorization = headers.authorization;
  if (authorization !== undefined && /^bearer /i.test(authorization)) return authorization.slice(7);
  for (const name of ['x-api-key', 'api-key', 'x-goog-api-key']) {
    const value = headers[name];
    if (typeof value === 'string') return value;
  }
  return query?.get('key') ?? undefined;
}

function writeJson(exchange: Exchange, status: number, body: unknown): Promise<void> {
  const rendered = {
    type: 'body',
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  } as const;
  return writeRenderedReply(exchange, rendered, { delayBetweenChunksMs: 0 });
}

class MockUpstreamServer implements MockUpstream {
  url = '';
  readonly requests: RecordedRequest[] = [];
  private abortCount = 0;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly abortWaiters = new Set<AbortWaiter>();
  private readonly script = new ReplyScript();
  private readonly server: Server;
  private readonly defaultStreamChunks: number;
  private readonly recordRequests: boolean;
  private readonly models: readonly string[];
  private readonly anthropicModels: readonly string[];
  private readonly geminiModels: readonly string[];

  constructor(options: MockUpstreamOptions) {
    this.defaultStreamChunks = options.defaultStreamChunks ?? 5;
    this.recordRequests = options.recordRequests ?? true;
    this.models = options.models ?? defaultOpenAIModels;
    this.anthropicModels = options.anthropicModels ?? defaultAnthropicModels;
    this.geminiModels = options.geminiModels ?? defaultGeminiModels;
    this.server = createServer((request, response) => this.handle(request, response));
    // Keep pooled connections from the gateway open across a benchmark's idle moments.
    this.server.keepAliveTimeout = 60_000;
    this.server.headersTimeout = 61_000;
  }

  get aborted(): number {
    return this.abortCount;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('mock upstream has no TCP address');
    const hostname = address.address.includes(':') ? `[${address.address}]` : address.address;
    this.url = `http://${hostname}:${address.port}`;
  }

  enqueue(...replies: MockReply[]): void {
    this.script.enqueue(replies);
  }

  setDefault(reply: MockReply): void {
    this.script.setDefault(reply);
  }

  reset(): void {
    this.script.reset();
    // Emptied in place: tests may hold on to the array.
    this.requests.length = 0;
    this.abortCount = 0;
  }

  waitForAborts(count: number, timeoutMs = 2000): Promise<void> {
    if (this.abortCount >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: AbortWaiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.abortWaiters.delete(waiter);
          reject(
            new Error(`expected ${count} aborted requests within ${timeoutMs} ms, saw ${this.abortCount}`),
          );
        }, timeoutMs),
      };
      this.abortWaiters.add(waiter);
    });
  }

  close(): Promise<void> {
    if (this.closed !== undefined) return this.closed;
    // Set first: connections the mock destroys now are not the client aborting.
    this.closing = true;
    this.closed = new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
    });
    this.server.closeAllConnections();
    for (const waiter of this.abortWaiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('mock upstream closed'));
    }
    this.abortWaiters.clear();
    return this.closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const exchange = new Exchange(request, response);
    response.once('close', () => this.onClosed(exchange));
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const method = request.method ?? 'GET';
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = queryStart === -1 ? undefined : new URLSearchParams(url.slice(queryStart + 1));
    const route = matchRoute(method, pathname, request.headers);
    // Taken on arrival, so concurrent requests get the queued replies in the order they came in.
    const reply = route?.kind === 'chat' ? this.script.next() : undefined;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = parseBody(chunks);
      if (this.recordRequests) {
        this.requests.push({
          method,
          path: url,
          headers: recordHeaders(request),
          apiKey: apiKeyOf(request, query),
          body,
          receivedAt: Date.now(),
        });
      }
      this.respond(exchange, route, reply, body, query).catch((error: unknown) => this.fail(exchange, error));
    });
  }

  private async respond(
    exchange: Exchange,
    route: MockRoute | undefined,
    reply: MockReply | undefined,
    body: unknown,
    query: URLSearchParams | undefined,
  ): Promise<void> {
    if (route === undefined) {
      const { method = 'GET', url = '/' } = exchange.request;
      if (url.startsWith('/v1beta/')) {
        return writeJson(exchange, 404, googleErrorBody(404, `Method not found: ${method} ${url}`));
      }
      return writeJson(exchange, 404, openAIInvalidUrlBody(method, url));
    }
    switch (route.kind) {
      case 'models':
        return writeRenderedReply(exchange, this.renderModels(route.format, route.model), {
          delayBetweenChunksMs: 0,
        });
      case 'chat': {
        const target = { model: route.model, stream: route.stream, query: query ?? new URLSearchParams() };
        const request = route.protocol.readRequest(body, target);
        if (request === undefined || reply === undefined) {
          return writeJson(exchange, 400, route.protocol.invalidJsonBody());
        }
        return playReply(exchange, reply, {
          protocol: route.protocol,
          request,
          defaultStreamChunks: this.defaultStreamChunks,
        });
      }
      default: {
        const unknownRoute: never = route;
        throw new Error(`unknown route ${JSON.stringify(unknownRoute)}`);
      }
    }
  }

  private renderModels(format: ModelListFormat, model: string | undefined): RenderedReply {
    switch (format) {
      case 'openai':
        return renderOpenAIModelList(this.models);
      case 'anthropic':
        return renderAnthropicModelList(this.anthropicModels);
      case 'gemini':
        return model === undefined
          ? renderGeminiModelList(this.geminiModels)
          : renderGeminiModel(this.geminiModels, model);
      default: {
        const unknownFormat: never = format;
        throw new Error(`unknown model list ${String(unknownFormat)}`);
      }
    }
  }

  /** A bug in the mock itself: answer 500 if still possible, so the test fails loudly rather than hangs. */
  private fail(exchange: Exchange, error: unknown): void {
    if (exchange.response.headersSent) {
      exchange.resetConnection();
      return;
    }
    void writeJson(exchange, 500, openAIErrorBody(500, `mock upstream failed: ${String(error)}`));
  }

  private onClosed(exchange: Exchange): void {
    if (exchange.response.writableFinished || exchange.closedByMock || this.closing) return;
    this.abortCount += 1;
    for (const waiter of this.abortWaiters) {
      if (waiter.count > this.abortCount) continue;
      clearTimeout(waiter.timer);
      this.abortWaiters.delete(waiter);
      waiter.resolve();
    }
  }
}

/** Starts the mock upstream; see `MockUpstream`. */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const upstream = new MockUpstreamServer(options);
  await upstream.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return upstream;
}
