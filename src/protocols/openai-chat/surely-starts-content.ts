// Whether an OpenAI stream chunk starts the content, read from its JSON text without parsing it.
// A quote inside a JSON string is escaped, so `"content":"` is always a key followed by the start of
// its value. Parsing each chunk until the first content cost about 1.7 µs a chunk; most streams
// start with a role chunk (parsed) and then a text chunk, which this answers for.

const STRING_CONTENT = '"content":"';
/** An `error` key, or a string value that ends in "error": either way, not for the fast path. */
const ERROR_TAIL = 'error"';
/** A `\u` escape could spell a key (`"\u0065rror"`) that these byte checks would miss. */
const UNICODE_ESCAPE = '\\u';

/**
 * Whether the chunk surely carries the answer's first content: a non-empty string `content` (in a
 * chunk, a choice's delta's: with several choices, not necessarily the first, which is all the
 * decoder reads, but content the client gets all the same) and no `error` anywhere. False means "parse it to know": it may still be
 * content (a reasoning or tool-call delta, a finish, content written with spaces) or an error.
 */
export function surelyStartsContent(data: string): boolean {
  const key = data.indexOf(STRING_CONTENT);
  if (key < 0) return false;
  const first = data.charCodeAt(key + STRING_CONTENT.length);
  // Not `""`, and not the end of the text (a cut chunk, which JSON.parse would refuse).
  if (first === 0x22 || Number.isNaN(first)) return false;
  // A whole object, as far as its last character tells.
  if (data.charCodeAt(data.length - 1) !== 0x7d) return false;
  return !data.includes(ERROR_TAIL) && !data.includes(UNICODE_ESCAPE);
}

/** The choices of the role chunk that opens an OpenAI stream, as OpenAI serialises them. */
const ROLE_CHOICES =
  '"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]';
const CHOICES_KEY_TAIL = 'choices"';

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
