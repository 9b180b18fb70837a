import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';

let mock: MockUpstream;
let test: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream();
  test = await startTestGateway();
  const channel = { provider: 'openai', base_url: `${mock.url}/v1`, api_key: 'k', models: ['priced-model'] };
  await test.addChannel({ ...channel, name: 'premium', priority: 10, costs: { 'priced-model': 900_000 } });
  await test.addChannel({ ...channel, name: 'budget', priority: 0, costs: { '*': 100_000 } });
  await test.addChannel({ ...channel, name: 'unpriced', priority: 20 });
  client = new OpenAI({ apiKey: await test.createKey(), baseURL: `${test.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await test?.close();
  await mock?.close();
});

const servedBy = async () => {
  const { response } = await client.chat.completions
    .create({ model: 'priced-model', messages: [{ role: 'user', content: 'hi' }] })
    .withResponse();
  return response.headers.get('x-switchboard-channel');
};

describe('routing strategy per model', () => {
  it('priority by default, cheapest when the catalog says so, by each channel cost for the model', async () => {
    expect(await servedBy()).toBe('unpriced');
    const set = await test.api('PUT', '/api/model/priced-model', { strategy: 'cheapest' }, test.adminToken);
    expect(set.status).toBe(200);
    expect(await servedBy()).toBe('budget');
    const channels = await test.api('GET', '/api/channel/', undefined, test.adminToken);
    const premium = (channels.body.data as unknown as { name: string; costs: unknown }[]).find(
      (channel) => channel.name === 'premium',
    );
    expect(premium?.costs).toEqual({ 'priced-model': 900_000 });
  });

  it('refuses a negative or fractional cost, naming the field', async () => {
    const bad = await test.api(
      'POST',
      '/api/channel/',
      { name: 'x', provider: 'openai', api_key: 'k', models: ['m'], costs: { m: -1 } },
      test.adminToken,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.message).toContain('costs');
  });
});
