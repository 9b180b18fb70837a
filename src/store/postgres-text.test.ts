import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayHoldUnstorable, postgresText } from './postgres-text.ts';

describe('text for PostgreSQL', () => {
  it('replaces NUL and lone surrogates, and nothing else', () => {
    expect(postgresText('a\u0000b')).toBe('a\ufffdb');
    expect(postgresText('\ud800x\udfff')).toBe('\ufffdx\ufffd');
    expect(postgresText('pair \u{1F600} \\u0000 é')).toBe('pair \u{1F600} \\u0000 é');
  });

  it('is warned of by the JSON of any text it would change (no row slips through unchanged)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 4 }), (texts) => {
        const json = JSON.stringify(texts);
        if (texts.some((text) => postgresText(text) !== text)) expect(mayHoldUnstorable(json)).toBe(true);
      }),
      { numRuns: 5000 },
    );
    // Lone surrogates and NULs, many of them.
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\\', 'u'), {
          maxLength: 12,
        }),
        (parts) => {
          const text = parts.join('');
          if (postgresText(text) !== text) expect(mayHoldUnstorable(JSON.stringify([text]))).toBe(true);
          expect(postgresText(text).includes('\u0000')).toBe(false);
          expect(Buffer.from(postgresText(text)).toString()).toBe(postgresText(text));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
