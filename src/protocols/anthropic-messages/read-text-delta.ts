import { jsonStringBody } from '../json-string-body.ts';

// The most frequent Anthropic stream event, as Anthropic serialises it: a text block's next piece.
const HEAD = '{"type":"content_block_delta","index":';
const MIDDLE = ',"delta":{"type":"text_delta","text":"';
const TAIL = '"}}';

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
  const text = jsonStringBody(data.slice(start, end));
  return text === undefined ? undefined : { index: Number(digits), text };
}
