import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../core/stream-event.ts';
import { fixtureFiles, readFixtureStream } from '../../../test/support/fixtures.ts';
import { sseFrame } from '../sse/sse-frame.ts';
import { jsonResponseToolName } from './anthropic-json-response-tool.ts';
import { AnthropicStreamDecoder } from './anthropic-stream-decoder.ts';
import { collectStreamEvents, decodeAll, readSse } from './collect-stream-events.test-support.ts';

const decodeFixture = (name: string): StreamEvent[] =>
  decodeAll(new AnthropicStreamDecoder(), readFixtureStream(`anthropic/${name}`, { namedEvents: true }));

const usage = (input: number, output: number) => ({
  inputTokens: input,
  outputTokens: output,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

describe('AnthropicStreamDecoder on every recorded stream', () => {
  it.each(fixtureFiles('anthropic', '.chunks.txt'))(
    '%s decodes into a well-formed event sequence',
    (path) => {
      const messages = readFixtureStream(path, { namedEvents: true });
      const events = decodeAll(new AnthropicStreamDecoder(), messages);
      expect(events[0]?.type).toBe('message-start');
      expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
      const collected = collectStreamEvents(events);
      expect(collected.errors).toEqual([]);
      expect(collected.usage?.outputTokens).toBeGreaterThan(0);
      collected.toolCalls.forEach((call, index) => {
        expect(call.index).toBe(index);
        expect(call.ended).toBe(true);
        expect(() => (call.arguments === '' ? {} : JSON.parse(call.arguments))).not.toThrow();
      });
      // The same stream as SSE bytes split anywhere decodes to the same events.
      const sse = messages.map((message) => sseFrame(message.data, message.event)).join('');
      for (const size of [1, 13, 4096]) {
        const again = decodeAll(new AnthropicStreamDecoder(), readSse(sse, size));
        expect(
          again.map((event) => (event.type === 'message-start' ? { ...event, created: 0 } : event)),
        ).toEqual(events.map((event) => (event.type === 'message-start' ? { ...event, created: 0 } : event)));
      }
    },
  );
});

describe('AnthropicStreamDecoder, fixture by fixture', () => {
  it('anthropic-text: text, usage, end_turn', () => {
    const events = decodeFixture('anthropic-text.chunks.txt');
    expect(events[0]).toMatchObject({
      type: 'message-start',
      id: 'msg_01QC4g3HwBThD4BaNtBckFDJ',
      model: 'claude-sonnet-4-5-20250929',
    });
    expect(events[1]).toEqual({ type: 'usage', usage: usage(12, 1) });
    const collected = collectStreamEvents(events);
    expect(collected.text).toBe(
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(collected.usage).toEqual(usage(12, 30));
    expect(collected.finish).toEqual({ unified: 'stop', raw: 'end_turn' });
    // Usage comes before the finish, both from message_delta; message_stop adds nothing.
    expect(events.slice(-2).map((event) => event.type)).toEqual(['usage', 'finish']);
  });

  it('anthropic-clear-thinking: thinking with its signature, then text', () => {
    const events = decodeFixture('anthropic-clear-thinking.1.chunks.txt');
    const collected = collectStreamEvents(events);
    expect(collected.thinking).toBe(
      'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
    );
    expect(collected.signatures).toEqual([expect.stringMatching(/^EvQBCkYICxgCKkAxhD4NUKFz.*BgB$/)]);
    expect(collected.text).toBe('925 ÷ 5 = 185');
    expect(collected.usage).toEqual(usage(69, 53));
    expect(collected.finish).toEqual({ unified: 'stop', raw: 'end_turn' });
    // The empty thinking_delta before the signature yields nothing.
    expect(
      events.filter((event) => event.type === 'thinking-delta' && event.text === '' && !event.signature),
    ).toEqual([]);
  });

  it('anthropic-json-tool.1: one tool call with its JSON arguments', () => {
    const collected = collectStreamEvents(decodeFixture('anthropic-json-tool.1.chunks.txt'));
    expect(collected.text).toBe('');
    expect(collected.toolCalls).toEqual([
      {
        index: 0,
        id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA',
        name: 'json',
        arguments: '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]}',
        ended: true,
      },
    ]);
    expect(collected.finish).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    expect(collected.usage).toEqual(usage(849, 47));
  });

  it('anthropic-json-tool.2: text, then a tool call that still gets tool index 0', () => {
    const events = decodeFixture('anthropic-json-tool.2.chunks.txt');
    const collected = collectStreamEvents(events);
    expect(collected.text).toBe("I'll invoke the JSON response tool.");
    expect(collected.toolCalls.map((call) => [call.index, call.name])).toEqual([[0, 'json']]);
    expect(JSON.parse(collected.toolCalls[0]?.arguments ?? '')).toEqual({
      elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }],
    });
    expect(collected.finish?.unified).toBe('tool-calls');
  });

  it('anthropic-tool-no-args: a call whose input never streams has arguments {}, as its whole answer', () => {
    const collected = collectStreamEvents(decodeFixture('anthropic-tool-no-args.chunks.txt'));
    expect(collected.text).toBe("I'll update the issue list for you.");
    expect(collected.toolCalls).toEqual([
      {
        index: 0,
        id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP',
        name: 'updateIssueList',
        arguments: '{}',
        ended: true,
      },
    ]);
    expect(collected.usage).toEqual(usage(565, 48));
  });

  it('anthropic-message-delta-input-tokens: input tokens corrected at the end win', () => {
    const events = decodeFixture('anthropic-message-delta-input-tokens.chunks.txt');
    const usages = events.flatMap((event) => (event.type === 'usage' ? [event.usage] : []));
    expect(usages).toEqual([usage(43, 1), usage(61, 2)]);
    expect(collectStreamEvents(events).text).toBe('pong');
  });

  it('anthropic-refusal: no content, content-filter', () => {
    const collected = collectStreamEvents(decodeFixture('anthropic-refusal.chunks.txt'));
    expect(collected.text).toBe('');
    expect(collected.toolCalls).toEqual([]);
    expect(collected.finish).toEqual({ unified: 'content-filter', raw: 'refusal' });
    expect(collected.usage).toEqual(usage(18, 5));
  });

  it('anthropic-fallback: the fallback marker block is skipped', () => {
    const collected = collectStreamEvents(decodeFixture('anthropic-fallback.chunks.txt'));
    expect(collected.text).toBe('The printing press was invented by Johannes Gutenberg around 1440.');
    expect(collected.usage).toEqual(usage(412, 264));
    expect(collected.finish).toEqual({ unified: 'stop', raw: 'end_turn' });
  });

  it('anthropic-web-search-tool: server tool use, results and citations are skipped; the text stays', () => {
    const collected = collectStreamEvents(decodeFixture('anthropic-web-search-tool.1.chunks.txt'));
    expect(collected.toolCalls).toEqual([]);
    expect(
      collected.text.startsWith('Based on my search results, here are the key tech news developments'),
    ).toBe(true);
    expect(collected.text).toContain('Apple today announced the grand reopening of Apple Ginza');
    expect(collected.text).not.toContain('"query"');
    expect(collected.usage).toEqual(usage(15665, 795));
    expect(collected.finish).toEqual({ unified: 'stop', raw: 'end_turn' });
  });
});

describe('AnthropicStreamDecoder, protocol details', () => {
  const push = (decoder: AnthropicStreamDecoder, event: string, data: unknown) =>
    decoder.push({ event, data: JSON.stringify(data) });

  it('ignores ping and message_stop', () => {
    const decoder = new AnthropicStreamDecoder();
    expect(push(decoder, 'ping', { type: 'ping' })).toEqual([]);
    expect(push(decoder, 'message_stop', { type: 'message_stop' })).toEqual([]);
  });

  it('turns an error event inside a 200 stream into a core error', () => {
    const decoder = new AnthropicStreamDecoder();
    const [event] = push(decoder, 'error', {
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect(event?.type).toBe('error');
    if (event?.type !== 'error') return;
    expect(event.error).toMatchObject({ status: 503, code: 'upstream_unavailable' });
    expect(event.error.message).toContain('Overloaded');
    const [rateLimited] = push(decoder, 'error', {
      type: 'error',
      error: { type: 'rate_limit_error', message: '' },
    });
    expect(rateLimited).toMatchObject({ error: { status: 429, code: 'upstream_rate_limited' } });
    const [other] = push(decoder, 'error', { type: 'error', error: { type: 'api_error', message: 'boom' } });
    expect(other).toMatchObject({ error: { status: 502, code: 'upstream_error' } });
  });

  it('reports data that is not JSON as an upstream error', () => {
    const [event] = new AnthropicStreamDecoder().push({ event: 'content_block_delta', data: '{"type":' });
    expect(event).toMatchObject({ type: 'error', error: { status: 502, code: 'upstream_error' } });
  });

  it('reads the event name from the data when the SSE event line is missing', () => {
    const decoder = new AnthropicStreamDecoder();
    decoder.push({
      data: '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Hi"}}',
    });
    expect(
      decoder.push({
        data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}',
      }),
    ).toEqual([{ type: 'text-delta', text: '!' }]);
  });

  it('emits initial block text, redacted thinking, and ends open tool calls when the stream is cut', () => {
    const decoder = new AnthropicStreamDecoder();
    expect(
      push(decoder, 'content_block_start', { index: 0, content_block: { type: 'text', text: 'Hi' } }),
    ).toEqual([{ type: 'text-delta', text: 'Hi' }]);
    expect(
      push(decoder, 'content_block_start', {
        index: 1,
        content_block: { type: 'redacted_thinking', data: 'opaque' },
      }),
    ).toEqual([{ type: 'thinking-delta', text: '', redactedData: 'opaque' }]);
    push(decoder, 'content_block_stop', { index: 1 });
    expect(
      push(decoder, 'content_block_start', {
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
      }),
    ).toEqual([{ type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'f' }]);
    push(decoder, 'content_block_delta', {
      index: 2,
      delta: { type: 'input_json_delta', partial_json: '{"a"' },
    });
    // Cut before its stop reason: the open call still ends, and the stream is reported as cut.
    expect(decoder.end()).toEqual([
      { type: 'tool-call-end', index: 0 },
      { type: 'error', error: expect.objectContaining({ status: 502, code: 'upstream_error' }) },
    ]);
  });

  it('reports a stream that ends without its stop reason, and none after one', () => {
    const decoder = new AnthropicStreamDecoder();
    expect(decoder.end()).toEqual([
      {
        type: 'error',
        error: expect.objectContaining({ message: "The upstream's stream ended without an answer" }),
      },
    ]);
    const cut = new AnthropicStreamDecoder();
    push(cut, 'message_start', { message: { id: 'msg_1', model: 'm', usage: { input_tokens: 1 } } });
    expect(cut.end()).toEqual([
      {
        type: 'error',
        error: expect.objectContaining({ message: "The upstream's stream ended before its answer did" }),
      },
    ]);
    const withoutStart = new AnthropicStreamDecoder();
    push(withoutStart, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    expect(withoutStart.end()).toEqual([
      {
        type: 'error',
        error: expect.objectContaining({ message: "The upstream's stream ended before its answer did" }),
      },
    ]);
    const stopped = new AnthropicStreamDecoder();
    push(stopped, 'message_start', { message: { id: 'msg_1', model: 'm', usage: { input_tokens: 1 } } });
    push(stopped, 'message_stop', {});
    expect(stopped.end()).toEqual([]);
    const failed = new AnthropicStreamDecoder();
    push(failed, 'message_start', { message: { id: 'msg_1', model: 'm', usage: { input_tokens: 1 } } });
    push(failed, 'error', { error: { type: 'overloaded_error', message: 'busy' } });
    expect(failed.end()).toEqual([]);
  });

  it('streams the reserved JSON-response tool as text and finishes with stop', () => {
    const decoder = new AnthropicStreamDecoder();
    const events = [
      ...push(decoder, 'content_block_start', {
        index: 0,
        content_block: { type: 'tool_use', id: 'toolu_1', name: jsonResponseToolName, input: {} },
      }),
      ...push(decoder, 'content_block_delta', {
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"a":' },
      }),
      ...push(decoder, 'content_block_delta', {
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '1}' },
      }),
      ...push(decoder, 'content_block_stop', { index: 0 }),
      ...push(decoder, 'message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 5 } }),
    ];
    const collected = collectStreamEvents(events);
    expect(collected.text).toBe('{"a":1}');
    expect(collected.toolCalls).toEqual([]);
    expect(collected.finish).toEqual({ unified: 'stop', raw: 'tool_use' });
  });

  it('normalises cache reads and writes into the input tokens', () => {
    const decoder = new AnthropicStreamDecoder();
    const [, start] = push(decoder, 'message_start', {
      message: {
        id: 'msg_1',
        model: 'm',
        usage: {
          input_tokens: 10,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 5,
          output_tokens: 1,
        },
      },
    });
    expect(start).toEqual({
      type: 'usage',
      usage: {
        inputTokens: 115,
        outputTokens: 1,
        cachedInputTokens: 100,
        cacheWriteTokens: 5,
        reasoningTokens: 0,
      },
    });
    const [end] = push(decoder, 'message_delta', {
      delta: { stop_reason: 'max_tokens' },
      usage: { output_tokens: 7 },
    });
    expect(end).toEqual({
      type: 'usage',
      usage: {
        inputTokens: 115,
        outputTokens: 7,
        cachedInputTokens: 100,
        cacheWriteTokens: 5,
        reasoningTokens: 0,
      },
    });
  });
});
