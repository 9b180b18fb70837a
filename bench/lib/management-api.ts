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

/** Micro-credits per request and per million tokens (API.md §4). */
export interface ModelPriceInput {
  per_request: number;
  input: number;
  cached_input: number;
  output: number;
}

/** The parts of `GET /api/user/self` the benchmark reads. */
export interface SelfUser {
  id: number;
  /** Micro-credits. */
  balance: number;
}

/** The parts of a `GET /api/log/` row the benchmark reads. */
export interface LogRow {
  request_id: string;
  model: string;
  status: number;
  /** Admins only: the channel that answered, and every channel tried. */
  channel_id: number | null;
  attempts: { channel: number; outcome: string }[];
  /** Micro-credits charged. */
  credits: number;
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

  /** `POST /api/channel/` (admin) → the new channel's `data.id`. */
  async createChannel(channel: ChannelInput): Promise<number> {
    const data = await this.call('POST', '/api/channel/', channel);
    const id = isRecord(data) ? data.id : undefined;
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) {
      throw new ManagementApiError(
        `POST /api/channel/: expected data.id, a positive integer; got ${shape(data)}`,
      );
    }
    return id;
  }

  /**
   * `PUT /api/model/{id}` (admin) with a body of only `price`: prices a catalog model without
   * overriding anything else of it. The answer must show the price given.
   */
  async priceModel(model: string, price: ModelPriceInput): Promise<void> {
    const what = `PUT /api/model/${model}`;
    const data = await this.call('PUT', `/api/model/${encodeURIComponent(model)}`, { price });
    const shown = isRecord(data) ? data.price : undefined;
    const wrong = Object.entries(price).filter(
      ([field, value]) => !isRecord(shown) || shown[field] !== value,
    );
    if (wrong.length > 0) {
      throw new ManagementApiError(
        `${what}: expected data.price to be ${JSON.stringify(price)}, got ${JSON.stringify(shown ?? null)}`,
      );
    }
  }

  /** `POST /api/user/` (admin) → the new user's id and balance. */
  async createUser(username: string, password: string): Promise<SelfUser> {
    const data = await this.call('POST', '/api/user/', { username, password, role: 'user' });
    return userOf('POST /api/user/', data);
  }

  /** `GET /api/user/{id}` (admin) → the user's id and balance. */
  async user(id: number): Promise<SelfUser> {
    const data = await this.call('GET', `/api/user/${id}`);
    return userOf(`GET /api/user/${id}`, data);
  }

  /** `GET /api/user/self` → the signed-in user's id and balance. */
  async self(): Promise<SelfUser> {
    const data = await this.call('GET', '/api/user/self');
    return userOf('GET /api/user/self', data);
  }

  /** `PUT /api/user/{id}` (admin) with `top_up` micro-credits → the user's balance after it. */
  async topUp(userId: number, amount: number): Promise<SelfUser> {
    const data = await this.call('PUT', `/api/user/${userId}`, { top_up: amount, note: 'benchmark' });
    return userOf(`PUT /api/user/${userId}`, data);
  }

  /** `GET /api/log/?…` → the newest rows first. */
  async logs(query: Record<string, string | number>): Promise<LogRow[]> {
    const search = new URLSearchParams(Object.entries(query).map(([name, value]) => [name, String(value)]));
    const what = `GET /api/log/?${search.toString()}`;
    const data = await this.call('GET', `/api/log/?${search.toString()}`);
    const items = isRecord(data) ? data.items : undefined;
    if (!Array.isArray(items)) {
      throw new ManagementApiError(`${what}: expected data.items, an array; got ${shape(data)}`);
    }
    return items.map((item: unknown) => {
      const valid =
        isRecord(item) &&
        typeof item.request_id === 'string' &&
        typeof item.model === 'string' &&
        typeof item.status === 'number' &&
        (item.channel_id === null || typeof item.channel_id === 'number') &&
        Array.isArray(item.attempts) &&
        typeof item.credits === 'number';
      if (!valid) {
        throw new ManagementApiError(
          `${what}: expected items {request_id, model, status, channel_id, attempts, credits}, got ${shape(item)}`,
        );
      }
      return item as unknown as LogRow;
    });
  }

  /**
   * `POST /api/token/` → `data.key`, the full `sk-` + 48 base62 key (shown only once). `limits` are
   * the key's requests and tokens per minute.
   */
  async createApiKey(name: string, limits: { rpm: number; tpm: number }): Promise<string> {
    const data = await this.call('POST', '/api/token/', { name, ...limits });
    const key = isRecord(data) ? data.key : undefined;
    if (typeof key !== 'string' || !API_KEY_PATTERN.test(key)) {
      const shown = typeof key === 'string' ? `"${key.slice(0, 6)}…" (${key.length} chars)` : String(key);
      throw new ManagementApiError(
        `POST /api/token/: expected data.key to be the full key, "sk-" + 48 base62 characters; got ${shown}`,
      );
    }
    return key;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const what = `${method} ${path}`;
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.sessionToken !== undefined) headers.authorization = this.sessionToken;
    let response: Response;
    let text: string;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
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

function userOf(what: string, data: unknown): SelfUser {
  if (!isRecord(data) || typeof data.id !== 'number' || typeof data.balance !== 'number') {
    throw new ManagementApiError(
      `${what}: expected data {id: number, balance: number, …}, got ${shape(data)}`,
    );
  }
  return { id: data.id, balance: data.balance };
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
