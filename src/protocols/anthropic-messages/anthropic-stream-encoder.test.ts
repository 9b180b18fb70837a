import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { extractSignature } from '../../core/tool-call-id.ts';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.ts';
import { readSse } from './collect-stream-events.test-support.ts';

const options = { includeUsage: false, requestModel: 'claude-client', requestId: 'req_42' };
const usage = {
  inputTokens: 120,
  outputTokens: 9,
  cachedInputTokens: 100,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

/** The SSE frames an encoder writes for `events`, each as `{event, data}` with the data parsed. */
function framesOf(events: StreamEvent[], encoder = new AnthropicStreamEncoder(options)) {
  const text = events.map((event) => encoder.push(event)).join('') + encoder.end();
  return readSse(text, 1000).map((message) => ({
    event: message.event,
    data: JSON.parse(message.data) as unknown,
  }));
}

describe('AnthropicStreamEncoder', () => {
  it('writes the full event sequence of a text answer', () => {
    const encoder = new AnthropicStreamEncoder(options);
    const text = [
      encoder.push({ type: 'message-start', id: 'chatcmpl-1', model: 'gpt-4o', created: 1 }),
      encoder.push({ type: 'text-delta', text: 'Hel' }),
      encoder.push({ type: 'text-delta', text: 'lo' }),
      encoder.push({ type: 'finish', reason: { unified: 'stop', raw: 'stop' } }),
      encoder.push({ type: 'usage', usage }),
      encoder.end(),
    ].join('');
    expect(text).toBe(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"claude-client","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}\n\n' +
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}\n\n' +
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":100}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
  });

  it('writes a text delta as the JSON of the whole event would be, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), { maxLength: 4 }),
        (texts) => {
          const encoder = new AnthropicStreamEncoder(options);
          encoder.push({ type: 'message-start', id: 'msg_1', model: 'm', created: 1 });
          encoder.push({ type: 'text-delta', text: 'opens the block' });
          for (const piece of texts) {
            const event = {
              type: 'content_block_delta',
              index: 0,
              delta: { type: 'text_delta', text: piece },
            };
            expect(encoder.push({ type: 'text-delta', text: piece })).toBe(
              `event: content_block_delta\ndata: ${JSON.stringify(event)}\n\n`,
            );
          }
        },
      ),
    );
  });

  it('sends the first token as soon as it arrives', () => {
    const encoder = new AnthropicStreamEncoder(options);
    expect(encoder.push({ type: 'message-start', id: 'msg_1', model: 'm', created: 1 })).toBe('');
    const first = encoder.push({ type: 'text-delta', text: 'Hi' });
    expect(first).toContain('event: message_start');
    expect(first).toContain('"text_delta","text":"Hi"');
  });

  it('puts usage that follows the start into message_start', () => {
    const frames = framesOf([
      { type: 'message-start', id: 'msg_1', model: 'm', created: 1 },
      { type: 'usage', usage },
      { type: 'text-delta', text: 'x' },
    ]);
    expect(frames[0]).toMatchObject({
      event: 'message_start',
      data: {
        message: { id: 'msg_1', usage: { input_tokens: 20, cache_read_input_tokens: 100, output_tokens: 9 } },
      },
    });
  });

  it('numbers blocks without gaps, opens a block per kind change, and puts no empty text block before tool_use', () => {
    const frames = framesOf([
      { type: 'message-start', id: 'msg_1', model: 'm', created: 1 },
      { type: 'thinking-delta', text: 'Think' },
      { type: 'thinking-delta', text: '', signature: 'sig-1' },
      { type: 'thinking-delta', text: 'More' },
      { type: 'text-delta', text: '' },
      { type: 'text-delta', text: 'Answer' },
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'text-delta', text: '' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'g' },
      { type: 'tool-call-end', index: 1 },
      { type: 'finish', reason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ]);
    const shape = frames.map(({ event, data }) => {
      const record = data as { index?: number; content_block?: { type: string }; delta?: { type?: string } };
      if (event === 'content_block_start') return `start ${record.index} ${record.content_block?.type}`;
      if (event === 'content_block_delta') return `delta ${record.index} ${record.delta?.type}`;
      if (event === 'content_block_stop') return `stop ${record.index}`;
      return event;
    });
    expect(shape).toEqual([
      'message_start',
      'start 0 thinking',
      'delta 0 thinking_delta',
      'delta 0 signature_delta',
      'stop 0',
      // More thinking after a signature is a new block.
      'start 1 thinking',
      'delta 1 thinking_delta',
      'stop 1',
      'start 2 text',
      'delta 2 text_delta',
      'stop 2',
      'start 3 tool_use',
      'delta 3 input_json_delta',
      'delta 3 input_json_delta',
      'stop 3',
      'start 4 tool_use',
      'stop 4',
      'message_delta',
      'message_stop',
    ]);
    expect(frames[11]?.data).toEqual({
      type: 'content_block_start',
      index: 3,
      content_block: { type: 'tool_use', id: 'call_a', name: 'f', input: {} },
    });
    expect(frames.at(-2)?.data).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('writes redacted thinking as a block of its own, and embeds a tool call’s signature in its id', () => {
    const frames = framesOf([
      { type: 'thinking-delta', text: '', redactedData: 'opaque' },
      { type: 'tool-call-start', index: 0, id: 'call_g', name: 'f', signature: 'CiIBVKhc7oDP' },
      { type: 'finish', reason: { unified: 'stop', raw: 'STOP' } },
    ]);
    expect(frames[0]).toMatchObject({ event: 'message_start', data: { message: { id: 'msg_req_42' } } });
    expect(frames[1]?.data).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'redacted_thinking', data: 'opaque' },
    });
    expect(frames[2]?.data).toEqual({ type: 'content_block_stop', index: 0 });
    const start = frames[3]?.data as { content_block: { id: string } };
    expect(extractSignature(start.content_block.id).signature).toBe('CiIBVKhc7oDP');
    // Gemini's STOP with calls becomes tool_use, as Anthropic clients expect.
    expect(frames.at(-2)?.data).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('addresses a late argument piece of an earlier tool call by its own block index', () => {
    const frames = framesOf([
      { type: 'tool-call-start', index: 0, id: 'a', name: 'f' },
      { type: 'tool-call-start', index: 1, id: 'b', name: 'g' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
      { type: 'tool-call-delta', index: 7, argumentsDelta: '{}' },
    ]);
    expect(
      frames.filter((frame) => frame.event === 'content_block_delta').map((frame) => frame.data),
    ).toEqual([
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{}' } },
    ]);
  });

  it('ends a failed stream with an error event in Anthropic’s shape and nothing after it', () => {
    const encoder = new AnthropicStreamEncoder(options);
    encoder.push({ type: 'message-start', id: 'msg_1', model: 'm', created: 1 });
    encoder.push({ type: 'text-delta', text: 'partial' });
    const error = encoder.push({
      type: 'error',
      error: new GatewayError(503, 'upstream_unavailable', 'Upstream error (overloaded_error): Overloaded'),
    });
    expect(readSse(error)).toEqual([
      {
        event: 'error',
        data: JSON.stringify({
          type: 'error',
          error: {
            type: 'overloaded_error',
            message: 'Upstream error (overloaded_error): Overloaded (request id: req_42)',
          },
        }),
      },
    ]);
    expect(encoder.push({ type: 'text-delta', text: 'more' })).toBe('');
    expect(encoder.end()).toBe('');
  });

  it('still writes a whole message for a stream with no content (a refusal)', () => {
    const frames = framesOf([
      { type: 'message-start', id: 'msg_1', model: 'm', created: 1 },
      { type: 'usage', usage },
      { type: 'finish', reason: { unified: 'content-filter', raw: 'refusal' } },
    ]);
    expect(frames.map((frame) => frame.event)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(frames[1]?.data).toMatchObject({ delta: { stop_reason: 'refusal' } });
  });
});
