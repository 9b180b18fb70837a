import type { AssistantContentPart, TextPart, ToolResultPart, UserContentPart } from './content-part.ts';

/**
 * A conversation turn. Tool results are messages of their own (`tool`), as in OpenAI; formats
 * that carry them inside user turns (Anthropic, Gemini) split and merge at their edge.
 * A `system` message here is one that appears mid-conversation; leading instructions live in
 * `ChatRequest.system`.
 */
export type Message =
  | { role: 'system'; content: TextPart[] }
  | { role: 'user'; content: UserContentPart[] }
  | { role: 'assistant'; content: AssistantContentPart[] }
  | { role: 'tool'; content: ToolResultPart[] };

export type Role = Message['role'];
