import type { TranslationWarning } from '../core/warning.ts';

/**
 * `X-Switchboard-Warnings`: the warnings as a JSON array, with every non-ASCII character escaped
 * so the value is a legal header (no CR/LF can appear in JSON text either).
 */
export function warningsHeader(warnings: readonly TranslationWarning[]): string {
  return JSON.stringify(warnings).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
