import type { MockReply } from './mock-reply.ts';

export interface MockUpstreamOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** How many pieces a streamed reply's content is split into when the reply does not say; default 5. */
  defaultStreamChunks?: number;
  /** Keep every request in `requests` (default true); off for long benchmarks, whose memory would grow. */
  recordRequests?: boolean;
  /** The ids `GET /v1/models` lists. */
  models?: string[];
  /** The ids `GET /v1/models` lists when the request has an `anthropic-version` header. */
  anthropicModels?: string[];
  /** The model ids (without `models/`) `GET /v1beta/models` lists. */
  geminiModels?: string[];
}

export interface RecordedRequest {
  method: string;
  /** The path with its query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lowercased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /**
   * The credential, from whichever place its API takes it: `authorization: Bearer …` (OpenAI),
   * `x-api-key` (Anthropic), `api-key` (Azure), `x-goog-api-key` or `?key=` (Gemini).
   */
  apiKey: string | undefined;
  /** Parsed JSON, or the raw text when it is not JSON (`''` for no body). */
  body: unknown;
  /** `Date.now()` when the whole body had arrived. */
  receivedAt: number;
}

export interface MockUpstream {
  /**
   * e.g. `http://127.0.0.1:54321`. Base URLs: `${url}/v1` for OpenAI; `url` itself for Anthropic
   * (`/v1/messages`), Gemini (`/v1beta/models/…`) and Azure (`/openai/deployments/…`).
   */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests whose client disconnected before the mock finished replying (scripted cuts and resets excluded). */
  readonly aborted: number;
  /** FIFO: the next chat requests get these replies; once the queue is empty, the default reply. */
  enqueue(...replies: MockReply[]): void;
  setDefault(reply: MockReply): void;
  /** Clears the queue, the recorded requests and the abort count; the default goes back to `echo`. */
  reset(): void;
  /** Resolves once `aborted >= count`; rejects after `timeoutMs` (default 2000). */
  waitForAborts(count: number, timeoutMs?: number): Promise<void>;
  /** Stops listening and destroys every connection, hanging ones included. */
  close(): Promise<void>;
}
