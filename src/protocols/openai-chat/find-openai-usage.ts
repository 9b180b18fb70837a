import type { Usage } from '../../core/usage.ts';
import { jsonObjectEnd } from '../json-object-end.ts';
import { readCanonicalUsage } from './read-canonical-usage.ts';
import { readOpenAiUsage } from './read-openai-usage.ts';

// Searched for without its opening quote: a needle that starts with `"` is slow to find in JSON,
// which has a quote every few bytes (about 100 ns against 300 ns in a 600-byte completion).
export const USAGE_KEY_TAIL = Buffer.from('usage"');
const QUOTE = 0x22;
const COLON = 0x3a;
const OPEN = 0x7b;
const SPACE = 0x20;

/** Where the object of a `"usage": {` that ends at `tail` (its `usage"`) opens; -1 if it is not one. */
export function usageObjectAt(bytes: Buffer, tail: number): number {
  if (bytes[tail - 1] !== QUOTE) return -1;
  let at = tail + USAGE_KEY_TAIL.length;
  while (bytes[at] === SPACE) at++;
  if (bytes[at] !== COLON) return -1;
  at++;
  while (bytes[at] === SPACE) at++;
  return bytes[at] === OPEN ? at : -1;
}

/**
 * The usage of a whole OpenAI chat completion, read without parsing the whole body: the one
 * `"usage"` object is found by its bytes and parsed alone. A quote inside a JSON string is escaped
 * (`\"usage\"`), so the bytes `"usage":` can only be a key. Undefined when the body has no usage
 * object, or more than one (a provider's extension may nest another), or it does not parse: the
 * caller then parses the whole body. OpenAI's own usage object is read without parsing it (see
 * readCanonicalUsage).
 */
export function findOpenAiUsage(bytes: Buffer): Usage | undefined {
  let start = -1;
  for (let tail = bytes.indexOf(USAGE_KEY_TAIL); tail >= 0; tail = bytes.indexOf(USAGE_KEY_TAIL, tail + 1)) {
    const object = usageObjectAt(bytes, tail);
    if (object < 0) continue;
    if (start >= 0) return undefined;
    start = object;
  }
  if (start < 0) return undefined;
  return readCanonicalUsage(bytes, start) ?? parseUsageObjectAt(bytes, start);
}

/** The usage object that opens at `start`, found by its end and parsed; undefined if it does not parse. */
export function parseUsageObjectAt(bytes: Buffer, start: number): Usage | undefined {
  const end = jsonObjectEnd(bytes, start);
  if (end < 0) return undefined;
  try {
    return readOpenAiUsage(JSON.parse(bytes.toString('utf8', start, end)));
  } catch {
    return undefined;
  }
}
