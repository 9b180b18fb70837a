import { describe, expect, it } from 'vitest';
import { foldStreamEvents } from '../../core/fold-stream-events.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { fixtureFiles, readFixtureJson, readFixtureStream } from '../../../test/support/fixtures.ts';
import { SseReader } from '../sse/sse-reader.ts';
import { gemini } from './gemini-protocol.ts';
import { readGeminiError } from './read-gemini-error.ts';

const decodeStream = (path: string): StreamEvent[] => {
  const decoder = gemini.createStreamDecoder();
  return [...readFixtureStream(path).flatMap((message) => decoder.push(message)), ...decoder.end()];
};

/** The recording as the bytes Google sends (CRLF frames), cut into pieces of `size` bytes. */
const decodeBytes = (path: string, size: number): StreamEvent[] => {
  const bytes = Buffer.from(
    readFixtureStream(path)
      .map((message) => `data: ${message.data}\r\n\r\n`)
      .join(''),
  );
  const reader = new SseReader();
  const decoder = gemini.createStreamDecoder();
  const events: StreamEvent[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    for (const message of reader.push(bytes.subarray(at, at + size))) events.push(...decoder.push(message));
  }
  for (const message of reader.end()) events.push(...decoder.push(message));
  return [...events, ...decoder.end()];
};

const withoutIds = (events: StreamEvent[]) =>
  events.map((event) =>
    event.type === 'tool-call-start' || event.type === 'message-start' ? { ...event, id: '' } : event,
  );

const streams = fixtureFiles('google', '.chunks.txt');
const wholes = fixtureFiles('google', '.json').filter((path) => !path.includes('429'));

describe('Gemini recordings decode', () => {
  it.each(streams)('%s: one start, one finish, whole tool calls with JSON-object arguments', (path) => {
    const events = decodeStream(path);
    expect(events[0]?.type).toBe('message-start');
    expect(events.filter((event) => event.type === 'message-start')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'error')).toHaveLength(0);
    const starts = events.filter((event) => event.type === 'tool-call-start');
    for (const start of starts) {
      const deltas = events.filter(
        (event) => event.type === 'tool-call-delta' && event.index === start.index,
      );
      expect(deltas).toHaveLength(1);
      const args: unknown = JSON.parse(
        deltas[0]!.type === 'tool-call-delta' ? deltas[0]!.argumentsDelta : '',
      );
      expect(typeof args).toBe('object');
      expect(
        events.filter((event) => event.type === 'tool-call-end' && event.index === start.index),
      ).toHaveLength(1);
    }
    expect(new Set(starts.map((start) => start.id)).size).toBe(starts.length);
  });

  it.each(streams)('%s: the same events from CRLF bytes split at any size', (path) => {
    const expected = withoutIds(decodeStream(path)).map((event) =>
      event.type === 'message-start' ? { ...event, created: 0 } : event,
    );
    for (const size of [1, 7, 64, 100_000]) {
      const events = withoutIds(decodeBytes(path, size)).map((event) =>
        event.type === 'message-start' ? { ...event, created: 0 } : event,
      );
      expect(events).toEqual(expected);
    }
  });

  it.each(wholes)('%s: the whole response has content, usage and a finish reason', (path) => {
    const response = gemini.decodeResponse(readFixtureJson(path));
    expect(response.content.length).toBeGreaterThan(0);
    expect(response.finishReason.raw).toBe('STOP');
    expect(response.usage?.reasoningTokens).toBeGreaterThan(0);
  });

  it('text stream: the text joined, thoughts counted as output, the closing signature kept', () => {
    const folded = foldStreamEvents(decodeStream('google/google-text.chunks.txt'));
    expect(folded.id).toBe('bH6LaZW8Fp_3nsEPqtaSwQ4');
    expect(folded.model).toBe('gemini-3-pro-preview');
    expect(folded.content).toEqual([
      { type: 'text', text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y' },
      {
        type: 'thinking',
        text: '',
        signature: expect.stringMatching(/^EqsFCqgFAb4/),
        signatureSource: 'gemini',
      },
    ]);
    expect(folded.usage).toEqual({
      inputTokens: 9,
      outputTokens: 23 + 185,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 185,
    });
    expect(folded.finishReason).toEqual({ unified: 'stop', raw: 'STOP' });
  });

  it('whole text: the signature on the answer part follows it as an empty thinking part', () => {
    const response = gemini.decodeResponse(readFixtureJson('google/google-text.json'));
    expect(response.id).toBe('Un6LacrVMcjUxs0PmJfWoQc');
    expect(response.content).toEqual([
      { type: 'text', text: expect.stringContaining("There are **3** r's") },
      {
        type: 'thinking',
        text: '',
        signature: expect.stringMatching(/^EtoFCtcF/),
        signatureSource: 'gemini',
      },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 9,
      outputTokens: 28 + 244,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 244,
    });
  });

  it.each(['google/google-reasoning.chunks.txt', 'google/google-reasoning-gemini3.chunks.txt'])(
    '%s: reasoning tokens from thoughtsTokenCount, the last usage counting',
    (path) => {
      const events = decodeStream(path);
      const usages = events.filter((event) => event.type === 'usage');
      expect(usages.length).toBeGreaterThan(1);
      const folded = foldStreamEvents(events);
      expect(folded.usage?.reasoningTokens).toBe(path.includes('gemini3') ? 302 : 256);
      expect(folded.usage?.outputTokens).toBe(path.includes('gemini3') ? 23 + 302 : 29 + 256);
      expect(folded.content.at(-1)).toMatchObject({
        type: 'thinking',
        text: '',
        signature: expect.any(String),
      });
    },
  );

  it.each(['google/google-tool-call.chunks.txt', 'google/google-tool-call-gemini3.chunks.txt'])(
    '%s: the call with its args and thought signature; STOP with a call is tool-calls',
    (path) => {
      const folded = foldStreamEvents(decodeStream(path));
      expect(folded.content).toEqual([
        {
          type: 'tool-call',
          id: expect.stringMatching(/^call_/),
          name: 'weather',
          arguments: '{"location":"San Francisco"}',
          signature: expect.stringMatching(/^Ep|^Eq/),
        },
      ]);
      expect(folded.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
      expect(folded.usage?.inputTokens).toBe(29);
    },
  );

  it.each(['google/google-tool-call.json', 'google/google-tool-call-gemini3.json'])(
    '%s: the whole call, signed, finishing as tool-calls',
    (path) => {
      const response = gemini.decodeResponse(readFixtureJson(path));
      expect(response.content).toEqual([
        {
          type: 'tool-call',
          id: expect.stringMatching(/^call_/),
          name: 'weather',
          arguments: '{"location":"San Francisco"}',
          signature: expect.stringMatching(/^E/),
        },
      ]);
      expect(response.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    },
  );

  it('calls without arguments, and calls streamed in pieces (partialArgs), come out whole', () => {
    const events = decodeStream('google/google-stream-no-args-tool-call.chunks.txt');
    const folded = foldStreamEvents(events);
    expect(folded.content.map((part) => part.type)).toEqual([
      'thinking',
      'tool-call',
      'tool-call',
      'tool-call',
      'tool-call',
    ]);
    const calls = folded.content.flatMap((part) => (part.type === 'tool-call' ? [part] : []));
    expect(calls.map((call) => [call.name, call.arguments])).toEqual([
      ['read_theme', '{}'],
      ['read_screen', '{"id":"A"}'],
      ['read_screen', '{"id":"B"}'],
      ['read_screen', '{"id":"C"}'],
    ]);
    expect(calls[0]?.signature).toMatch(/^AY89a18a/);
    expect(calls.slice(1).every((call) => call.signature === undefined)).toBe(true);
    // The opening chunks carry only `trafficType`: no usage until the counts come.
    expect(events.filter((event) => event.type === 'usage')).toHaveLength(1);
    expect(folded.usage).toEqual({
      inputTokens: 249,
      outputTokens: 58 + 183,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 183,
    });
    expect(folded.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
  });

  it('streamed string arguments of two calls of one function', () => {
    const folded = foldStreamEvents(decodeStream('google/google-stream-tool-call-arguments.chunks.txt'));
    const calls = folded.content.flatMap((part) => (part.type === 'tool-call' ? [part] : []));
    expect(calls.map((call) => JSON.parse(call.arguments) as unknown)).toEqual([
      { location: 'Boston' },
      { location: 'San Francisco' },
    ]);
    expect(calls[0]?.signature).toBeDefined();
    expect(folded.finishReason.unified).toBe('tool-calls');
  });

  it('array arguments whose last piece has no terminal functionCall still close the call', () => {
    const path = 'google/google-stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt';
    const events = decodeStream(path);
    const end = events.findIndex((event) => event.type === 'tool-call-end');
    expect(end).toBeLessThan(events.findIndex((event) => event.type === 'finish'));
    const folded = foldStreamEvents(events);
    expect(folded.content).toHaveLength(1);
    expect(JSON.parse(folded.content[0]?.type === 'tool-call' ? folded.content[0].arguments : '')).toEqual({
      operations: [
        { action: 'add', description: 'Fresh red apple', itemid: 'apple_001', price: 0.5 },
        { action: 'add', description: 'Ripe yellow banana', itemid: 'banana_001', price: 0.3 },
      ],
    });
    expect(folded.usage?.reasoningTokens).toBe(121);
  });

  it('the 429 body: a retryable rate limit with the RetryInfo delay as Retry-After', () => {
    const body = readFixtureJson('google/google-429-retry-info.json') as Record<string, unknown>;
    const error = readGeminiError(body, 429);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.status).toBe(429);
    expect(error.code).toBe('upstream_rate_limited');
    expect(error.headers).toEqual({ 'retry-after': '35' });
    expect(() => gemini.decodeResponse(body)).toThrow(GatewayError);
    const decoder = gemini.createStreamDecoder();
    const events = [...decoder.push({ data: JSON.stringify(body) }), ...decoder.end()];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', error: { status: 429, code: 'upstream_rate_limited' } });
  });
});
