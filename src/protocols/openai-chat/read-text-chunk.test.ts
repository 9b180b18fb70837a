import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../../../test/support/fixtures.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';
import { readTextChunk, textChunkPrefix } from './read-text-chunk.ts';

const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini' };
/** A chunk as OpenAI serialises it; `usage: null` when the stream was asked for usage. */
const chunk = (delta: object, finish: string | null = null, withUsage = true, padding?: string) => ({
  ...head,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...(withUsage ? { usage: null } : {}),
  ...(padding === undefined ? {} : { obfuscation: padding }),
});
const roleChunk = JSON.stringify(chunk({ role: 'assistant', content: '' }));
const prefix = textChunkPrefix(roleChunk)!;

/** Any text, control characters, quotes, backslashes, lone surrogates and U+2028 included. */
const anyText = fc.string({ unit: 'binary', maxLength: 12 });

/** The events of `later` after the role chunk, dates aside. */
function decodeAfterRole(later: string): StreamEvent[] {
  const decoder = new OpenAiChatStreamDecoder();
  decoder.push({ data: roleChunk });
  return decoder.push({ data: later });
}

describe('readTextChunk', () => {
  it('reads the text of a text chunk as OpenAI serialises it, whatever the text', () => {
    expect(prefix).toBe(
      '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",',
    );
    const padding = fc.option(fc.stringMatching(/^[A-Za-z0-9]{0,12}$/), { nil: undefined });
    fc.assert(
      fc.property(anyText, fc.boolean(), padding, (text, withUsage, pad) => {
        expect(readTextChunk(JSON.stringify(chunk({ content: text }, null, withUsage, pad)), prefix)).toBe(
          text,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the text chunks of a recorded OpenAI stream, obfuscation padding and all', () => {
    const lines = readFileSync(join(fixturesDir, 'openai/openai-text.chunks.txt'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const recordedPrefix = textChunkPrefix(lines[0]!)!;
    let read = 0;
    for (const line of lines.slice(1)) {
      const text = readTextChunk(line, recordedPrefix);
      if (text === undefined) continue;
      read += 1;
      const parsed = JSON.parse(line) as { choices: { delta: { content: string } }[] };
      expect(text).toBe(parsed.choices[0]!.delta.content);
    }
    // All but the finish and usage chunks.
    expect(read).toBe(lines.length - 3);
  });

  it('never reads what parsing would read otherwise (mangled chunks)', () => {
    const mangled = fc
      .tuple(anyText, fc.string({ unit: 'binary', maxLength: 4 }), fc.nat(240), fc.nat(3), fc.boolean())
      .map(([text, junk, at, drop, padded]) => {
        const canonical = JSON.stringify(chunk({ content: text }, null, true, padded ? 'Ab9' : undefined));
        const cut = Math.min(at, canonical.length);
        return canonical.slice(0, cut) + junk + canonical.slice(cut + drop);
      });
    fc.assert(
      fc.property(mangled, (data) => {
        const text = readTextChunk(data, prefix);
        if (text === undefined) return;
        const parsed = JSON.parse(data) as { choices: { delta: { content: unknown } }[] };
        expect(Object.keys(parsed)).not.toContain('error');
        expect(parsed.choices).toHaveLength(1);
        expect(parsed.choices[0]!.delta).toEqual({ content: text });
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves to the parser finishes, tool calls, usage, other fields and another prefix', () => {
    expect(readTextChunk(JSON.stringify(chunk({ content: 'x' }, 'stop')), prefix)).toBeUndefined();
    expect(readTextChunk(JSON.stringify(chunk({ content: 'x', refusal: null })), prefix)).toBeUndefined();
    expect(readTextChunk(JSON.stringify(chunk({ tool_calls: [] })), prefix)).toBeUndefined();
    const withUsage = { ...chunk({ content: 'x' }), usage: { prompt_tokens: 1, completion_tokens: 1 } };
    expect(readTextChunk(JSON.stringify(withUsage), prefix)).toBeUndefined();
    expect(
      readTextChunk(JSON.stringify({ ...chunk({ content: 'x' }), obfuscation: 'a-b' }), prefix),
    ).toBeUndefined();
    expect(readTextChunk(JSON.stringify({ ...chunk({ content: 'x' }), note: 'ab' }), prefix)).toBeUndefined();
    expect(
      readTextChunk(JSON.stringify({ ...chunk({ content: 'x' }), usage: 'ab' }), prefix),
    ).toBeUndefined();
    expect(
      readTextChunk(JSON.stringify({ ...chunk({ content: 'x' }), id: 'other' }), prefix),
    ).toBeUndefined();
  });

  it('takes no prefix that holds an error, usage or choices, or an escape', () => {
    expect(textChunkPrefix(JSON.stringify({ error: null, ...chunk({ content: '' }) }))).toBeUndefined();
    expect(textChunkPrefix(JSON.stringify({ usage: null, ...chunk({ content: '' }) }))).toBeUndefined();
    expect(textChunkPrefix(JSON.stringify({ ...head, id: 'a\nb', choices: [] }))).toBeUndefined();
    expect(textChunkPrefix(JSON.stringify({ choices: [], ...head }))).toBe('{');
    // The first `choices` inside another object: not the chunk's own members.
    expect(textChunkPrefix('{"m":{"a":1,"choices":[0]},"choices":[]}')).toBeUndefined();
  });
});

describe('OpenAiChatStreamDecoder with text chunks read unparsed', () => {
  it('decodes every chunk exactly as it decodes the same chunk parsed', () => {
    const delta = fc.oneof(
      anyText.map((content) => ({ content })),
      fc.record({ content: anyText, refusal: fc.constant(null) }),
      fc.record({ reasoning_content: anyText }),
    );
    fc.assert(
      fc.property(delta, fc.constantFrom(null, 'stop'), fc.boolean(), (value, finish, withUsage) => {
        const compact = JSON.stringify(chunk(value, finish, withUsage));
        // Spaced, the chunk does not match the template and is parsed.
        const spaced = JSON.stringify(chunk(value, finish, withUsage), null, 1);
        expect(decodeAfterRole(compact)).toEqual(decodeAfterRole(spaced));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads an error chunk as an error even after text chunks', () => {
    const decoder = new OpenAiChatStreamDecoder();
    decoder.push({ data: roleChunk });
    expect(decoder.push({ data: JSON.stringify(chunk({ content: 'Hi' })) })).toEqual([
      { type: 'text-delta', text: 'Hi' },
    ]);
    const events = decoder.push({ data: JSON.stringify({ error: { message: 'overloaded' } }) });
    expect(events.map((event) => event.type)).toEqual(['error']);
  });
});
