/**
 * The Anthropic Messages API on the wire, as far as the gateway reads or writes it
 * (docs.anthropic.com, "Messages" and "Streaming Messages"). Field names stay snake_case.
 * Type aliases rather than interfaces, so that a body is assignable to `Record<string, unknown>`.
 */

export type AnthropicImageSource =
  { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };

export type AnthropicTextBlock = { type: 'text'; text: string };

export type AnthropicImageBlock = { type: 'image'; source: AnthropicImageSource };

/** A PDF given inline (`document` with a base64 source; the gateway writes no other kind). */
export type AnthropicDocumentBlock = {
  type: 'document';
  source: { type: 'base64'; media_type: 'application/pdf'; data: string };
  /** The document's optional title (Messages API, document blocks: `title`, a string or null). */
  title?: string;
};

export type AnthropicToolUseBlock = { type: 'tool_use'; id: string; name: string; input: unknown };

export type AnthropicToolResultBlock = {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | (AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock)[];
  is_error?: boolean;
};

export type AnthropicThinkingBlock = { type: 'thinking'; thinking: string; signature: string };

export type AnthropicRedactedThinkingBlock = { type: 'redacted_thinking'; data: string };

export type AnthropicUserBlock =
  AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock | AnthropicToolResultBlock;

export type AnthropicAssistantBlock =
  AnthropicTextBlock | AnthropicToolUseBlock | AnthropicThinkingBlock | AnthropicRedactedThinkingBlock;

export type AnthropicMessage =
  | { role: 'user'; content: string | AnthropicUserBlock[] }
  | { role: 'assistant'; content: string | AnthropicAssistantBlock[] };

export type AnthropicTool = { name: string; description?: string; input_schema: Record<string, unknown> };

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export type AnthropicThinkingConfig = { type: 'enabled'; budget_tokens: number } | { type: 'disabled' };

export type AnthropicRequestBody = {
  model: string;
  messages: AnthropicMessage[];
  max_tokens: number;
  system?: string | AnthropicTextBlock[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
  thinking?: AnthropicThinkingConfig;
  metadata?: { user_id: string };
};

/** The stop reasons the API documents; anything else is read as `other`. */
export const anthropicStopReasons = [
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
] as const;

export type AnthropicStopReason = (typeof anthropicStopReasons)[number];

export type AnthropicUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
};

export type AnthropicResponseBody = {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicAssistantBlock[];
  stop_reason: string | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
};

/** A content block as it opens in a stream (`content_block_start`). */
export type AnthropicStreamBlockStart =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, never> };

export type AnthropicStreamDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'input_json_delta'; partial_json: string };

/** The events of a stream; each line's SSE event name equals its `type`. */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicResponseBody }
  | { type: 'content_block_start'; index: number; content_block: AnthropicStreamBlockStart }
  | { type: 'content_block_delta'; index: number; delta: AnthropicStreamDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: string | null; stop_sequence: string | null };
      usage: AnthropicUsage;
    }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: { type: string; message: string } };
