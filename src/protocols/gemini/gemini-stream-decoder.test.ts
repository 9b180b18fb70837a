import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../core/stream-event.ts';
import { GeminiPartialArgs, parseJsonPath } from './gemini-partial-args.ts';
import { GeminiStreamDecoder } from './gemini-stream-decoder.ts';

const run = (...chunks: unknown[]): StreamEvent[] => {
  const decoder = new GeminiStreamDecoder();
  return [
    ...chunks.flatMap((chunk) =>
      decoder.push({ data: typeof chunk === 'string' ? chunk : JSON.stringify(chunk) }),
    ),
    ...decoder.end(),
  ];
};

const chunk = (
  parts: unknown[],
  extra: Record<string, unknown> = {},
  candidate: Record<string, unknown> = {},
) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...candidate }],
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp-1',
  ...extra,
});

const usage = { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 };
const types = (events: StreamEvent[]) => events.map((event) => event.type);

describe('GeminiStreamDecoder', () => {
  it('ends a safety block with a content filter and no text', () => {
    const events = run({
      candidates: [
        {
          finishReason: 'SAFETY',
          index: 0,
          safetyRatings: [
            { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
          ],
        },
      ],
      usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'resp-1',
    });
    expect(types(events)).toEqual(['message-start', 'usage', 'finish']);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: { unified: 'content-filter', raw: 'SAFETY' } });
  });

  it('stops text that turned unsafe midway, and a blocked prompt, as content filters', () => {
    const midway = run(
      chunk([{ text: 'Here is how' }]),
      chunk([], {}, { finishReason: 'PROHIBITED_CONTENT' }),
    );
    expect(types(midway)).toEqual(['message-start', 'text-delta', 'finish']);
    expect(midway.at(-1)).toMatchObject({ reason: { unified: 'content-filter', raw: 'PROHIBITED_CONTENT' } });
    const prompt = run({
      promptFeedback: { blockReason: 'BLOCKLIST' },
      usageMetadata: usage,
      modelVersion: 'm',
    });
    expect(types(prompt)).toEqual(['message-start', 'usage', 'finish']);
    expect(prompt.at(-1)).toMatchObject({ reason: { unified: 'content-filter', raw: 'BLOCKLIST' } });
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['MALFORMED_FUNCTION_CALL', 'error'],
    ['RECITATION', 'content-filter'],
    ['SPII', 'content-filter'],
    ['LANGUAGE', 'other'],
    ['SOMETHING_NEW', 'other'],
  ])('finish reason %s → %s', (raw, unified) => {
    expect(run(chunk([{ text: 'x' }], {}, { finishReason: raw })).at(-1)).toEqual({
      type: 'finish',
      reason: { unified, raw },
    });
  });

  it('turns an error object inside a 200 stream into an error event, and stops there', () => {
    const events = run(
      chunk([{ text: 'partial' }]),
      { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
      chunk([{ text: 'ignored' }]),
    );
    expect(types(events)).toEqual(['message-start', 'text-delta', 'error']);
    expect(events[2]).toMatchObject({ error: { status: 502, code: 'upstream_error' } });
    expect(types(run('not json'))).toEqual(['error']);
  });

  it('keeps an id Gemini sends, makes one otherwise, and counts the latest usage after the finish', () => {
    const events = run(
      chunk([
        { functionCall: { id: 'fc-7', name: 'f', args: { a: [1, true, null] } } },
        { functionCall: { name: 'g' } },
      ]),
      chunk([{ text: '' }], { usageMetadata: usage }, { finishReason: 'STOP' }),
      { usageMetadata: { ...usage, candidatesTokenCount: 3 } },
    );
    expect(events.filter((event) => event.type === 'tool-call-start')).toEqual([
      { type: 'tool-call-start', index: 0, id: 'fc-7', name: 'f' },
      { type: 'tool-call-start', index: 1, id: expect.stringMatching(/^call_/), name: 'g' },
    ]);
    expect(events).toContainEqual({
      type: 'tool-call-delta',
      index: 0,
      argumentsDelta: '{"a":[1,true,null]}',
    });
    expect(events).toContainEqual({ type: 'finish', reason: { unified: 'tool-calls', raw: 'STOP' } });
    expect(events.at(-1)).toMatchObject({ type: 'usage', usage: { outputTokens: 3 } });
  });

  it('closes an open streamed call and reports the stream as cut when it stops without a finish reason', () => {
    const events = run(
      chunk([{ functionCall: { name: 'f', willContinue: true } }]),
      chunk([
        {
          functionCall: {
            partialArgs: [{ jsonPath: '$.q', stringValue: 'ab', willContinue: true }],
            willContinue: true,
          },
        },
      ]),
      chunk([{ functionCall: { partialArgs: [{ jsonPath: '$.q', stringValue: 'c' }], willContinue: true } }]),
    );
    expect(events.slice(1)).toEqual([
      { type: 'tool-call-start', index: 0, id: expect.any(String), name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"q":"abc"}' },
      { type: 'tool-call-end', index: 0 },
      {
        type: 'error',
        error: expect.objectContaining({ message: "The upstream's stream ended before its answer did" }),
      },
    ]);
  });

  it('sends thoughts as thinking deltas and an answer signature as an empty signed one', () => {
    const events = run(
      chunk([{ text: 'Pondering', thought: true }]),
      chunk([{ text: 'Done', thoughtSignature: 'c2ln' }], {}, { finishReason: 'STOP' }),
    );
    expect(events.slice(1, 4)).toEqual([
      { type: 'thinking-delta', text: 'Pondering' },
      { type: 'text-delta', text: 'Done' },
      { type: 'thinking-delta', text: '', signature: 'c2ln', signatureSource: 'gemini' },
    ]);
  });
});

describe('GeminiPartialArgs', () => {
  it('parses the JSON paths Vertex sends', () => {
    expect(parseJsonPath('$.operations[0].action')).toEqual(['operations', 0, 'action']);
    expect(parseJsonPath("$['odd key'].x")).toEqual(['odd key', 'x']);
    expect(parseJsonPath('$')).toBeUndefined();
    expect(parseJsonPath('operations')).toBeUndefined();
    expect(parseJsonPath('$.a[99999999]')).toBeUndefined();
  });

  it('builds nested values, continues strings, and never touches a prototype', () => {
    const args = new GeminiPartialArgs();
    args.add([
      { jsonPath: '$.user.name', stringValue: 'Ad', willContinue: true },
      { jsonPath: '$.user.name', stringValue: 'a' },
      { jsonPath: '$.user.tags[1]', stringValue: 'b' },
      { jsonPath: '$.flag', boolValue: false },
      { jsonPath: '$.none', nullValue: 'NULL_VALUE' },
      { jsonPath: '$.__proto__.polluted', stringValue: 'yes' },
      { jsonPath: 'garbage', stringValue: 'x' },
    ]);
    expect(JSON.parse(args.toJson())).toEqual({
      user: { name: 'Ada', tags: [null, 'b'] },
      flag: false,
      none: null,
      ['__proto__']: { polluted: 'yes' },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
