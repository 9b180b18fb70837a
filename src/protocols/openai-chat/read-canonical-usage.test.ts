import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findOpenAiUsage, parseUsageObjectAt } from './find-openai-usage.ts';
import { readCanonicalUsage } from './read-canonical-usage.ts';

const count = fc.oneof(fc.nat(1000), fc.nat(), fc.maxSafeNat());
/** A usage object in OpenAI's key order. */
const usage = fc
  .tuple(count, count, count, count, count, count, count, count, count)
  .map(([prompt, completion, total, cached, audioIn, reasoning, audioOut, accepted, rejected]) => ({
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: audioIn },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: audioOut,
      accepted_prediction_tokens: accepted,
      rejected_prediction_tokens: rejected,
    },
  }));

describe('readCanonicalUsage', () => {
  it("reads OpenAI's usage object as parsing it does, whatever the counts", () => {
    fc.assert(
      fc.property(usage, fc.string({ maxLength: 8 }), (value, after) => {
        const bytes = Buffer.from(`${JSON.stringify(value)}${after}`);
        const read = readCanonicalUsage(bytes, 0);
        // Counts past 9 digits (more than MAX_TOKEN_COUNT may be) are left to the parser, which caps
        // them; any other is read as the parser reads it.
        if (JSON.stringify(value).match(/\d{16}/)) expect(read).toBeUndefined();
        else if (read !== undefined || !JSON.stringify(value).match(/\d{10}/)) {
          expect(read).toEqual(parseUsageObjectAt(bytes, 0));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never reads what parsing would read otherwise (mangled objects)', () => {
    const mangled = fc
      .tuple(usage, fc.string({ unit: 'binary', maxLength: 4 }), fc.nat(260), fc.nat(3))
      .map(([value, junk, at, drop]) => {
        const canonical = JSON.stringify(value);
        const cut = Math.min(at, canonical.length);
        return Buffer.from(canonical.slice(0, cut) + junk + canonical.slice(cut + drop));
      });
    fc.assert(
      fc.property(mangled, (bytes) => {
        const read = readCanonicalUsage(bytes, 0);
        if (read !== undefined) expect(read).toEqual(parseUsageObjectAt(bytes, 0));
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves other key orders, spaces, fractions and leading zeros to the parser', () => {
    const canonical =
      '{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},' +
      '"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}';
    expect(readCanonicalUsage(Buffer.from(canonical), 0)?.inputTokens).toBe(1);
    expect(readCanonicalUsage(Buffer.from(` ${canonical}`), 0)).toBeUndefined();
    expect(readCanonicalUsage(Buffer.from(canonical.replace('":1,', '": 1,')), 0)).toBeUndefined();
    expect(readCanonicalUsage(Buffer.from(canonical.replace('":1,', '":1.5,')), 0)).toBeUndefined();
    expect(readCanonicalUsage(Buffer.from(canonical.replace('":1,', '":01,')), 0)).toBeUndefined();
    const reordered = canonical.replace(
      '"prompt_tokens":1,"completion_tokens":2',
      '"completion_tokens":2,"prompt_tokens":1',
    );
    expect(readCanonicalUsage(Buffer.from(reordered), 0)).toBeUndefined();
    // findOpenAiUsage still reads those by parsing them.
    expect(findOpenAiUsage(Buffer.from(`{"usage":${reordered}}`))?.inputTokens).toBe(1);
  });
});
