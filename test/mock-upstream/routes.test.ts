import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.ts';
import { readResponseText, splitSseData } from './read-response-text.ts';

type Json = Record<string, unknown>;

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ anthropicModels: ['claude-a', 'claude-b'] });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

const messages = [{ role: 'user', content: 'hi' }];

describe('Azure OpenAI', () => {
  it('serves deployment paths with the api-key header, naming the model after the deployment', async () => {
    const response = await fetch(
      `${mock.url}/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21`,
      { method: 'POST', headers: { 'api-key': 'azure-key' }, body: JSON.stringify({ messages }) },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      model: 'my-gpt4o',
      choices: [{ message: { content: 'echo: hi' } }],
    });
    expect(mock.requests[0]).toMatchObject({
      path: '/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21',
      apiKey: 'azure-key',
    });
  });

  it('serves the /openai/v1 path', async () => {
    const response = await fetch(`${mock.url}/openai/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o', messages }),
    });
    expect(await response.json()).toMatchObject({ model: 'gpt-4o' });
  });
});

describe('OpenAI chat', () => {
  it('records a Bearer key, and sends an error payload mid-stream without [DONE]', async () => {
    mock.enqueue({ kind: 'chat', content: 'abcdef', chunks: 3, streamErrorAfterChunks: 2 });
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-openai' },
      body: JSON.stringify({ model: 'gpt-4o', messages, stream: true }),
    });
    expect(response.status).toBe(200);
    const { text, error } = await readResponseText(response);
    expect(error).toBeUndefined();
    const data = splitSseData(text);
    expect(data).toHaveLength(3);
    expect(JSON.parse(data[2] ?? '')).toEqual({
      error: { message: expect.any(String), type: 'server_error', param: null, code: null },
    });
    expect(mock.requests[0]?.apiKey).toBe('sk-openai');
  });

  it('ignores streamErrorAfterChunks for a non-streaming request', async () => {
    mock.enqueue({ kind: 'chat', content: 'whole', streamErrorAfterChunks: 0 });
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o', messages }),
    });
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: 'whole' } }] });
  });
});

describe('model lists', () => {
  it('lists Anthropic models for a request with an anthropic-version header, OpenAI ones otherwise', async () => {
    const anthropic = (await (
      await fetch(`${mock.url}/v1/models`, {
        headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'k' },
      })
    ).json()) as { data: Json[]; has_more: boolean; first_id: string; last_id: string };
    expect(anthropic.data.map((model) => [model.type, model.id])).toEqual([
      ['model', 'claude-a'],
      ['model', 'claude-b'],
    ]);
    expect(anthropic).toMatchObject({ has_more: false, first_id: 'claude-a', last_id: 'claude-b' });
    const openai = (await (await fetch(`${mock.url}/v1/models`)).json()) as { object: string };
    expect(openai.object).toBe('list');
  });

  it('answers unknown paths with 404, in Google’s shape under /v1beta', async () => {
    const google = await fetch(`${mock.url}/v1beta/models/gemini-2.5-flash:countTokens`, { method: 'POST' });
    expect(google.status).toBe(404);
    expect(await google.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    const openai = await fetch(`${mock.url}/v2/messages`, { method: 'POST' });
    expect(openai.status).toBe(404);
    expect(await openai.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
