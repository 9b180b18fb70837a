/** OpenAI Chat Completions wire shapes (platform.openai.com/docs/api-reference/chat), as far as we read or write them. */

export interface OpenAiTextContent {
  type: 'text';
  text: string;
}

export interface OpenAiImageContent {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** A file given inline (`file_data` is a data URL; OpenAI takes PDFs this way, with a file name). */
export interface OpenAiFileContent {
  type: 'file';
  file: { file_data: string; filename: string };
}

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAiMessage =
  | { role: 'system' | 'developer'; content: string | OpenAiTextContent[]; name?: string }
  | {
      role: 'user';
      content: string | (OpenAiTextContent | OpenAiImageContent | OpenAiFileContent)[];
      name?: string;
    }
  | {
      role: 'assistant';
      content?: string | OpenAiTextContent[] | null;
      tool_calls?: OpenAiToolCall[];
      /** DeepSeek's reasoning text (also OpenRouter, vLLM). */
      reasoning_content?: string;
      refusal?: string | null;
    }
  | { role: 'tool'; tool_call_id: string; content: string | OpenAiTextContent[] };

export interface OpenAiTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type OpenAiToolChoice =
  'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type OpenAiResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: Record<string, unknown>; description?: string; strict?: boolean };
    };

export interface OpenAiChatRequestBody {
  model: string;
  messages: OpenAiMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: OpenAiTool[];
  tool_choice?: OpenAiToolChoice;
  parallel_tool_calls?: boolean;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  response_format?: OpenAiResponseFormat;
  reasoning_effort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';
  user?: string;
  n?: number;
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

export interface OpenAiChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: string | null;
      tool_calls?: OpenAiToolCall[];
      reasoning_content?: string;
    };
    logprobs: null;
    finish_reason: string;
  }[];
  usage?: OpenAiUsage;
}

export interface OpenAiChunkToolCall {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OpenAiChunkDelta {
  role?: 'assistant';
  /** A string; an array of text/thinking parts from Mistral's reasoning models. */
  content?: string | unknown[] | null;
  reasoning_content?: string | null;
  /** OpenRouter's name for the reasoning text. */
  reasoning?: string | null;
  tool_calls?: OpenAiChunkToolCall[];
  refusal?: string | null;
}

export interface OpenAiChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: number; delta: OpenAiChunkDelta; logprobs?: null; finish_reason: string | null }[];
  usage?: OpenAiUsage | null;
  error?: { message?: string; type?: string; code?: string | null };
}
