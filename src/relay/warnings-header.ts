import type { TranslationWarning } from '../core/warning.ts';

/**
 * The most `X-Switchboard-Warnings` holds. A request can earn a warning per message part (an image's
 * `detail` an Anthropic upstream has no place for): thousands made a header no HTTP client reads
 * (Node's stops at 16 KiB of headers), so the client lost an answer it was charged for.
 */
const maxHeaderLength = 4096;

/** Room kept for the closing note. */
const noteRoom = 64;

/** JSON text with every non-ASCII character escaped: a legal header value (JSON has no CR or LF). */
const headerText = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * The warnings as shown to the client and stored with the log row: all of them when they fit the
 * header, else the first that do, then a note saying how many more there were.
 */
export function shownWarnings(warnings: readonly TranslationWarning[]): readonly TranslationWarning[] {
  // The header's length with the first i + 1 warnings: brackets, and commas between them.
  let length = 1;
  let kept = 0;
  for (let index = 0; index < warnings.length; index++) {
    length += headerText(warnings[index]).length + 1;
    if (length <= maxHeaderLength - noteRoom) kept = index + 1;
    else if (length > maxHeaderLength) {
      const note: TranslationWarning = {
        type: 'other',
        message: `${warnings.length - kept} more ${warnings.length - kept === 1 ? 'warning' : 'warnings'} not shown`,
      };
      return [...warnings.slice(0, kept), note];
    }
  }
  return warnings;
}

/** `X-Switchboard-Warnings`: the shown warnings as a JSON array, non-ASCII escaped. */
export function warningsHeader(warnings: readonly TranslationWarning[]): string {
  return headerText(shownWarnings(warnings));
}
