import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import {
  logRows,
  startTestGateway,
  type TestGateway,
  mockAnthropicChannel,
} from '../support/test-gateway.ts';
import { burstOfRequests, chatCall, createPayer, ledgerSum, type Payer } from './credits-scenarios.ts';

/**
 * Credits and rate limits on one node (SQLite + in-memory limits): exact holds under concurrency,
 * exact sliding-window limits, and what streams and failures are charged.
 */
describe('credits and rate limits on one node', () => {
  let mock: MockUpstream;
  let test: TestGateway;

  const payer = (balance: number, keyFields: Record<string, unknown> = {}): Promise<Payer> =>
    createPayer(test, balance, keyFields);
  /** Held credits come back in batches off the request path: write them now. */
  const settleAll = async () => {
    await test.gateway.logWriter.flush();
    await test.gateway.billing.settlements.flush();
  };

  beforeAll(async () => {
    mock = await startMockUpstream();
    test = await startTestGateway();
    await test.addChannel({
      name: 'mock',
      provider: 'openai',
      base_url: `${mock.url}/v1`,
      api_key: 'sk-upstream',
      models: ['gpt-4o-mini', 'gpt-4o', 'gpt-image-1'],
    });
    // Answers in Anthropic's format, translated for OpenAI clients.
    await test.addChannel(mockAnthropicChannel(mock.url));
    await test.api('PUT', '/api/model/claude-sonnet-4-5', { price: { per_request: 1_000 } }, test.adminToken);
    // gpt-4o-mini: a flat 1,000 per request, so a hold is exactly the charge.
    // gpt-4o: per token only, so what a stream generated decides its charge.
    await test.api('PUT', '/api/model/gpt-4o-mini', { price: { per_request: 1_000 } }, test.adminToken);
    await test.api(
      'PUT',
      '/api/model/gpt-4o',
      { price: { input: 1_000_000, output: 2_000_000 } },
      test.adminToken,
    );
  });
  afterAll(async () => {
    await test?.close();
    await mock?.close();
  });

  it('serves exactly as many of 200 concurrent requests as the balance covers', async () => {
    const user = await payer(50 * 1_000);
    const statuses = await burstOfRequests([test.url], user.key, 200);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(statuses.filter((status) => status === 402)).toHaveLength(150);
    await settleAll();
    const self = await test.api('GET', '/api/user/self', undefined, user.token);
    expect(self.body.data.balance).toBe(0);
    expect(await ledgerSum(test, user)).toBe(0);
  });

  it('refuses with 402 in the client format, naming what is missing', async () => {
    const user = await payer(500);
    const answer = await chatCall(test.url, user.key);
    expect(answer.status).toBe(402);
    expect(answer.body).toMatchObject({ error: { code: 'insufficient_credits' } });
    expect(JSON.stringify(answer.body)).toContain('balance is 0.0005');
    expect(answer.headers.get('x-credits-remaining')).toBe('500');
  });

  it('tells a whole answer its charge and the balance left', async () => {
    const user = await payer(10_000);
    const answer = await chatCall(test.url, user.key);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-credits-consumed')).toBe('1000');
    expect(answer.headers.get('x-credits-remaining')).toBe('9000');
    const [row] = await logRows(test, `?request_id=${answer.headers.get('x-request-id')}`);
    expect(row).toMatchObject({ credits: 1_000 });
  });

  it("stops a key at its own credit limit, whatever the user's balance", async () => {
    const user = await payer(1_000_000, { credit_limit: 2_500 });
    const statuses = await burstOfRequests([test.url], user.key, 5);
    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
    const refused = await chatCall(test.url, user.key);
    expect(refused.status).toBe(402);
    expect(JSON.stringify(refused.body)).toContain("this API key's credit limit of 0.0025");
    await settleAll();
    const keys = await test.api('GET', '/api/token/', undefined, user.token);
    expect((keys.body.data as unknown as { credit_used: number }[])[0]?.credit_used).toBe(2_000);
  });

  it("lets exactly a key's RPM through a burst of 100, with the x-ratelimit headers", async () => {
    const user = await payer(10_000_000, { rpm: 30 });
    const statuses = await burstOfRequests([test.url], user.key, 100);
    expect(statuses.filter((status) => status === 200)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(70);
    const refused = await chatCall(test.url, user.key);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('30');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(JSON.stringify(refused.body)).toContain('30 requests per minute');
    // Refused requests were never held: only the 30 served were charged.
    await settleAll();
    const self = await test.api('GET', '/api/user/self', undefined, user.token);
    expect(self.body.data.balance).toBe(10_000_000 - 30 * 1_000);
  });

  it("applies the user's plan, which a key's own limit can only lower", async () => {
    await test.api('PUT', '/api/plan/free', { rpm: 5, models: ['gpt-4o-mini'] }, test.adminToken);
    const user = await payer(10_000_000, { rpm: 100 });
    await test.api('PUT', `/api/user/${user.userId}`, { plan: 'free' }, test.adminToken);
    const statuses = await burstOfRequests([test.url], user.key, 12);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    const otherModel = await chatCall(test.url, user.key, { model: 'gpt-4o' });
    expect(otherModel.status).toBe(403);
    expect(JSON.stringify(otherModel.body)).toContain("plan 'free' does not include model 'gpt-4o'");
  });

  it('charges a stream cut mid-way for what it generated, and a failed call nothing', async () => {
    const user = await payer(1_000_000);
    mock.enqueue({ kind: 'cut', afterChunks: 3, reply: { kind: 'chat', content: 'a b c d e f', chunks: 6 } });
    const cut = await chatCall(test.url, user.key, { model: 'gpt-4o', stream: true });
    expect(cut.status).toBe(200);
    // A stream shows its hold up front; the final figure is in the log.
    const held = Number(cut.headers.get('x-credits-consumed'));
    expect(held).toBeGreaterThan(0);
    await settleAll();
    const [cutRow] = await logRows(test, `?request_id=${cut.headers.get('x-request-id')}`);
    const usage = cutRow!.usage as { prompt_tokens: number; completion_tokens: number };
    expect(usage.completion_tokens).toBeGreaterThan(0);
    const charged = usage.prompt_tokens + 2 * usage.completion_tokens;
    expect(cutRow).toMatchObject({ status: 502, credits: charged });
    let self = await test.api('GET', '/api/user/self', undefined, user.token);
    expect(self.body.data.balance).toBe(1_000_000 - charged);

    mock.enqueue({ kind: 'error', status: 500 });
    const failed = await chatCall(test.url, user.key, { model: 'gpt-4o' });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await settleAll();
    self = await test.api('GET', '/api/user/self', undefined, user.token);
    expect(self.body.data.balance).toBe(1_000_000 - charged);
    expect(await ledgerSum(test, user)).toBe(1_000_000 - charged);
  });

  // The upstream did answer, but with nothing the client could be given: the client gets a 502, and
  // what it did not get it does not pay for.
  it('charges nothing for an answer that could not be decoded', async () => {
    const user = await payer(1_000_000);
    mock.enqueue({
      kind: 'raw',
      headers: { 'content-type': 'application/json' },
      body: '{"id":"msg_cut","type":"message","role":"assistant","content":[{"type":"te',
    });
    const answer = await chatCall(test.url, user.key, { model: 'claude-sonnet-4-5' });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ error: { code: 'upstream_error' } });
    await settleAll();
    const [row] = await logRows(test, `?request_id=${answer.headers.get('x-request-id')}`);
    expect(row).toMatchObject({ status: 502, credits: 0 });
    const self = await test.api('GET', '/api/user/self', undefined, user.token);
    expect(self.body.data.balance).toBe(1_000_000);
    expect(await ledgerSum(test, user)).toBe(1_000_000);
  });

  // An image model priced only by the token: what a request may cost is known only once the image
  // is made, yet a user without credits or a key at its limit is still refused.
  it('refuses a request whose worst case costs nothing when there are no credits for it', async () => {
    await test.api(
      'PUT',
      '/api/model/gpt-image-1',
      { price: { input: 5_000_000, output: 40_000_000 } },
      test.adminToken,
    );
    const generate = (key: string) =>
      fetch(`${test.url}/v1/images/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'a fox' }),
      });
    const broke = await payer(0);
    const refused = await generate(broke.key);
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: { code: 'insufficient_credits' } });
    const spent = await payer(1_000_000, { credit_limit: 1 });
    expect((await generate(spent.key)).status).toBe(200);
    await settleAll();
    const atLimit = await generate(spent.key);
    expect(atLimit.status).toBe(402);
    expect(JSON.stringify(await atLimit.json())).toContain("this API key's credit limit");
    expect(mock.requests.filter((request) => request.path === '/v1/images/generations')).toHaveLength(1);
  });

  // The upstream's mid-stream error, and a stream closed cleanly before its finish reason and [DONE]
  // (a proxy's timeout): the client has the text it got, so it pays for that, and the log says 502.
  it('charges a stream the upstream broke for what it generated, and logs it as failed', async () => {
    for (const broken of [{ streamErrorAfterChunks: 4 }, { streamEndAfterChunks: 4 }]) {
      const user = await payer(1_000_000);
      mock.enqueue({ kind: 'chat', content: 'a b c d e f', chunks: 6, ...broken });
      const answer = await chatCall(test.url, user.key, { model: 'gpt-4o', stream: true });
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('data: {"error"');
      expect(answer.body).not.toContain('[DONE]');
      await settleAll();
      const [row] = await logRows(test, `?request_id=${answer.headers.get('x-request-id')}`);
      const usage = row!.usage as { prompt_tokens: number; completion_tokens: number };
      expect(usage.completion_tokens).toBeGreaterThan(0);
      const charged = usage.prompt_tokens + 2 * usage.completion_tokens;
      expect(row).toMatchObject({ status: 502, error_code: 'upstream_stream_error', credits: charged });
      const self = await test.api('GET', '/api/user/self', undefined, user.token);
      expect(self.body.data.balance).toBe(1_000_000 - charged);
      expect(await ledgerSum(test, user)).toBe(1_000_000 - charged);
    }
  });

  it('answers callers without a valid key with 429 once their address is over its limit', async () => {
    const limited = await startTestGateway({ env: { RATE_LIMIT_IP_RPM: '3' } });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 5; index += 1) {
        statuses.push((await chatCall(limited.url, `sk-${'x'.repeat(48)}`)).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  it('lets requests through when Redis is down, or answers 503 when told to fail closed', async () => {
    const unreachable = 'redis://127.0.0.1:1';
    for (const [failOpen, expected] of [
      ['true', 200],
      ['false', 503],
    ] as const) {
      const node = await startTestGateway({
        env: { REDIS_URL: unreachable, RATE_LIMIT_FAIL_OPEN: failOpen },
      });
      try {
        await node.addChannel({
          name: 'mock',
          provider: 'openai',
          base_url: `${mock.url}/v1`,
          api_key: 'sk-upstream',
          models: ['gpt-4o-mini'],
        });
        const key = await node.createKey({ rpm: 10 });
        const answer = await chatCall(node.url, key);
        expect(answer.status).toBe(expected);
        if (expected === 503) {
          expect(answer.body).toMatchObject({ error: { code: 'service_unavailable' } });
          expect(answer.headers.get('retry-after')).toBe('1');
        }
        const status = await node.api('GET', '/api/status');
        expect(status.body.data.limits).toEqual({ backend: 'redis', status: 'unavailable' });
      } finally {
        await node.close();
      }
    }
  });

  it('counts requests, credits and refusals in GET /metrics', async () => {
    const response = await fetch(`${test.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    expect(
      value(/^switchboard_requests_total\{surface="openai",model="gpt-4o-mini",status="200"\} (\d+)/m),
    ).toBeGreaterThanOrEqual(50);
    expect(value(/^switchboard_credits_total\{model="gpt-4o-mini"\} (\d+)/m)).toBeGreaterThanOrEqual(50_000);
    expect(value(/^switchboard_ratelimit_refusals_total\{scope="key"\} (\d+)/m)).toBeGreaterThanOrEqual(70);
    expect(value(/^switchboard_ratelimit_refusals_total\{scope="plan"\} (\d+)/m)).toBeGreaterThanOrEqual(7);
    expect(value(/^switchboard_credit_refusals_total (\d+)/m)).toBeGreaterThanOrEqual(150);
    expect(text).toMatch(/^switchboard_channel_breaker_state\{channel="mock"\} 0/m);
  });
});
