import type { ManagementClient } from '../support/test-gateway.ts';

export type { ManagementClient };

/** A paying user: their id, a session, and one key. */
export interface Payer {
  userId: number;
  token: string;
  key: string;
}

export interface ChatAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One OpenAI chat call (whole or streamed, read to the end). */
export async function chatCall(
  baseUrl: string,
  key: string,
  options: { model?: string; stream?: boolean } = {},
): Promise<ChatAnswer> {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: options.model ?? 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: options.stream ?? false,
    }),
  });
  const text = await response.text().catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A stream's text stays as it is.
  }
  return { status: response.status, headers: response.headers, body };
}

/** `count` requests at once, spread round-robin over the nodes; their statuses. */
export function burstOfRequests(nodes: readonly string[], key: string, count: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: count },
      async (_, index) => (await chatCall(nodes[index % nodes.length]!, key)).status,
    ),
  );
}

/** A ledger row as the admin API lists it. */
export interface LedgerEntry {
  kind: string;
  amount: number;
  request_id: string | null;
}

/** The user's ledger rows (admin view, every page), newest first. */
export async function ledgerRows(
  client: ManagementClient,
  payer: Pick<Payer, 'userId'>,
): Promise<LedgerEntry[]> {
  const rows: LedgerEntry[] = [];
  let beforeId: unknown = undefined;
  for (;;) {
    const query = beforeId === undefined ? '?limit=200' : `?limit=200&before_id=${String(beforeId)}`;
    const page = await client.api(
      'GET',
      `/api/user/${payer.userId}/ledger${query}`,
      undefined,
      client.adminToken,
    );
    for (const row of page.body.data.items ?? []) {
      rows.push({
        kind: String(row.kind),
        amount: Number(row.amount),
        request_id: row.request_id === null ? null : String(row.request_id),
      });
    }
    beforeId = page.body.data.next_before_id;
    if (beforeId === null || beforeId === undefined) return rows;
  }
}

/** The user's ledger rows summed. */
export async function ledgerSum(client: ManagementClient, payer: Pick<Payer, 'userId'>): Promise<number> {
  return (await ledgerRows(client, payer)).reduce((sum, row) => sum + row.amount, 0);
}

/** Creates a user with `balance` micro-credits (a top-up) and a key with `keyFields`. */
export async function createPayer(
  client: ManagementClient,
  balance: number,
  keyFields: Record<string, unknown> = {},
): Promise<Payer> {
  const name = `payer${Math.random().toString(36).slice(2, 10)}`;
  const created = await client.api(
    'POST',
    '/api/user/',
    { username: name, password: 'password-123' },
    client.adminToken,
  );
  const userId = Number(created.body.data.id);
  if (balance > 0) await client.api('PUT', `/api/user/${userId}`, { top_up: balance }, client.adminToken);
  const login = await client.api('POST', '/api/user/login', { username: name, password: 'password-123' });
  const token = String(login.body.data.token);
  const key = await client.api('POST', '/api/token/', { name: 'k', ...keyFields }, token);
  if (key.status !== 200) throw new Error(`key not created: ${JSON.stringify(key.body)}`);
  return { userId, token, key: String(key.body.data.key) };
}
