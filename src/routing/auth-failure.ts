/**
 * What upstreams say when a key is wrong, revoked or its account is gone. Some say it with a status
 * other than 401/403: Gemini answers an invalid key with 400 `API_KEY_INVALID`.
 */
const keyRefusals = [
  /invalid[\s_-]*(x-)?api[\s_-]*key/i,
  /incorrect api key/i,
  /api key not valid/i,
  /api_key_invalid/i,
  /api[\s_-]*key[\s\w]{0,20}\b(expired|revoked|disabled|deactivated)\b/i,
  /\b(account|organization|organisation)\b[\s\w]{0,30}\b(deactivated|disabled|suspended|banned)\b/i,
  /authentication_error/i,
];

/**
 * Whether an upstream's error answer means the channel's credentials are refused: any 401 or 403,
 * or a client-error body that says the key is invalid or the account deactivated. Rate limits and
 * server errors never count, whatever their text.
 */
export function isAuthFailure(status: number, body: string): boolean {
  if (status === 401 || status === 403) return true;
  if (status < 400 || status >= 500 || status === 429) return false;
  const text = body.slice(0, 4096);
  return keyRefusals.some((pattern) => pattern.test(text));
}

/** The upstream's own explanation in an error body (all three formats use `error.message`), for admins. */
export function upstreamErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const { error } = parsed;
    if (typeof error === 'string') return error.slice(0, 500);
    if (typeof error === 'object' && error !== null) {
      const { message } = error as { message?: unknown };
      if (typeof message === 'string') return message.slice(0, 500);
    }
    if (typeof parsed.message === 'string') return parsed.message.slice(0, 500);
  } catch {
    // Not JSON: the text itself, trimmed.
  }
  return body.trim().slice(0, 200);
}
