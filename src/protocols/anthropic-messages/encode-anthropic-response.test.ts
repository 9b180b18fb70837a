import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../core/chat-response.ts';
import { extractSignature } from '../../core/tool-call-id.ts';
import { encodeAnthropicResponse } from './encode-anthropic-response.ts';

const options = { includeUsage: false, requestModel: 'claude-client-name', requestId: 'req_1' };

const response = (overrides: Partial<ChatResponse> = {}): ChatResponse => ({
  id: 'chatcmpl-123',
  model: 'gpt-4o-2024-08-06',
  created: 1_700_000_000,
  content: [{ type: 'text', text: 'Hello' }],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: {
    inputTokens: 1200,
    outputTokens: 30,
    cachedInputTokens: 1000,
    cacheWriteTokens: 50,
    reasoningTokens: 10,
  },
  ...overrides,
});

describe('encodeAnthropicResponse', () => {
  it('writes a Message object as the API returns it, input tokens without cache reads and writes', () => {
    expect(encodeAnthropicResponse(response(), options)).toEqual({
      id: 'msg_chatcmpl-123',
      type: 'message',
      role: 'assistant',
      model: 'claude-client-name',
      content: [{ type: 'text', text: 'Hello' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 150,
        output_tokens: 30,
        cache_creation_input_tokens: 50,
        cache_read_input_tokens: 1000,
      },
    });
  });

  it('keeps an Anthropic id, and writes zero usage when the upstream gave none', () => {
    const body = encodeAnthropicResponse(response({ id: 'msg_01abc', usage: undefined }), options);
    expect(body.id).toBe('msg_01abc');
    expect(body.usage).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });

  it('writes blocks in order: thinking with its signature, redacted thinking, text, tool_use with an input object', () => {
    const body = encodeAnthropicResponse(
      response({
        content: [
          { type: 'thinking', text: 'Hmm.', signature: 'sig' },
          { type: 'thinking', text: '', redactedData: 'opaque' },
          { type: 'thinking', text: 'Unsigned reasoning from another provider' },
          { type: 'text', text: '' },
          { type: 'text', text: 'Calling.' },
          { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"a":[1,2]}' },
          { type: 'tool-call', id: 'call_2', name: 'g', arguments: '' },
          { type: 'tool-call', id: 'call_3', name: 'h', arguments: '{"cut off' },
          { type: 'tool-call', id: 'call_4', name: 'k', arguments: '[1]' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      }),
      options,
    );
    expect(body.content).toEqual([
      { type: 'thinking', thinking: 'Hmm.', signature: 'sig' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'thinking', thinking: 'Unsigned reasoning from another provider', signature: '' },
      { type: 'text', text: 'Calling.' },
      { type: 'tool_use', id: 'call_1', name: 'f', input: { a: [1, 2] } },
      { type: 'tool_use', id: 'call_2', name: 'g', input: {} },
      { type: 'tool_use', id: 'call_3', name: 'h', input: {} },
      { type: 'tool_use', id: 'call_4', name: 'k', input: {} },
    ]);
    expect(body.stop_reason).toBe('tool_use');
  });

  it('embeds a Gemini thought signature in the tool_use id', () => {
    const signature = 'CiIBVKhc7oDPN4m1/ZG+o0e8xYUVWt6m';
    const body = encodeAnthropicResponse(
      response({ content: [{ type: 'tool-call', id: 'call_g', name: 'f', arguments: '{}', signature }] }),
      options,
    );
    const [block] = body.content;
    expect(block?.type).toBe('tool_use');
    if (block?.type !== 'tool_use') return;
    expect(block.id).toMatch(/^call_g__sig_[A-Za-z0-9_-]+$/);
    expect(extractSignature(block.id).signature).toBe(signature);
  });

  it('maps finish reasons, keeping Anthropic’s own word when it agrees', () => {
    const cases: [ChatResponse['finishReason'], boolean, string][] = [
      [{ unified: 'stop', raw: 'stop' }, false, 'end_turn'],
      [{ unified: 'stop', raw: 'STOP' }, true, 'tool_use'],
      [{ unified: 'stop', raw: 'stop_sequence' }, false, 'stop_sequence'],
      [{ unified: 'length', raw: 'length' }, false, 'max_tokens'],
      [{ unified: 'length', raw: 'max_tokens' }, true, 'max_tokens'],
      [{ unified: 'length', raw: 'model_context_window_exceeded' }, false, 'model_context_window_exceeded'],
      [{ unified: 'tool-calls', raw: 'tool_calls' }, false, 'tool_use'],
      [{ unified: 'content-filter', raw: 'SAFETY' }, false, 'refusal'],
      [{ unified: 'other', raw: 'pause_turn' }, false, 'pause_turn'],
      [{ unified: 'other', raw: 'RECITATION' }, false, 'end_turn'],
      [{ unified: 'error', raw: 'error' }, false, 'end_turn'],
      // The JSON-response tool answer: decoded as text with unified stop; tool_use no longer agrees.
      [{ unified: 'stop', raw: 'tool_use' }, false, 'end_turn'],
    ];
    for (const [finishReason, withCall, stopReason] of cases) {
      const content: ChatResponse['content'] = withCall
        ? [{ type: 'tool-call', id: 'c', name: 'f', arguments: '{}' }]
        : [{ type: 'text', text: 'x' }];
      expect(encodeAnthropicResponse(response({ finishReason, content }), options).stop_reason).toBe(
        stopReason,
      );
    }
  });
});
