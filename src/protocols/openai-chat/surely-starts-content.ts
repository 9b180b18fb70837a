// What an OpenAI stream chunk is to the stream gate, read from its JSON text without parsing it.
// A quote inside a JSON string is escaped, so bytes like `"delta":{"content":"` are a key and the
// start of its value, unless a backslash comes before them (a key ending in `\"delta`). Parsing
// each chunk until the first content cost about 1.7 µs a chunk; most streams start with a role
// chunk and then a text chunk, and these answer for both.

const DELTA_CONTENT = '"delta":{"content":"';
const CHOICES_KEY_TAIL = 'choices"';
/** An `error` key, or a string value that ends in "error": either way, not for the fast path. */
const ERROR_TAIL = 'error"';
/** A `\u` escape could spell a key (`"\u0065rror"`) that these byte checks would miss. */
const UNICODE_ESCAPE = '\\u';

/** Whether `key` occurs at most once: JSON.parse keeps the last of duplicate keys. */
const atMostOnce = (data: string, key: string): boolean => data.indexOf(key) === data.lastIndexOf(key);

/**
 * Whether the chunk surely carries the answer's first content: a delta whose first member is a
 * non-empty string `content`, one `choices`, one `delta` and one `content` key, no `error` and no
 * `\u` escape anywhere, and a last character that closes an object. With several choices the delta
 * may be another's than the first (all the decoder reads): content the client gets all the same.
 * A malformed chunk that passes these checks (one JSON.parse would refuse) counts as content too,
 * where parsing it would have passed it over: the gate then opens a chunk early. False means
 * "parse it to know": it may still be content (a reasoning or tool-call delta, a finish, content
 * written with spaces) or an error.
 */
export function surelyStartsContent(data: string): boolean {
  const key = data.indexOf(DELTA_CONTENT);
  // At a key's place: after `{` or `,`, not after the backslash of an escaped quote.
  const before = data.charCodeAt(key - 1);
  if (key < 1 || (before !== 0x7b && before !== 0x2c)) return false;
  const first = data.charCodeAt(key + DELTA_CONTENT.length);
  // Not `""`, and not the end of the text (a cut chunk, which JSON.parse would refuse).
  if (first === 0x22 || Number.isNaN(first)) return false;
  // A whole object, as far as its last character tells.
  if (data.charCodeAt(data.length - 1) !== 0x7d) return false;
  if (!atMostOnce(data, CHOICES_KEY_TAIL) || !atMostOnce(data, '"delta"') || !atMostOnce(data, '"content"')) {
    return false;
  }
  return !data.includes(ERROR_TAIL) && !data.includes(UNICODE_ESCAPE);
}

/** The choices of the role chunk that opens an OpenAI stream, as OpenAI serialises them. */
const ROLE_CHOICES =
  '"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]';

/**
 * Whether the chunk surely carries neither content nor an error: OpenAI's opening role chunk, its
 * choices exactly as OpenAI writes them, no second `choices` key (which would replace them), no
 * `error`, no escape. What else the chunk holds does not matter here: the decoder reads no content
 * from anything but the choices, and a chunk that is not JSON at all is nothing to it either.
 * False means "parse it to know".
 */
export function surelyPreamble(data: string): boolean {
  const at = data.indexOf(ROLE_CHOICES);
  if (at < 0 || data.indexOf(CHOICES_KEY_TAIL) !== at + 1) return false;
  if (data.includes(CHOICES_KEY_TAIL, at + ROLE_CHOICES.length)) return false;
  return !data.includes(ERROR_TAIL) && !data.includes('\\');
}
