import type { Usage } from '../../core/usage.ts';
import { jsonObjectEnd } from '../json-object-end.ts';
import { readOpenAiUsage } from './read-openai-usage.ts';

// A usage object as providers serialise it. A quote inside a JSON string is escaped (`\"usage\":`),
// so these bytes can only be a key.
const usagePatterns = [Buffer.from('"usage":{'), Buffer.from('"usage": {')];

/**
 * The usage of a whole OpenAI chat completion, read without parsing the whole body: the one
 * `"usage"` object is found by its bytes and parsed alone. Undefined when the body has none, or more
 * than one (a provider's extension may nest another), or it does not parse: the caller then parses
 * the whole body.
 */
export function findOpenAiUsage(bytes: Buffer): Usage | undefined {
  let found = -1;
  let patternLength = 0;
  for (const pattern of usagePatterns) {
    const at = bytes.indexOf(pattern);
    if (at < 0) continue;
    if (found >= 0 || bytes.indexOf(pattern, at + pattern.length) >= 0) return undefined;
    found = at;
    patternLength = pattern.length;
  }
  if (found < 0) return undefined;
  const start = found + patternLength - 1;
  const end = jsonObjectEnd(bytes, start);
  if (end < 0) return undefined;
  try {
    return readOpenAiUsage(JSON.parse(bytes.toString('utf8', start, end)));
  } catch {
    return undefined;
  }
}
