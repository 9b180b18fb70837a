// The few management calls the benchmark needs, checked against API.md §2 and nothing looser:
// every answer must be the `{success, message, data}` envelope, success must agree with the HTTP
// status, and the fields we use must have the documented shape. Anything else fails with a message
// that says which call broke the contract and how.

const CALL_TIMEOUT_MS = 10_000;
const API_KEY_PATTERN = /^sk-[0-9A-Za-z]{48}$/;

export interface ChannelInput {
  name: string;
  provider: string;
  base_url: string;
  api_key: string;
  models: string[];
  priority: number;
  weight: number;
  enabled: boolean;
}

interface Envelope {
  success: boolean;
  message: string;
  data: unknown;
}

export class ManagementApiError extends Error {
  override name = 'ManagementApiError';
}

/** fetch() hides the useful part (ECONNREFUSED, …) in `cause`. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The type of each field, not its value: these answers carry secrets. */
function shape(value: unknown): string {
  if (!isRecord(value)) return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  const fields = Object.entries(value).map(
    ([name, field]) => `${name}: ${field === null ? 'null' : typeof field}`,
  );
  return `{${fields.join(', ')}}`;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat === '' ? '(empty body)' : flat;
}

export class ManagementApi {
  private sessionToken: string | undefined;

  constructor(private readonly baseUrl: string) {}

  /** `POST /api/user/login` → `data: {token, user}`; later calls send `Authorization: <token>`. */
  async login(username: string, password: string): Promise<void> {
    const data = await this.call('POST', '/api/user/login', { username, password });
    if (!isRecord(data) || typeof data.token !== 'string' || data.token === '' || !isRecord(data.user)) {
      throw new ManagementApiError(
        `POST /api/user/login: expected data {token: non-empty string, user: object}, got ${shape(data)}`,
      );
    }
    this.sessionToken = data.token;
  }

  /** `POST /api/channel/` (admin). */
  async createChannel(channel: ChannelInput): Promise<void> {
    await this.call('POST', '/api/channel/', channel);
  }

  /** `POST /api/token/` → `data.key`, the full `sk-` + 48 base62 key (shown only once). */
  async createApiKey(name: string): Promise<string> {
    const data = await this.call('POST', '/api/token/', { name });
    const key = isRecord(data) ? data.key : undefined;
    if (typeof key !== 'string' || !API_KEY_PATTERN.test(key)) {
      const shown = typeof key === 'string' ? `"${key.slice(0, 6)}…" (${key.length} chars)` : String(key);
      throw new ManagementApiError(
        `POST /api/token/: expected data.key to be the full key, "sk-" + 48 base62 characters; got ${shown}`,
      );
    }
    return key;
  }

  private async call(method: string, path: string, body: unknown): Promise<unknown> {
    const what = `${method} ${path}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.sessionToken !== undefined) headers.authorization = this.sessionToken;
    let response: Response;
    let text: string;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      throw new ManagementApiError(`${what}: request failed: ${errorMessage(error)}`);
    }
    const envelope = parseEnvelope(text);
    if (envelope === undefined) {
      throw new ManagementApiError(
        `${what}: HTTP ${response.status}, body is not the {success, message, data} envelope: ${snippet(text)}`,
      );
    }
    if (!response.ok || !envelope.success) {
      const reason = envelope.message === '' ? '(no message)' : envelope.message;
      const mismatch =
        response.ok === envelope.success
          ? ''
          : ` [contract: success=${envelope.success} with HTTP ${response.status}]`;
      throw new ManagementApiError(`${what}: HTTP ${response.status}: ${reason}${mismatch}`);
    }
    return envelope.data;
  }
}

function parseEnvelope(text: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.success !== 'boolean' || typeof value.message !== 'string') {
    return undefined;
  }
  if (!('data' in value) && value.success) return undefined;
  return { success: value.success, message: value.message, data: value.data };
}

/** Polls `GET /api/status` until it answers 200; rejects after `timeoutMs` or as soon as `gaveUp()` says so. */
export async function waitForStatus(
  baseUrl: string,
  timeoutMs: number,
  gaveUp: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    const reason = gaveUp();
    if (reason !== undefined) throw new Error(reason);
    try {
      const response = await fetch(new URL('/api/status', baseUrl), { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = errorMessage(error);
    }
    if (Date.now() > deadline) {
      throw new Error(`GET ${baseUrl}/api/status did not answer 200 within ${timeoutMs} ms (last: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
