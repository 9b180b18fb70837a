import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnthropicStreamDecoder } from './anthropic-stream-decoder.ts';
import { readTextDelta } from './read-text-delta.ts';

const delta = (index: number, text: string) => ({
  type: 'content_block_delta',
  index,
  delta: { type: 'text_delta', text },
});

/** Any text, control characters, quotes, backslashes, lone surrogates and U+2028 included. */
const anyText = fc.string({ unit: 'binary', maxLength: 12 });

describe('readTextDelta', () => {
  it('reads the text and index of a text delta as Anthropic serialises it, whatever the text', () => {
    fc.assert(
      fc.property(fc.nat(999), anyText, (index, text) => {
        expect(readTextDelta(JSON.stringify(delta(index, text)))).toEqual({ index, text });
      }),
      { numRuns: 2000 },
    );
  });

  it('never reads what parsing would read otherwise (mangled text deltas)', () => {
    const data = fc
      .tuple(fc.nat(99), anyText, fc.string({ unit: 'binary', maxLength: 4 }), fc.nat(80), fc.nat(3))
      .map(([index, text, junk, at, drop]) => {
        // A canonical event with a few characters inserted or removed somewhere.
        const canonical = JSON.stringify(delta(index, text));
        const cut = Math.min(at, canonical.length);
        return canonical.slice(0, cut) + junk + canonical.slice(cut + drop);
      });
    fc.assert(
      fc.property(data, (text) => {
        const read = readTextDelta(text);
        if (read === undefined) return;
        const parsed = JSON.parse(text) as ReturnType<typeof delta>;
        expect(parsed).toEqual(delta(read.index, read.text));
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves spaced, reordered and other deltas, and a malformed index, to the parser', () => {
    expect(readTextDelta(JSON.stringify(delta(0, 'Hi'), null, 1))).toBeUndefined();
    expect(
      readTextDelta('{"index":0,"type":"content_block_delta","delta":{"type":"text_delta","text":"Hi"}}'),
    ).toBeUndefined();
    expect(
      readTextDelta(
        '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hi"}}',
      ),
    ).toBeUndefined();
    expect(
      readTextDelta('{"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":"Hi"}}'),
    ).toBeUndefined();
    expect(
      readTextDelta(
        '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\u0001b"}}',
      ),
    ).toBeUndefined();
  });
});

describe('AnthropicStreamDecoder with text deltas read unparsed', () => {
  it('decodes a text delta exactly as it decodes the same event parsed', () => {
    fc.assert(
      fc.property(
        fc.nat(3),
        anyText,
        fc.constantFrom('text', 'thinking', 'tool_use'),
        (index, text, kind) => {
          const start = JSON.stringify({
            type: 'content_block_start',
            index,
            content_block:
              kind === 'tool_use'
                ? { type: kind, id: 't', name: 'f', input: {} }
                : { type: kind, [kind]: '' },
          });
          const decode = (data: string) => {
            const decoder = new AnthropicStreamDecoder();
            decoder.push({ event: 'content_block_start', data: start });
            return decoder.push({ event: 'content_block_delta', data });
          };
          // Spaced, the event does not match the template and is parsed.
          expect(decode(JSON.stringify(delta(index, text)))).toEqual(
            decode(JSON.stringify(delta(index, text), null, 1)),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('passes over a text delta for a block that never started', () => {
    expect(new AnthropicStreamDecoder().push({ data: JSON.stringify(delta(0, 'Hi')) })).toEqual([]);
  });
});
