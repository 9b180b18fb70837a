import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TranslationWarning } from '../core/warning.ts';
import { shownWarnings, warningsHeader } from './warnings-header.ts';

const warning = (field: string): TranslationWarning => ({
  type: 'unsupported-setting',
  field,
  message: 'image detail is ignored',
});

describe('X-Switchboard-Warnings', () => {
  it('shows every warning when they fit, escaping what is not ASCII', () => {
    const warnings = [warning('messages[0].content[0].detail'), warning('é ✓')];
    expect(shownWarnings(warnings)).toBe(warnings);
    expect(warningsHeader(warnings)).toBe(
      JSON.stringify(warnings).replace('é', '\\u00e9').replace('✓', '\\u2713'),
    );
    expect(JSON.parse(warningsHeader(warnings))).toEqual(warnings);
  });

  it('keeps the header within 4 KiB whatever the warnings, ending with how many more there were', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 400 }), (fields) => {
        const warnings = fields.map(warning);
        const header = warningsHeader(warnings);
        expect(header.length).toBeLessThanOrEqual(4096);
        expect(header).toMatch(/^[\x20-\x7e]*$/);
        const shown = JSON.parse(header) as TranslationWarning[];
        if (shown.length === warnings.length && shownWarnings(warnings) === warnings) {
          expect(shown).toEqual(JSON.parse(JSON.stringify(warnings)));
          return;
        }
        const note = shown.at(-1)!;
        const kept = shown.length - 1;
        const more = warnings.length - kept;
        const noun = more === 1 ? 'warning' : 'warnings';
        expect(note).toEqual({ type: 'other', message: `${more} more ${noun} not shown` });
        expect(shown.slice(0, kept)).toEqual(JSON.parse(JSON.stringify(warnings.slice(0, kept))));
      }),
      { numRuns: 300 },
    );
  });

  it('shows as many as fit: a thousand short ones leave most out, one too long is only counted', () => {
    const many = shownWarnings(Array.from({ length: 1000 }, (_, index) => warning(`f${index}`)));
    expect(many.length).toBeGreaterThan(40);
    expect(many.at(-1)).toEqual({ type: 'other', message: `${1001 - many.length} more warnings not shown` });
    expect(shownWarnings([warning('x'.repeat(5000))])).toEqual([
      { type: 'other', message: '1 more warning not shown' },
    ]);
  });
});
