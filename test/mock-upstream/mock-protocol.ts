/**
 * The seam between the protocol-independent scripting (queue, faults, pacing) and one wire format.
 * Each wire format (`openai-chat.ts`, later Anthropic Messages and Gemini) implements it once.
 */

/** What a reply needs to know about a chat request, whatever its wire format. */
export interface ChatRequestView {
  model: string;
  stream: boolean;
  /** The client asked for a usage chunk at the end of the stream. */
  includeUsage: boolean;
  lastUserText: string;
  /** All message text, for estimating prompt tokens. */
  promptText: string;
}

/** A chat reply with every default filled in, before it is put in a wire format. */
export interface ResolvedChat {
  model: string;
  content: string | undefined;
  reasoningContent: string | undefined;
  toolCalls: { id: string | undefined; name: string; arguments: string }[];
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Undefined: the protocol's own default (e.g. `stop` or `tool_calls`). */
  finishReason: string | undefined;
  chunks: number;
}

export type OutgoingHeaders = Record<string, string>;

export type RenderedReply =
  | { type: 'body'; status: number; headers: OutgoingHeaders; body: string }
  /** `frames` are whole SSE frames, each ending in a blank line. */
  | { type: 'stream'; status: number; headers: OutgoingHeaders; frames: string[] };

export interface MockProtocol {
  /** Undefined when the body is not a request of this protocol at all (e.g. not a JSON object). */
  readRequest(body: unknown): ChatRequestView | undefined;
  renderChat(request: ChatRequestView, chat: ResolvedChat): RenderedReply;
  /** The protocol's error body for a status, e.g. OpenAI's `{error: {message, type, param, code}}`. */
  errorBody(status: number, message?: string): unknown;
}
