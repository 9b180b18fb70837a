import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { GeminiStreamEncoder } from './gemini-stream-encoder.ts';

const options = { includeUsage: false, requestModel: 'gemini-2.5-flash', requestId: 'req-1' };

/** The encoder's output per pushed event, then its end. */
const encode = (events: StreamEvent[], includeThoughts?: boolean) => {
  const encoder = new GeminiStreamEncoder({
    ...options,
    ...(includeThoughts === undefined ? {} : { includeThoughts }),
  });
  const pieces = events.map((event) => encoder.push(event));
  const end = encoder.end();
  return { pieces, end, text: pieces.join('') + end };
};

/** How Google's JS SDK cut frames before 1.x: a line of JSON after `data: `, then a blank line. */
const sdkFrames = (text: string): unknown[] => {
  const frames: unknown[] = [];
  let rest = text;
  for (
    let match = /^data: (.*)(?:\n\n|\r\r|\r\n\r\n)/.exec(rest);
    match;
    match = /^data: (.*)(?:\n\n|\r\r|\r\n\r\n)/.exec(rest)
  ) {
    frames.push(JSON.parse(match[1]!));
    rest = rest.slice(match[0].length);
  }
  expect(rest).toBe('');
  return frames;
};

const usage = {
  inputTokens: 10,
  outputTokens: 30,
  cachedInputTokens: 4,
  cacheWriteTokens: 0,
  reasoningTokens: 20,
};

describe('GeminiStreamEncoder', () => {
  it('writes CRLF frames of one JSON line each, text going out at once, one chunk per delta', () => {
    const { pieces, end, text } = encode([
      { type: 'message-start', id: 'resp-9', model: 'upstream-model', created: 1 },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ' world' },
      { type: 'finish', reason: { unified: 'stop', raw: 'stop' } },
      { type: 'usage', usage },
    ]);
    expect(pieces[0]).toBe('');
    expect(pieces[1]).toMatch(/^data: \{[^\r\n]*\}\r\n\r\n$/);
    expect(pieces[3]).toBe('');
    expect(text).not.toMatch(/(^|[^\r])\n/);
    expect(sdkFrames(text)).toEqual([
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'Hello' }] }, index: 0 }],
        modelVersion: 'gemini-2.5-flash',
        responseId: 'resp-9',
      },
      {
        candidates: [{ content: { role: 'model', parts: [{ text: ' world' }] }, index: 0 }],
        modelVersion: 'gemini-2.5-flash',
        responseId: 'resp-9',
      },
      {
        candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: {
          promptTokenCount: 10,
          candidatesTokenCount: 10,
          totalTokenCount: 40,
          thoughtsTokenCount: 20,
          cachedContentTokenCount: 4,
        },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'resp-9',
      },
    ]);
    expect(end).toContain('"finishReason":"STOP"');
  });

  it('escapes U+2028 and U+2029, which end a line for the SDK', () => {
    const { text } = encode([{ type: 'text-delta', text: 'a\u2028b\u2029c\nd' }]);
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(sdkFrames(text)).toEqual([
      expect.objectContaining({
        candidates: [
          expect.objectContaining({ content: { role: 'model', parts: [{ text: 'a\u2028b\u2029c\nd' }] } }),
        ],
      }),
    ]);
  });

  it('holds a call from start to end and sends it whole, with id, args object and signature; STOP for calls', () => {
    const { pieces, text } = encode([
      { type: 'thinking-delta', text: 'Which city?' },
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'weather', signature: 'c2ln' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', reason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ]);
    expect(pieces.slice(1, 4)).toEqual(['', '', '']);
    const frames = sdkFrames(text) as {
      candidates: { content?: { parts: unknown[] }; finishReason?: string }[];
    }[];
    expect(frames.map((frame) => frame.candidates[0]?.content?.parts)).toEqual([
      [{ text: 'Which city?', thought: true }],
      [
        {
          functionCall: { id: 'call_1', name: 'weather', args: { city: 'Paris' } },
          thoughtSignature: 'c2ln',
        },
      ],
      [{ text: '' }],
    ]);
    expect(frames.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
  });

  it('sends thoughts, marking a signature another provider made', () => {
    const { text } = encode([
      { type: 'thinking-delta', text: 'Claude thinks.' },
      { type: 'thinking-delta', text: '', signature: 'EqQB', signatureSource: 'anthropic-messages' },
      { type: 'text-delta', text: 'A' },
    ]);
    const frames = sdkFrames(text) as { candidates: { content?: { parts: unknown[] } }[] }[];
    expect(frames.map((frame) => frame.candidates[0]?.content?.parts)).toEqual([
      [{ text: 'Claude thinks.', thought: true }],
      [{ text: '', thought: true, thoughtSignature: 'SwbdAnthEqQB' }],
      [{ text: 'A' }],
    ]);
  });

  it('sends no thought parts to a client that did not ask for thoughts, only Gemini’s signatures', () => {
    const { text } = encode(
      [
        { type: 'thinking-delta', text: 'Gemini thinks.' },
        { type: 'thinking-delta', text: ' More.', signature: 'c2lnMQ==', signatureSource: 'gemini' },
        { type: 'thinking-delta', text: 'Claude thinks.' },
        { type: 'thinking-delta', text: '', signature: 'EqQB', signatureSource: 'anthropic-messages' },
        { type: 'thinking-delta', text: 'DeepSeek reasons.' },
        { type: 'text-delta', text: 'Answer.' },
        { type: 'thinking-delta', text: '', signature: 'c2lnMg==', signatureSource: 'gemini' },
        { type: 'finish', reason: { unified: 'stop', raw: 'stop' } },
      ],
      false,
    );
    const frames = sdkFrames(text) as { candidates: { content?: { parts: unknown[] } }[] }[];
    expect(frames.map((frame) => frame.candidates[0]?.content?.parts)).toEqual([
      [{ text: '', thoughtSignature: 'c2lnMQ==' }],
      [{ text: 'Answer.' }],
      [{ text: '', thoughtSignature: 'c2lnMg==' }],
      [{ text: '' }],
    ]);
  });

  it('drops a call with broken arguments and says MALFORMED_FUNCTION_CALL, as Gemini does', () => {
    const broken: StreamEvent[] = [
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a": tru' },
      { type: 'tool-call-end', index: 0 },
    ];
    const called = sdkFrames(
      encode([...broken, { type: 'finish', reason: { unified: 'tool-calls', raw: 'x' } }]).text,
    );
    expect(called).toEqual([
      expect.objectContaining({ candidates: [{ finishReason: 'MALFORMED_FUNCTION_CALL', index: 0 }] }),
    ]);
    const cut = sdkFrames(
      encode([...broken, { type: 'finish', reason: { unified: 'length', raw: 'length' } }]).text,
    );
    expect(cut).toEqual([
      expect.objectContaining({
        candidates: [
          { content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'MAX_TOKENS', index: 0 },
        ],
      }),
    ]);
  });

  it('sends a call that never ended, at the end', () => {
    const frames = sdkFrames(
      encode([
        { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f' },
        { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
      ]).text,
    );
    expect(frames).toEqual([
      expect.objectContaining({
        candidates: [
          {
            content: { role: 'model', parts: [{ functionCall: { id: 'call_1', name: 'f', args: {} } }] },
            index: 0,
          },
        ],
      }),
    ]);
  });

  it('ends a content filter with SAFETY and no content', () => {
    const frames = sdkFrames(
      encode([{ type: 'finish', reason: { unified: 'content-filter', raw: 'content_filter' } }]).text,
    );
    expect(frames).toEqual([
      {
        candidates: [{ finishReason: 'SAFETY', index: 0 }],
        modelVersion: 'gemini-2.5-flash',
        responseId: 'req-1',
      },
    ]);
  });

  it('writes an error as Google does, and nothing after it', () => {
    const { pieces, end } = encode([
      { type: 'text-delta', text: 'a' },
      { type: 'error', error: new GatewayError(429, 'upstream_rate_limited', 'Slow down') },
      { type: 'text-delta', text: 'b' },
      { type: 'finish', reason: { unified: 'stop', raw: 'stop' } },
    ]);
    expect(sdkFrames(pieces[1]!)).toEqual([
      { error: { code: 429, message: 'Slow down (request id: req-1)', status: 'RESOURCE_EXHAUSTED' } },
    ]);
    expect(pieces[2]).toBe('');
    expect(end).toBe('');
  });
});
