/**
 * What the mock answers to one request. Tests script these per request (`enqueue`) or as the
 * default; the protocol of the route the request came in on (OpenAI chat, Anthropic Messages,
 * Gemini) decides the wire format, so one script serves every format.
 */

export interface MockToolCall {
  /**
   * Defaults to a generated id in the protocol's own style (`call_…` for OpenAI, `toolu_…` for
   * Anthropic). Gemini sends no ids.
   */
  id?: string;
  name: string;
  /**
   * The arguments as the JSON text the model would stream. Anthropic and Gemini send objects
   * (`input`, `args`), so there it must be a JSON object (or empty: `{}` for Anthropic, no `args`
   * for Gemini); a streamed Anthropic `input_json_delta` carries the text as is.
   */
  arguments: string;
  /** Gemini only: the `thoughtSignature` on this `functionCall` part (Gemini 2.5+/3 send one). */
  thoughtSignature?: string;
}

export interface MockUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Part of `prompt_tokens` read from the cache (OpenAI counts them inside `prompt_tokens`). */
  cached_tokens?: number;
  /** Part of `completion_tokens` spent on reasoning. */
  reasoning_tokens?: number;
  /**
   * Part of `prompt_tokens` written to the cache: Anthropic's `cache_creation_input_tokens` (its
   * `input_tokens` is what remains after the cached and cache-written parts).
   */
  cache_creation_tokens?: number;
}

/** Shared by `chat` and `echo`: how a streamed answer is paced, and whether it fails midway. */
export interface StreamPacing {
  /** How many pieces the content (and each tool call's arguments) is split into when streamed. */
  chunks?: number;
  /** Wait between SSE frames; 0 (the default) writes the whole stream at once. */
  delayBetweenChunksMs?: number;
  /**
   * After this many frames of a streamed reply (never all of them), send the protocol's mid-stream
   * error and end the response normally: Anthropic's `event: error` with `overloaded_error`,
   * OpenAI's `data: {"error": …}` (no `[DONE]`), Gemini's `data: {"error": {code: 503, …}}`.
   * Ignored for non-streaming requests.
   */
  streamErrorAfterChunks?: number;
  /**
   * After this many frames of a streamed reply (never all of them), end the response normally
   * without the rest: no finish reason, no `[DONE]`, no `message_stop`. What a proxy in front of
   * the upstream sends when it times a stream out but closes it cleanly. Ignored for non-streaming
   * requests.
   */
  streamEndAfterChunks?: number;
}

/** A normal completion. Without `usage`, token counts are estimated from text lengths. */
export interface ChatReply extends StreamPacing {
  kind: 'chat';
  content?: string;
  /**
   * Reasoning, sent before the content: DeepSeek-style `reasoning_content` (OpenAI), a `thinking`
   * block (Anthropic), `{text, thought: true}` parts (Gemini).
   */
  reasoningContent?: string;
  /**
   * Anthropic: the `thinking` block's signature (default: a generated one). Gemini: the
   * `thoughtSignature` on the first text part (default: none).
   */
  reasoningSignature?: string;
  toolCalls?: MockToolCall[];
  usage?: MockUsage;
  /**
   * Defaults to the protocol's own: `tool_calls`/`stop` (OpenAI), `tool_use`/`end_turn` (Anthropic),
   * `STOP` (Gemini). OpenAI values are translated for the others — `length` gives `max_tokens` /
   * `MAX_TOKENS`, `content_filter` gives `refusal` / `SAFETY` (with no content: a safety block) —
   * and any other value is sent as is.
   */
  finishReason?: string;
  /** Defaults to the request's model. */
  model?: string;
  /**
   * Answer with the whole JSON body even when the request asked for a stream: an upstream (or a
   * model) that does not stream, or ignores the request to.
   */
  answerWhole?: boolean;
}

/** A completion whose content is `echo: <last user message text>` (the default reply). */
export interface EchoReply extends StreamPacing {
  kind: 'echo';
}

/** An HTTP error; `body` defaults to the protocol's error shape for the status. A string body is sent as is. */
export interface ErrorReply {
  kind: 'error';
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Waits before replying at all (no headers yet); a client leaving meanwhile counts as an abort. */
export interface DelayReply {
  kind: 'delay';
  ms: number;
  then: MockReply;
}

/**
 * Sends the first `afterChunks` SSE frames of `reply` (default: an echo), then closes the connection
 * mid-stream. Never sends the stream's last frame, so the stream is always incomplete. For a
 * non-streaming request: the headers, plus half the JSON body when `afterChunks > 0`.
 */
export interface CutReply {
  kind: 'cut';
  afterChunks: number;
  reply?: ChatReply | EchoReply;
}

/** Destroys the connection without any response. */
export interface ResetReply {
  kind: 'reset';
}

/** Never answers; the connection stays open until the client leaves or the mock closes. */
export interface HangReply {
  kind: 'hang';
}

/**
 * Exact bytes. An array is written as separate writes `delayBetweenPartsMs` apart (default 2 ms, so
 * each part reaches the client as its own TCP read). `content-type` defaults to `text/event-stream`.
 */
export interface RawReply {
  kind: 'raw';
  status?: number;
  headers?: Record<string, string>;
  body: string | string[];
  delayBetweenPartsMs?: number;
  /** Destroy the connection after the last part instead of ending the response (a reset). */
  reset?: boolean;
}

export type MockReply =
  ChatReply | EchoReply | ErrorReply | DelayReply | CutReply | ResetReply | HangReply | RawReply;
