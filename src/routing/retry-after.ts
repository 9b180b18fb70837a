/** The longest an upstream's "retry after" is believed: a bad header must not bench a channel for days. */
export const maxRetryAfterMs = 10 * 60_000;

/**
 * How long an upstream asked us to wait, in milliseconds, from its response headers: `retry-after-ms`
 * (Azure OpenAI, OpenAI) or `retry-after` as delta-seconds or an HTTP date (RFC 9110, 10.2.3).
 * Undefined when it said nothing readable.
 */
export function retryAfterMs(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  now: number = Date.now(),
): number | undefined {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim();
  const milliseconds = first(headers['retry-after-ms']);
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return cap(Number(milliseconds));
  const value = first(headers['retry-after']);
  return value === undefined ? undefined : parseRetryAfter(value, now);
}

/** One `Retry-After` value (delta-seconds or an HTTP date) in milliseconds from `now`. */
export function parseRetryAfter(value: string, now: number = Date.now()): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return cap(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : cap(date - now);
}

const cap = (milliseconds: number): number => Math.min(Math.max(0, Math.ceil(milliseconds)), maxRetryAfterMs);
