const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Index just past the JSON object that opens at `start` (a `{`), found by counting braces outside
 * strings; -1 if it does not close within `bytes`. It does not validate: JSON.parse of the slice does.
 */
export function jsonObjectEnd(bytes: Buffer, start: number): number {
  let depth = 0;
  for (let at = start; at < bytes.length; at++) {
    const byte = bytes[at];
    if (byte === QUOTE) {
      // Skip the string, and every escaped character in it.
      for (at++; at < bytes.length && bytes[at] !== QUOTE; at++) {
        if (bytes[at] === BACKSLASH) at++;
      }
    } else if (byte === OPEN) {
      depth++;
    } else if (byte === CLOSE && --depth === 0) {
      return at + 1;
    }
  }
  return -1;
}
