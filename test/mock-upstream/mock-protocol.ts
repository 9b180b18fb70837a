/**
 * The seam between the protocol-independent scripting (queue, faults, pacing) and one wire format.
 * Each wire format (`openai-chat.ts`, `anthropic-messages.ts`, `gemini.ts`) implements it once.
 */

/** What the request line says besides the body. */
export interface RequestTarget {
  /** The model the path names: Gemini's `models/{model}:…`, an Azure deployment. */
  model?: string;
  /** Streaming as the path decides (Gemini's `:streamGenerateContent`). */
  stream?: boolean;
  query: URLSearchParams;
}

/** A request the real API would refuse: the mock answers it with this instead of a completion. */
export interface RequestProblem {
  status: number;
  body: unknown;
}

/** What a reply needs to know about a chat request, whatever its wire format. */
export interface ChatRequestView {
  model: string;
  stream: boolean;
  /** The client asked for a usage chunk at the end of the stream (OpenAI only; others always send usage). */
  includeUsage: boolean;
  lastUserText: string;
  /** All message text, for estimating prompt tokens. */
  promptText: string;
  /** Set when validation failed; scripted completions (`chat`, `echo`, `cut`) answer with it instead. */
  problem?: RequestProblem;
  /** Gemini's `streamGenerateContent` without `alt=sse`: a streamed JSON array instead of SSE. */
  jsonArrayStream?: boolean;
}

export interface ResolvedToolCall {
  id: string | undefined;
  name: string;
  arguments: string;
  thoughtSignature: string | undefined;
}

/** A chat reply with every default filled in, before it is put in a wire format. */
export interface ResolvedChat {
  model: string;
  content: string | undefined;
  reasoningContent: string | undefined;
  reasoningSignature: string | undefined;
  toolCalls: ResolvedToolCall[];
  /** All input tokens, cached and cache-written ones included (OpenAI's and Gemini's count). */
  promptTokens: number;
  /** All output tokens, reasoning included (OpenAI's and Anthropic's count). */
  completionTokens: number;
  cachedTokens: number;
  cacheCreationTokens: number;
  reasoningTokens: number;
  /** Undefined: the protocol's own default. OpenAI values are translated by the other protocols. */
  finishReason: string | undefined;
  chunks: number;
}

export type OutgoingHeaders = Record<string, string>;

export type RenderedReply =
  | { type: 'body'; status: number; headers: OutgoingHeaders; body: string }
  /** `frames` are whole frames (SSE events, or JSON array elements), in order. */
  | { type: 'stream'; status: number; headers: OutgoingHeaders; frames: string[] }
  /** A binary body (audio) sent in `chunks`, one write each, paced like stream frames. */
  | { type: 'binary'; status: number; headers: OutgoingHeaders; chunks: Buffer[] };

export interface MockProtocol {
  /** Undefined when the body is not a request of this protocol at all (e.g. not a JSON object). */
  readRequest(body: unknown, target: RequestTarget): ChatRequestView | undefined;
  renderChat(request: ChatRequestView, chat: ResolvedChat): RenderedReply;
  /** The protocol's error body for a status, e.g. OpenAI's `{error: {message, type, param, code}}`. */
  errorBody(status: number, message?: string): unknown;
  /** The 400 body for a request body that is not JSON (or not a JSON object). */
  invalidJsonBody(): unknown;
  /** The frame an upstream sends when it fails mid-stream (an overloaded model), ending the stream. */
  streamErrorFrame(request: ChatRequestView): string;
}
