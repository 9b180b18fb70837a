import type { TextPart } from './content-part.ts';
import type { Message } from './message.ts';

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json-object' }
  | {
      type: 'json-schema';
      name: string;
      schema: Record<string, unknown>;
      description?: string;
      strict?: boolean;
    };

/**
 * OpenAI's effort levels, all that its SDK documents: `none` asks for no reasoning (gpt-5.1 and
 * later), `xhigh` and `max` for more than `high` (newer models).
 */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/** A request in our own terms: what every client format decodes to and every upstream format encodes from. */
export interface ChatRequest {
  model: string;
  system: TextPart[];
  messages: Message[];
  stream: boolean;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseFormat?: ResponseFormat;
  /**
   * Reasoning: an effort level (OpenAI) and/or a token budget (Anthropic, Gemini). `includeThoughts`
   * is whether the client wants the thinking back (Gemini's `thinkingConfig.includeThoughts`; set by
   * the Gemini decoder only). It concerns the client's answer, not the upstream request.
   */
  reasoning?: { effort?: ReasoningEffort; budgetTokens?: number; includeThoughts?: boolean };
  /** End-user id for the provider's abuse monitoring (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /** Number of choices (OpenAI `n`, Gemini `candidateCount`). */
  choiceCount?: number;
}
