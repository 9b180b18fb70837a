/**
 * `POST /v1beta/models/{model}:embedContent` and `:batchEmbedContents` end to end through the
 * official Google GenAI SDK (`@google/genai`, whose `models.embedContent` calls batchEmbedContents
 * even for one content): an OpenAI-format channel (translated, with warnings for what it cannot
 * take) and a Gemini channel (the body passed through), the scope, bad input, the log row.
 */
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { mockEmbedding } from '../mock-upstream/mock-embedding.ts';
import { logRows, startTestGateway, type TestGateway } from '../support/test-gateway.ts';
import { parseWarningsHeader } from './matrix/matrix-setup.ts';

let test: TestGateway;
let openai: MockUpstream;
let google: MockUpstream;
let key: string;
let ai: GoogleGenAI;

beforeAll(async () => {
  test = await startTestGateway();
  [openai, google] = await Promise.all([startMockUpstream(), startMockUpstream()]);
  await test.addChannel({
    name: 'openai',
    provider: 'openai',
    base_url: `${openai.url}/v1`,
    api_key: 'sk-openai',
    models: ['embed-openai'],
    model_map: { 'embed-openai': 'text-embedding-3-small' },
  });
  await test.addChannel({
    name: 'google',
    provider: 'gemini',
    base_url: google.url,
    api_key: 'gk-google',
    models: ['embed-gemini'],
    model_map: { 'embed-gemini': 'gemini-embedding-001' },
  });
  key = await test.createKey();
  ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: test.url } });
});
afterAll(async () => {
  await test?.close();
  await Promise.all([openai, google].map((mock) => mock?.close()));
});
beforeEach(() => {
  openai.reset();
  google.reset();
});

const rowOf = async (requestId: string | undefined) => {
  const rows = await logRows(test, `?request_id=${requestId}`);
  expect(rows).toHaveLength(1);
  return rows[0]!;
};

/** A raw call to the Gemini surface, the key as `?key=` (as Google's REST docs show it). */
async function post(path: string, body: unknown, apiKey = key) {
  const response = await fetch(`${test.url}/v1beta/models/${path}?key=${apiKey}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { response, json: (await response.json()) as Record<string, unknown> };
}

describe('the @google/genai SDK', () => {
  it('embeds through an OpenAI-format channel: dimensions mapped, taskType and title dropped with warnings', async () => {
    const response = await ai.models.embedContent({
      model: 'embed-openai',
      contents: ['alpha', 'beta'],
      config: { outputDimensionality: 8, taskType: 'RETRIEVAL_DOCUMENT', title: 'Greek letters' },
    });
    expect(response.embeddings?.map((embedding) => embedding.values)).toEqual([
      mockEmbedding('alpha', 8),
      mockEmbedding('beta', 8),
    ]);
    expect(openai.requests).toHaveLength(1);
    expect(openai.requests[0]!.path).toBe('/v1/embeddings');
    expect(openai.requests[0]!.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta'],
      dimensions: 8,
      encoding_format: 'float',
    });
    const headers = response.sdkHttpResponse?.headers ?? {};
    const warnings = parseWarningsHeader(headers['x-switchboard-warnings']);
    expect(warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', field: 'requests[].taskType' }),
      expect.objectContaining({ type: 'unsupported-setting', field: 'requests[].title' }),
    ]);
    const row = await rowOf(headers['x-request-id']);
    expect(row).toMatchObject({
      endpoint: '/v1beta/models:batchEmbedContents',
      model: 'embed-openai',
      status: 200,
      usage: { completion_tokens: 0, estimated: false },
    });
    expect((row.usage as { prompt_tokens: number }).prompt_tokens).toBeGreaterThan(0);
    expect(row.warnings).toEqual(warnings);
  });

  it('embeds one content through a Gemini channel: the body goes through, taskType and title kept', async () => {
    const response = await ai.models.embedContent({
      model: 'embed-gemini',
      contents: 'hello',
      config: { outputDimensionality: 4, taskType: 'RETRIEVAL_DOCUMENT', title: 'Greeting' },
    });
    expect(response.embeddings?.map((embedding) => embedding.values)).toEqual([mockEmbedding('hello', 4)]);
    expect(google.requests).toHaveLength(1);
    expect(google.requests[0]!.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(google.requests[0]!.apiKey).toBe('gk-google');
    expect(google.requests[0]!.body).toEqual({
      requests: [
        {
          content: { role: 'user', parts: [{ text: 'hello' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
          title: 'Greeting',
          outputDimensionality: 4,
          model: 'models/gemini-embedding-001',
        },
      ],
    });
    const headers = response.sdkHttpResponse?.headers ?? {};
    expect(headers['x-switchboard-warnings']).toBeUndefined();
    // Gemini reports no tokens for embeddings: the gateway estimates, and says so in the log.
    const row = await rowOf(headers['x-request-id']);
    expect(row).toMatchObject({
      endpoint: '/v1beta/models:batchEmbedContents',
      model: 'embed-gemini',
      status: 200,
      usage: { estimated: true },
    });
  });

  it('is refused with a 403 naming the scope when the key lacks llm-embeddings', async () => {
    const chatOnly = new GoogleGenAI({
      apiKey: await test.createKey({ scopes: ['llm-chat'] }),
      httpOptions: { baseUrl: test.url },
    });
    const error = await chatOnly.models
      .embedContent({ model: 'embed-openai', contents: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
    expect((error as ApiError).message).toContain("'llm-embeddings'");
    expect(openai.requests).toHaveLength(0);

    const embeddingsOnly = new GoogleGenAI({
      apiKey: await test.createKey({ scopes: ['llm-embeddings'] }),
      httpOptions: { baseUrl: test.url },
    });
    const response = await embeddingsOnly.models.embedContent({ model: 'embed-openai', contents: 'ok' });
    expect(response.embeddings).toHaveLength(1);
  });
});

describe('POST :embedContent', () => {
  it.each([
    ['an OpenAI-format channel', 'embed-openai'],
    ['a Gemini channel', 'embed-gemini'],
  ])('answers {embedding: {values}} from %s', async (_name, model) => {
    const { response, json } = await post(`${model}:embedContent`, {
      model: `models/${model}`,
      content: { parts: [{ text: 'one' }] },
      outputDimensionality: 3,
    });
    expect(response.status).toBe(200);
    expect(json.embedding).toEqual({ values: mockEmbedding('one', 3) });
    expect(json.embeddings).toBeUndefined();
  });

  it('sends embedContent to a Gemini channel under its model name', async () => {
    await post('embed-gemini:embedContent', {
      model: 'models/embed-gemini',
      content: { parts: [{ text: 'one' }] },
      taskType: 'SEMANTIC_SIMILARITY',
    });
    expect(google.requests[0]!.path).toBe('/v1beta/models/gemini-embedding-001:embedContent');
    expect(google.requests[0]!.body).toEqual({
      model: 'models/gemini-embedding-001',
      content: { parts: [{ text: 'one' }] },
      taskType: 'SEMANTIC_SIMILARITY',
    });
  });

  it('sends one string to an OpenAI-format channel', async () => {
    await post('embed-openai:embedContent', { content: { parts: [{ text: 'one' }] } });
    expect(openai.requests[0]!.body).toEqual({
      model: 'text-embedding-3-small',
      input: 'one',
      encoding_format: 'float',
    });
  });
});

describe('bad input', () => {
  it.each([
    ['no content', 'embed-openai:embedContent', {}, 'content'],
    ['an empty text', 'embed-openai:embedContent', { content: { parts: [{ text: '' }] } }, 'content.parts'],
    [
      'zero dimensions',
      'embed-gemini:embedContent',
      { content: { parts: [{ text: 'x' }] }, outputDimensionality: 0 },
      'outputDimensionality',
    ],
    ['no requests', 'embed-gemini:batchEmbedContents', { requests: [] }, 'requests'],
    [
      'a request naming another model',
      'embed-openai:batchEmbedContents',
      { requests: [{ model: 'models/other', content: { parts: [{ text: 'x' }] } }] },
      'requests[0].model',
    ],
  ])('answers %s with a 400 in Google’s format naming the field', async (_name, path, body, field) => {
    const { response, json } = await post(path, body);
    expect(response.status).toBe(400);
    expect(json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect((json.error as { message: string }).message).toContain(`'${field}'`);
    expect(openai.requests).toHaveLength(0);
    expect(google.requests).toHaveLength(0);
  });

  it('answers an unknown model with a 404 in Google’s format', async () => {
    const { response, json } = await post('no-such-model:embedContent', {
      content: { parts: [{ text: 'x' }] },
    });
    expect(response.status).toBe(404);
    expect(json.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
  });
});
