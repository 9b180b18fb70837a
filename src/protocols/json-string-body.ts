/**
 * What a JSON string's raw text may not hold for its characters to be its value: a quote, a
 * backslash, or a control character (any code point below a space).
 */
const NOT_LITERAL = /[^ -\u{10FFFF}]|["\\]/u;

/**
 * The value of a JSON string from the text between its quotes, as found in a larger document;
 * undefined when that text is not one string's body (an unescaped quote, a control character, a
 * broken escape). Text without escapes is its own value; escapes are undone by JSON.parse of the
 * string alone, which is cheap next to parsing the document around it.
 */
export function jsonStringBody(raw: string): string | undefined {
  if (!NOT_LITERAL.test(raw)) return raw;
  try {
    const value: unknown = JSON.parse(`"${raw}"`);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
