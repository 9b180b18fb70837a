/** A surrogate that is not half of a pair. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text as PostgreSQL can store it: its text type cannot hold NUL, and UTF-8 has no lone surrogates
 * (a JavaScript string can hold both, from a client's JSON). Each becomes U+FFFD, as the UTF-8
 * encoder already makes of a lone surrogate; a row holding one is then written instead of failing
 * its whole batch, again and again, with every row queued behind it.
 */
export function postgresText(value: string): string {
  return value.replaceAll('\u0000', '\ufffd').replace(loneSurrogate, '\ufffd');
}

/**
 * Whether JSON made by `JSON.stringify` may hold text PostgreSQL cannot store: it writes a NUL as
 * `\u0000` and a lone surrogate as `\ud800`–`\udfff`, and never a pair so. A false alarm (the same
 * six characters typed by a client: `\\u0000` in the JSON) only costs the careful path.
 */
export function mayHoldUnstorable(json: string): boolean {
  return json.includes('\\u0000') || /\\ud[89a-f]/.test(json);
}
