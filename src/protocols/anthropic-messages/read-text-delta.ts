// The most frequent Anthropic stream event, as Anthropic serialises it: a text block's next piece.
const HEAD = '{"type":"content_block_delta","index":';
const MIDDLE = ',"delta":{"type":"text_delta","text":"';
const TAIL = '"}}';
/**
 * What a JSON string's raw text may not hold for its characters to be its value: a quote, a
 * backslash, or a control character (any code point below a space).
 */
const NOT_LITERAL = /[^ -\u{10FFFF}]|["\\]/u;

/**
 * A `content_block_delta` event's data, when it is exactly the text delta Anthropic sends
 * (`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"…"}}`), read
 * without parsing the whole object: its block index and text. Undefined for anything else (other
 * deltas, other key orders, spaces, a malformed index or string): the caller parses it. Parsing
 * every event cost about 0.5 µs each, most of an Anthropic stream's decoding.
 */
export function readTextDelta(data: string): { index: number; text: string } | undefined {
  if (!data.startsWith(HEAD) || !data.endsWith(TAIL)) return undefined;
  const middle = data.indexOf(MIDDLE, HEAD.length);
  if (middle < 0) return undefined;
  const digits = data.slice(HEAD.length, middle);
  // JSON's integers: no sign, no leading zero.
  if (!/^(?:0|[1-9]\d{0,8})$/.test(digits)) return undefined;
  const start = middle + MIDDLE.length;
  const end = data.length - TAIL.length;
  if (end < start) return undefined;
  const raw = data.slice(start, end);
  if (!NOT_LITERAL.test(raw)) return { index: Number(digits), text: raw };
  // Escapes (or something that is not a string at all): the string alone is parsed.
  try {
    const text: unknown = JSON.parse(`"${raw}"`);
    return typeof text === 'string' ? { index: Number(digits), text } : undefined;
  } catch {
    return undefined;
  }
}
