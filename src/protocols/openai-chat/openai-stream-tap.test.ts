import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';
import { OpenAiStreamTap } from './openai-stream-tap.ts';

const fixtures = join(import.meta.dirname, '../../../../shared/fixtures/upstream');

/** A recorded chunks.txt file as the SSE bytes the provider sent. */
function sseOf(file: string, lineEnd = '\n'): string {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return (
    lines.map((line) => `data: ${line}${lineEnd}${lineEnd}`).join('') + `data: [DONE]${lineEnd}${lineEnd}`
  );
}

/** Feeds `sse` to a tap in pieces of `size` bytes, as TCP would split it. */
function run(sse: string, size: number, withhold: boolean) {
  const tap = new OpenAiStreamTap(withhold);
  const bytes = Buffer.from(sse);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const forwarded = tap.push(bytes.subarray(i, i + size));
    if (Array.isArray(forwarded)) out.push(...forwarded);
    else if (forwarded) out.push(forwarded);
  }
  const rest = tap.end();
  if (rest) out.push(rest);
  return { tap, output: Buffer.concat(out).toString('utf8') };
}

const openAiFormatFolders = ['openai', 'deepseek', 'mistral', 'xai', 'openai-compatible'];
const streamFixtures = openAiFormatFolders.flatMap((folder) =>
  readdirSync(join(fixtures, folder))
    .filter((name) => name.endsWith('.chunks.txt'))
    .map((name) => join(folder, name)),
);

describe('OpenAiStreamTap on recorded provider streams', () => {
  it.each(streamFixtures)('%s passes through byte for byte and yields the usage', (name) => {
    const sse = sseOf(join(fixtures, name));
    const lastUsage = readFileSync(join(fixtures, name), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(
        (line) => JSON.parse(line) as { usage?: { prompt_tokens: number; completion_tokens: number } | null },
      )
      .findLast((chunk) => chunk.usage)?.usage;
    for (const size of [1, 7, 64, 100_000]) {
      const { tap, output } = run(sse, size, false);
      expect(output).toBe(sse);
      if (lastUsage) {
        expect(tap.usage?.inputTokens).toBe(lastUsage.prompt_tokens);
        expect(tap.usage?.outputTokens).toBe(lastUsage.completion_tokens);
      } else {
        expect(tap.usage).toBeUndefined();
      }
    }
  });

  it('reads cached and reasoning tokens (xAI)', () => {
    const { tap } = run(sseOf(join(fixtures, 'xai/xai-text.chunks.txt')), 50, false);
    expect(tap.usage).toEqual({
      inputTokens: 12,
      outputTokens: 1,
      cachedInputTokens: 11,
      cacheWriteTokens: 0,
      reasoningTokens: 290,
    });
  });

  it('withholds the usage-only chunk the client did not ask for, and keeps the rest intact', () => {
    const sse = sseOf(join(fixtures, 'openai/openai-text.chunks.txt'));
    const { tap, output } = run(sse, 33, true);
    expect(tap.usage?.outputTokens).toBe(300);
    expect(output).not.toContain('"choices":[]');
    expect(output.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(output).toBe(sse.replace(/data: [^\n]*"choices":\[\][^\n]*\n\n/, ''));
  });

  it('keeps a usage chunk that also carries content (DeepSeek puts usage on the last choice chunk)', () => {
    const sse = sseOf(join(fixtures, 'deepseek/deepseek-text.chunks.txt'));
    const { tap, output } = run(sse, 10, true);
    expect(output).toBe(sse);
    expect(tap.usage?.inputTokens).toBe(13);
  });

  it('reads a usage object however the spaces around its colon fall, as findOpenAiUsage does', () => {
    for (const key of ['"usage":{', '"usage": {', '"usage" : {', '"usage"  :  {']) {
      const sse =
        'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n' +
        `data: {"choices":[],${key}"prompt_tokens":3,"completion_tokens":1}}\n\n` +
        'data: [DONE]\n\n';
      const { tap, output } = run(sse, 7, true);
      expect(tap.usage?.inputTokens, key).toBe(3);
      expect(output, key).toBe(
        'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n',
      );
    }
  });

  it('handles CRLF line ends, comments and a final frame without a blank line', () => {
    const sse =
      ': keep-alive\r\n\r\ndata: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\r\n\r\n' +
      'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}\r\n\r\ndata: [DONE]';
    const { tap, output } = run(sse, 5, true);
    expect(tap.usage?.inputTokens).toBe(3);
    expect(output).toBe(
      ': keep-alive\r\n\r\ndata: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\r\n\r\ndata: [DONE]',
    );
  });

  it.each(streamFixtures)('%s: counts the data frames it passes on, however the bytes are split', (name) => {
    const sse = sseOf(join(fixtures, name));
    const dataFrames = sse.split('\n\n').filter((frame) => frame.startsWith('data: {')).length;
    for (const size of [1, 13, 100_000]) {
      expect(run(sse, size, false).tap.frames).toBe(dataFrames);
      const withheld = run(sse, size, true);
      const passed = withheld.output.split('\n\n').filter((frame) => frame.startsWith('data: {')).length;
      expect(withheld.tap.frames).toBe(passed);
    }
  });

  it('shows the frames it releases, one by one, to a watcher until the watcher has seen enough', () => {
    const sse = sseOf(join(fixtures, 'openai/openai-text.chunks.txt'));
    const seen: string[] = [];
    const tap = new OpenAiStreamTap(false, (frame) => {
      seen.push(frame.toString('utf8'));
      return seen.length < 3;
    });
    const bytes = Buffer.from(sse);
    for (let at = 0; at < bytes.length; at += 40) tap.push(bytes.subarray(at, at + 40));
    tap.end();
    expect(seen).toEqual(sse.split(/(?<=\n\n)/).slice(0, 3));
  });
});

describe('OpenAiStreamTap at the end of a recorded stream', () => {
  /** Whether the tap's last frames, decoded, carry the answer's finish reason. */
  const finishedByLastFrames = (tap: OpenAiStreamTap): boolean => {
    const decoder = new OpenAiChatStreamDecoder();
    return tap.lastData().some((data) => decoder.push({ data }).some((event) => event.type === 'finish'));
  };
  const withoutDone = (sse: string) => sse.replace('data: [DONE]\n\n', '');

  it.each(streamFixtures)('%s: the finish reason is in the last frames, [DONE] or not', (name) => {
    const sse = sseOf(join(fixtures, name));
    for (const size of [1, 64, 100_000]) {
      for (const withhold of [false, true]) {
        expect(run(sse, size, withhold).tap.done).toBe(true);
        const { tap } = run(withoutDone(sse), size, withhold);
        expect(tap.done).toBe(false);
        expect(finishedByLastFrames(tap)).toBe(true);
      }
    }
  });

  it.each(streamFixtures)('%s: a stream cut before its finish reason has none in its last frames', (name) => {
    const frames = withoutDone(sseOf(join(fixtures, name))).split(/(?<=\n\n)/);
    const finish = frames.findIndex((frame) => /"finish_reason":"/.test(frame));
    const { tap } = run(frames.slice(0, finish).join(''), 64, false);
    expect(finishedByLastFrames(tap)).toBe(false);
  });

  it('keeps the first mid-stream error frame the client got', () => {
    const error = 'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n';
    const sse = `data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n${error}`;
    const { tap, output } = run(sse, 10, false);
    expect(output).toBe(sse);
    expect(tap.errorData()).toBe('{"error":{"message":"overloaded","type":"server_error"}}');
    expect(
      run(sseOf(join(fixtures, 'openai/openai-text.chunks.txt')), 64, false).tap.errorData(),
    ).toBeUndefined();
  });
});

describe('OpenAiStreamTap on frames written otherwise', () => {
  const finishedByLastFrames = (tap: OpenAiStreamTap): boolean => {
    const decoder = new OpenAiChatStreamDecoder();
    return tap.lastData().some((data) => decoder.push({ data }).some((event) => event.type === 'finish'));
  };
  const text = '{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}]}';
  const stop = '{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}';

  it.each([
    ['without the space after data:', (data: string) => `data:${data}\n\n`],
    ['with an event line first', (data: string) => `event: message\ndata: ${data}\n\n`],
    ['with an id line first, CRLF', (data: string) => `id: 7\r\ndata: ${data}\r\n\r\n`],
  ])('reads them %s: [DONE], the last frames and an error frame', (_, frame) => {
    const ended = run([text, stop, '[DONE]'].map(frame).join(''), 16, false).tap;
    expect(ended.done).toBe(true);
    expect(ended.frames).toBe(2);
    const unended = run([text, stop].map(frame).join(''), 16, false).tap;
    expect(unended.done).toBe(false);
    expect(finishedByLastFrames(unended)).toBe(true);
    const failed = run([text, '{ "error": {"message":"boom"}}'].map(frame).join(''), 16, false).tap;
    expect(failed.errorData()).toBe('{ "error": {"message":"boom"}}');
  });

  it('passes comments and keep-alives over', () => {
    const { tap } = run(`: ping\n\ndata: ${stop}\n\n: ping\n\n`, 8, false);
    expect(tap.frames).toBe(1);
    expect(finishedByLastFrames(tap)).toBe(true);
  });
});
