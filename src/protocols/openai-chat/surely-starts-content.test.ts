import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureFiles, fixturesDir } from '../../../test/support/fixtures.ts';
import { StreamGate } from '../../relay/stream-gate.ts';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';
import { surelyPreamble, surelyStartsContent } from './surely-starts-content.ts';

/** What the decoder makes of a chunk for the gate: the gate's state after it, from shut. */
function gateAfter(data: string): { open: boolean; error: boolean } {
  const gate = new StreamGate();
  for (const event of new OpenAiChatStreamDecoder().push({ data })) gate.see(event);
  return { open: gate.open, error: gate.error !== undefined };
}

const chunkFiles = ['openai', 'deepseek', 'mistral', 'xai', 'openai-compatible'].flatMap((folder) =>
  fixtureFiles(folder, '.chunks.txt'),
);

const text = fc.string({ unit: 'grapheme', maxLength: 6 });
const delta = fc.record(
  {
    role: fc.constant('assistant'),
    content: fc.oneof(text, fc.constant(null), fc.array(fc.record({ type: fc.constant('text'), text }))),
    refusal: fc.oneof(fc.constant(null), text),
    reasoning_content: fc.oneof(fc.constant(null), text),
    tool_calls: fc.array(
      fc.record({ index: fc.nat(2), id: text, function: fc.record({ name: text, arguments: text }) }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const chunk = fc.record(
  {
    id: text,
    object: fc.constant('chat.completion.chunk'),
    error: fc.record({ message: text, code: fc.oneof(text, fc.constant(null)) }),
    choices: fc.array(
      fc.record(
        {
          index: fc.nat(1),
          delta,
          finish_reason: fc.oneof(fc.constant(null), fc.constantFrom('stop', 'length')),
        },
        { requiredKeys: ['delta'] },
      ),
      { maxLength: 2 },
    ),
    usage: fc.oneof(fc.constant(null), fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat() })),
    note: text,
  },
  { requiredKeys: ['choices'] },
);

describe('surelyStartsContent', () => {
  it('says so only of chunks with content and no error, which the decoder opens the gate on (generated chunks)', () => {
    fc.assert(
      fc.property(chunk, fc.constantFrom(0, 1), (value, spaces) => {
        const data = JSON.stringify(value, null, spaces === 0 ? undefined : 1);
        if (!surelyStartsContent(data)) return;
        expect(value.error).toBeUndefined();
        // Some choice's delta has text; with several choices it may be another than the first,
        // which the decoder reads alone: content all the same, sent to the client as it is.
        const texts = value.choices.map((choice) => choice.delta.content);
        expect(texts.some((content) => typeof content === 'string' && content !== '')).toBe(true);
        if (value.choices.length === 1) expect(gateAfter(data)).toEqual({ open: true, error: false });
      }),
      { numRuns: 3000 },
    );
  });

  it.each(chunkFiles)('%s: says so only of chunks the decoder reads as content', (path) => {
    const lines = readFileSync(join(fixturesDir, path), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    let sure = 0;
    for (const data of lines) {
      if (!surelyStartsContent(data)) continue;
      sure += 1;
      expect(gateAfter(data), data).toEqual({ open: true, error: false });
    }
    // Recorded text streams have text chunks it answers for without parsing.
    if (/-text\./.test(path)) expect(sure).toBeGreaterThan(0);
  });

  it('leaves to the parser an empty content, an error, an escape, a cut chunk and spaced keys', () => {
    const text = (content: string, extra = '') =>
      `{"id":"c","choices":[{"index":0,"delta":{"content":${content}}${extra}}]}`;
    expect(surelyStartsContent(text('"Hi"'))).toBe(true);
    expect(surelyStartsContent(text('""'))).toBe(false);
    expect(surelyStartsContent(text('"Hi"', ',"error":{"message":"x"}'))).toBe(false);
    expect(surelyStartsContent(text('"an error"'))).toBe(false);
    expect(surelyStartsContent(text('"Hi"', ',"\\u0065rror":{"message":"x"}'))).toBe(false);
    expect(surelyStartsContent('{"choices":[{"delta":{"content":"Hi')).toBe(false);
    expect(surelyStartsContent('{"choices":[{"delta":{"content": "Hi"}}]}')).toBe(false);
    expect(surelyStartsContent('{"choices":[{"delta":{"role":"assistant"}}]}')).toBe(false);
    // Duplicate keys (JSON.parse keeps the last), a key ending in an escaped quote, a message object.
    expect(surelyStartsContent('{"choices":[{"index":0,"delta":{"content":"hi","content":null}}]}')).toBe(
      false,
    );
    expect(surelyStartsContent('{"choices":[{"index":0,"delta":{"content":"hi"}}],"choices":[]}')).toBe(
      false,
    );
    expect(surelyStartsContent('{"choices":[{"index":0,"delta":{"content":"hi"},"delta":{}}]}')).toBe(false);
    expect(
      surelyStartsContent(
        '{"choices":[{"index":0,"delta":{"role":"assistant"}}],"x":{"say \\"delta":{"content":"hi"}}}',
      ),
    ).toBe(false);
    expect(surelyStartsContent('{"choices":[{"index":0,"message":{"content":"hi"}}]}')).toBe(false);
    // The only delta key is one ending in an escaped quote: no choice has a delta at all.
    expect(surelyStartsContent('{"choices":[{"index":0}],"x":{"say \\"delta":{"content":"hi"}}}')).toBe(
      false,
    );
  });
});

const roleChoices =
  '"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]';

describe('surelyPreamble', () => {
  it("says so of OpenAI's role chunk, recorded and as the mock upstream sends it", () => {
    const recorded = readFileSync(join(fixturesDir, 'openai/openai-text.chunks.txt'), 'utf8').split('\n')[0]!;
    expect(surelyPreamble(recorded)).toBe(true);
    expect(gateAfter(recorded)).toEqual({ open: false, error: false });
  });

  it('says so only of chunks that open no content and hold no error, whatever surrounds the role choices', () => {
    // Members around the role chunk's choices: harmless ones, and ones that change what it means.
    const member = fc.oneof(
      text.map((value) => `"id":${JSON.stringify(value)}`),
      fc.constant('"usage":null'),
      fc.constant('"usage":{"prompt_tokens":1,"completion_tokens":2}'),
      fc.constant('"error":{"message":"overloaded"}'),
      text.map((value) => `"choices":[{"index":0,"delta":{"content":${JSON.stringify(value)}}}]`),
      text.map((value) => `"note":${JSON.stringify(value)}`),
      fc.constant('"\\u0065rror":{"message":"x"}'),
    );
    const data = fc
      .tuple(fc.array(member, { maxLength: 3 }), fc.array(member, { maxLength: 3 }), fc.boolean())
      .map(([before, after, whole]) => {
        const body = `{${[...before, roleChoices, ...after].join(',')}}`;
        return whole ? body : body.slice(0, -1);
      });
    fc.assert(
      fc.property(data, (chunk) => {
        if (surelyPreamble(chunk)) expect(gateAfter(chunk)).toEqual({ open: false, error: false });
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves to the parser role chunks written otherwise and anything with a second choices key', () => {
    expect(surelyPreamble(`{"id":"c",${roleChoices},"usage":null}`)).toBe(true);
    expect(surelyPreamble(`{"id":"c",${roleChoices.replace('""', '"Hi"')}}`)).toBe(false);
    expect(surelyPreamble(`{"id":"c",${roleChoices},"choices":[]}`)).toBe(false);
    expect(surelyPreamble(`{"error":{"message":"x"},${roleChoices}}`)).toBe(false);
    expect(surelyPreamble('{"choices":[{"index":0,"delta":{"role":"assistant"}}]}')).toBe(false);
  });
});
