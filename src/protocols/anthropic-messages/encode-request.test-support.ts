import type { ChatRequest } from '../../core/chat-request.ts';
import type { Message } from '../../core/message.ts';
import type { AnthropicRequestBody } from './anthropic-wire-types.ts';
import { encodeAnthropicRequest } from './encode-anthropic-request.ts';

/** Shared by the encodeAnthropicRequest tests: a minimal core request and its encoding. */

export const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
export const assistant = (text: string): Message => ({
  role: 'assistant',
  content: [{ type: 'text', text }],
});

export const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gpt-4o',
  system: [],
  messages: [user('Hi')],
  stream: false,
  ...overrides,
});

export function encode(overrides: Partial<ChatRequest> = {}) {
  const { value, warnings } = encodeAnthropicRequest(request(overrides), 'claude-up');
  return { value: value as AnthropicRequestBody, warnings };
}

/** Warnings as [type, field] pairs, for compact assertions. */
export const fields = (warnings: { type: string; field?: string }[]) =>
  warnings.map((warning) => [warning.type, warning.field]);
