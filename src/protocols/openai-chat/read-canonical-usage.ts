import type { Usage } from '../../core/usage.ts';

// A JSON integer of at most 9 digits (no leading zero, no sign): within MAX_TOKEN_COUNT, so read as
// it is; a longer one is left to the parser, which caps it.
const COUNT = '(0|[1-9]\\d{0,8})';
const ANY = '(?:0|[1-9]\\d{0,14})';
/**
 * OpenAI's usage object exactly as OpenAI serialises it (chat completions and the last stream
 * chunk), every key in its place: sticky, so it matches at the object's first byte or not at all.
 */
const CANONICAL_USAGE = new RegExp(
  `\\{"prompt_tokens":${COUNT},"completion_tokens":${COUNT},"total_tokens":${ANY},` +
    `"prompt_tokens_details":\\{"cached_tokens":${COUNT},"audio_tokens":${ANY}\\},` +
    `"completion_tokens_details":\\{"reasoning_tokens":${COUNT},"audio_tokens":${ANY},` +
    `"accepted_prediction_tokens":${ANY},"rejected_prediction_tokens":${ANY}\\}\\}`,
  'y',
);
/** Longer than the canonical object can be (about 250 bytes, and 15 digits to each count). */
const LONGEST = 512;

/**
 * The usage object that opens at `start` in `bytes`, when it is exactly OpenAI's (every key in
 * OpenAI's order, integer counts): read by one regular expression, about 0.2 µs, where finding its
 * end and parsing it cost over 1 µs. Undefined for any other object, which the caller parses.
 */
export function readCanonicalUsage(bytes: Buffer, start: number): Usage | undefined {
  // Latin-1 maps every byte to one character: the object's ASCII reads the same, and what follows
  // it, whatever its encoding, is not looked at.
  const text = bytes.toString('latin1', start, Math.min(bytes.length, start + LONGEST));
  CANONICAL_USAGE.lastIndex = 0;
  const match = CANONICAL_USAGE.exec(text);
  if (match === null) return undefined;
  return {
    inputTokens: Number(match[1]),
    outputTokens: Number(match[2]),
    cachedInputTokens: Number(match[3]),
    cacheWriteTokens: 0,
    reasoningTokens: Number(match[4]),
  };
}
