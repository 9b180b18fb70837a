import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { speechAudio } from '../mock-upstream/mock-audio.ts';
import { mockEmbedding, mockPngBase64 } from '../mock-upstream/mock-embedding.ts';
import { logRows, startTestGateway, type TestGateway } from '../support/test-gateway.ts';

/**
 * `/v1/embeddings`, `/v1/images/generations` and `/v1/audio/speech` end to end through the official
 * OpenAI SDK: OpenAI-format and Gemini channels, scopes, failover, bad input, log rows; and the
 * `/api/v1` alias of the chat and model routes.
 */

let test: TestGateway;
let client: OpenAI;
/** The OpenAI-format channel every model falls back to. */
let openai: MockUpstream;
/** A higher-priority OpenAI-format channel for the failover models. */
let first: MockUpstream;
let google: MockUpstream;
let key: string;

beforeAll(async () => {
  test = await startTestGateway();
  [openai, first, google] = await Promise.all([
    startMockUpstream(),
    startMockUpstream(),
    startMockUpstream(),
  ]);
  await test.addChannel({
    name: 'openai',
    provider: 'openai',
    base_url: `${openai.url}/v1`,
    api_key: 'sk-openai',
    models: [
      'text-embedding-3-small',
      'text-embedding-3-large',
      'dall-e-3',
      'gpt-image-1',
      'tts-1',
      'tts-1-hd',
    ],
  });
  await test.addChannel({
    name: 'first',
    provider: 'openai',
    base_url: `${first.url}/v1`,
    api_key: 'sk-first',
    models: ['text-embedding-3-large', 'tts-1-hd', 'gpt-image-1'],
    priority: 10,
  });
  await test.addChannel({
    name: 'google',
    provider: 'gemini',
    base_url: google.url,
    api_key: 'gk-google',
    models: ['gemini-embedding-001', 'gemini-2.5-flash-image'],
  });
  key = await test.createKey();
  client = new OpenAI({ apiKey: key, baseURL: `${test.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await test?.close();
  await Promise.all([openai, first, google].map((mock) => mock?.close()));
});
beforeEach(() => {
  for (const mock of [openai, first, google]) mock.reset();
  test.gateway.routing.health.clear();
});

const rowOf = async (requestId: string) => {
  const rows = await logRows(test, `?request_id=${requestId}`);
  expect(rows).toHaveLength(1);
  return rows[0]!;
};

describe('POST /v1/embeddings', () => {
  it('relays a string to an OpenAI-format channel as sent, usage and all', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float' })
      .withResponse();
    expect(data.data).toHaveLength(1);
    expect(data.data[0]!.embedding).toEqual(mockEmbedding('hello world', 1536));
    expect(openai.requests[0]!.path).toBe('/v1/embeddings');
    expect(openai.requests[0]!.body).toEqual({
      model: 'text-embedding-3-small',
      input: 'hello world',
      encoding_format: 'float',
    });
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      endpoint: '/v1/embeddings',
      model: 'text-embedding-3-small',
      status: 200,
      usage: { prompt_tokens: data.usage.prompt_tokens, completion_tokens: 0, estimated: false },
    });
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('relays an array (the SDK asks for base64 and decodes it) to an OpenAI-format channel', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['one', 'two', 'three'],
      dimensions: 16,
    });
    expect(result.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(result.data.map((item) => item.embedding)).toEqual(
      ['one', 'two', 'three'].map((text) => mockEmbedding(text, 16)),
    );
  });

  it('passes token arrays through to an OpenAI-format channel', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: [
        [1, 2, 3],
        [4, 5],
      ],
      encoding_format: 'float',
    });
    expect(result.data).toHaveLength(2);
    expect((openai.requests[0]!.body as { input: unknown }).input).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('serves a string from a Gemini channel through embedContent, dimensions as outputDimensionality', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'gemini-embedding-001', input: 'hello', dimensions: 8, encoding_format: 'float' })
      .withResponse();
    expect(google.requests[0]!.path).toBe('/v1beta/models/gemini-embedding-001:embedContent');
    expect(google.requests[0]!.apiKey).toBe('gk-google');
    expect(google.requests[0]!.body).toEqual({
      content: { parts: [{ text: 'hello' }] },
      outputDimensionality: 8,
    });
    expect(data).toMatchObject({ object: 'list', model: 'gemini-embedding-001' });
    expect(data.data).toEqual([{ object: 'embedding', index: 0, embedding: mockEmbedding('hello', 8) }]);
    // Gemini reports no tokens for embeddings: the gateway estimates, and says so in the log.
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      endpoint: '/v1/embeddings',
      model: 'gemini-embedding-001',
      status: 200,
      usage: { prompt_tokens: data.usage.prompt_tokens, estimated: true },
    });
  });

  it('serves an array from a Gemini channel through batchEmbedContents, as base64 when asked', async () => {
    const texts = ['alpha', 'beta'];
    const result = await client.embeddings.create({
      model: 'gemini-embedding-001',
      input: texts,
      dimensions: 4,
    });
    expect(google.requests[0]!.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(google.requests[0]!.body).toEqual({
      requests: texts.map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
        outputDimensionality: 4,
      })),
    });
    // The SDK asked for base64 and decoded the gateway's float32s back.
    expect(result.data.map((item) => item.embedding)).toEqual(texts.map((text) => mockEmbedding(text, 4)));
    const raw = await fetch(`${test.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-embedding-001',
        input: 'x',
        dimensions: 2,
        encoding_format: 'base64',
      }),
    });
    const body = (await raw.json()) as { data: { embedding: unknown }[] };
    expect(typeof body.data[0]!.embedding).toBe('string');
  });

  it('refuses token arrays for a model only Gemini channels serve, naming the field', async () => {
    const error = await client.embeddings
      .create({ model: 'gemini-embedding-001', input: [[1, 2]], encoding_format: 'float' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toContain('token arrays');
    expect(google.requests).toHaveLength(0);
  });

  it('fails over to the next channel when the first answers 500', async () => {
    first.enqueue({ kind: 'error', status: 500 });
    const { data, response } = await client.embeddings
      .create({ model: 'text-embedding-3-large', input: 'again', encoding_format: 'float' })
      .withResponse();
    expect(data.data[0]!.embedding).toEqual(mockEmbedding('again', 3072));
    expect(first.requests).toHaveLength(1);
    expect(openai.requests).toHaveLength(1);
    expect(response.headers.get('x-switchboard-channel')).toBe('openai');
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect((row.attempts as { outcome: string }[]).map((attempt) => attempt.outcome)).toEqual(['500', 'ok']);
  });

  it.each([
    ['no input', { model: 'text-embedding-3-small' }, 'input'],
    ['an empty list', { model: 'text-embedding-3-small', input: [] }, 'input'],
    ['an empty string in a list', { model: 'text-embedding-3-small', input: ['a', ''] }, 'input[1]'],
    ['no model', { input: 'x' }, 'model'],
    [
      'a bad encoding',
      { model: 'text-embedding-3-small', input: 'x', encoding_format: 'hex' },
      'encoding_format',
    ],
    ['zero dimensions', { model: 'text-embedding-3-small', input: 'x', dimensions: 0 }, 'dimensions'],
  ])('answers %s with a 400 naming the field', async (_name, body, param) => {
    const error = await client.embeddings
      .create(body as unknown as OpenAI.EmbeddingCreateParams)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).param).toBe(param);
    expect((error as APIError).message).toContain(`'${param}'`);
    expect(openai.requests).toHaveLength(0);
  });
});

describe('POST /v1/images/generations', () => {
  it('relays DALL·E 3 as a URL from an OpenAI-format channel; one image is one unit', async () => {
    const { data, response } = await client.images
      .generate({ model: 'dall-e-3', prompt: 'a lighthouse', size: '1024x1024' })
      .withResponse();
    expect(data.data).toHaveLength(1);
    expect(data.data?.[0]?.url).toMatch(/^https:\/\/images\.mock-upstream\.invalid\/img-\w+\.png$/);
    expect(openai.requests[0]!.path).toBe('/v1/images/generations');
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ endpoint: '/v1/images/generations', model: 'dall-e-3', status: 200 });
  });

  it('relays gpt-image-1 as b64_json with its token usage', async () => {
    const result = await client.images.generate({ model: 'gpt-image-1', prompt: 'a fox', n: 2 });
    expect(result.data?.map((image) => image.b64_json)).toEqual([mockPngBase64, mockPngBase64]);
    expect(result.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('serves a Gemini image model through generateContent with IMAGE output, as b64_json', async () => {
    const { data, response } = await client.images
      .generate({
        model: 'gemini-2.5-flash-image',
        prompt: 'a cat',
        size: '1792x1024',
        response_format: 'b64_json',
      })
      .withResponse();
    expect(google.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(google.requests[0]!.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'a cat' }] }],
      generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9' } },
    });
    expect(data.data).toEqual([{ b64_json: mockPngBase64 }]);
    expect(data.created).toBeGreaterThan(0);
    expect(data.usage?.output_tokens).toBe(1290);
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      endpoint: '/v1/images/generations',
      model: 'gemini-2.5-flash-image',
      status: 200,
    });
  });

  it('answers a Gemini image as a data: URL when the client asks for url', async () => {
    const result = await client.images.generate({
      model: 'gemini-2.5-flash-image',
      prompt: 'two cats',
      n: 2,
      response_format: 'url',
    });
    expect((google.requests[0]!.body as { generationConfig: unknown }).generationConfig).toEqual({
      responseModalities: ['IMAGE'],
      candidateCount: 2,
    });
    expect(result.data?.map((image) => image.url)).toEqual([
      `data:image/png;base64,${mockPngBase64}`,
      `data:image/png;base64,${mockPngBase64}`,
    ]);
  });

  it('fails over to the next channel when the first answers 500', async () => {
    first.enqueue({ kind: 'error', status: 500 });
    const result = await client.images.generate({ model: 'gpt-image-1', prompt: 'retry me' });
    expect(result.data?.[0]?.b64_json).toBe(mockPngBase64);
    expect(first.requests).toHaveLength(1);
    expect(openai.requests).toHaveLength(1);
  });

  it.each([
    ['no prompt', { model: 'dall-e-3' }, 'prompt'],
    ['n out of range', { model: 'dall-e-3', prompt: 'x', n: 11 }, 'n'],
    ['a bad size', { model: 'dall-e-3', prompt: 'x', size: 'huge' }, 'size'],
    ['a bad response format', { model: 'dall-e-3', prompt: 'x', response_format: 'gif' }, 'response_format'],
  ])('answers %s with a 400 naming the field', async (_name, body, param) => {
    const error = await client.images
      .generate(body as unknown as OpenAI.ImageGenerateParams)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).param).toBe(param);
    expect(openai.requests).toHaveLength(0);
  });
});

describe('POST /v1/audio/speech', () => {
  it('streams the audio straight through: the first bytes arrive before the upstream sent the last', async () => {
    const input = 'The quick brown fox jumps over the lazy dog.';
    const delay = 150;
    openai.enqueue({ kind: 'echo', chunks: 4, delayBetweenChunksMs: delay });
    const startedAt = Date.now();
    const response = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input,
      response_format: 'wav',
    });
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    let firstAt: number | undefined;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      firstAt ??= Date.now() - startedAt;
      chunks.push(value);
    }
    const endedAt = Date.now() - startedAt;
    // The mock spends 3 × 150 ms between its first and its last chunk.
    expect(firstAt!).toBeLessThan(endedAt - 2 * delay);
    const file = join(tmpdir(), `switchboard-speech-${process.pid}.wav`);
    await writeFile(file, Buffer.concat(chunks));
    const saved = await readFile(file);
    await rm(file);
    expect(saved.equals(speechAudio('wav', input))).toBe(true);
    expect(saved.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ endpoint: '/v1/audio/speech', model: 'tts-1', status: 200 });
  });

  it.each([
    ['mp3', 'audio/mpeg', [0xff, 0xfb]],
    ['opus', 'audio/opus', [...Buffer.from('OggS')]],
    ['aac', 'audio/aac', [0xff, 0xf1]],
    ['flac', 'audio/flac', [...Buffer.from('fLaC')]],
    ['pcm', 'audio/pcm', []],
  ] as const)('relays %s with the upstream content type', async (format, contentType, magic) => {
    const response = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'nova',
      input: 'hi there',
      response_format: format,
    });
    expect(response.headers.get('content-type')).toBe(contentType);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(speechAudio(format, 'hi there'))).toBe(true);
    expect([...bytes.subarray(0, magic.length)]).toEqual(magic);
  });

  it('fails over to the next channel when the first answers 500, or cuts before any audio', async () => {
    first.enqueue({ kind: 'error', status: 500 }, { kind: 'cut', afterChunks: 0 });
    for (let attempt = 0; attempt < 2; attempt++) {
      test.gateway.routing.health.clear();
      const response = await client.audio.speech.create({
        model: 'tts-1-hd',
        voice: 'alloy',
        input: 'backup',
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.equals(speechAudio('mp3', 'backup'))).toBe(true);
    }
    expect(first.requests).toHaveLength(2);
    expect(openai.requests).toHaveLength(2);
  });

  it('drops the connection when the upstream breaks off mid-audio, and logs the failure', async () => {
    openai.enqueue({
      kind: 'cut',
      afterChunks: 2,
      reply: { kind: 'echo', chunks: 4, delayBetweenChunksMs: 20 },
    });
    const failure = await client.audio.speech
      .create({ model: 'tts-1', voice: 'alloy', input: 'cut me off' })
      .then((response) => response.arrayBuffer())
      .catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(Error);
    const rows = await logRows(test, '?model=tts-1');
    expect(rows[0]).toMatchObject({ endpoint: '/v1/audio/speech', status: 502 });
  });

  it.each([
    ['no input', { model: 'tts-1', voice: 'alloy' }, 'input'],
    ['no voice', { model: 'tts-1', input: 'x' }, 'voice'],
    [
      'an unknown format',
      { model: 'tts-1', voice: 'alloy', input: 'x', response_format: 'ogg' },
      'response_format',
    ],
    ['a speed out of range', { model: 'tts-1', voice: 'alloy', input: 'x', speed: 5 }, 'speed'],
    ['too long an input', { model: 'tts-1', voice: 'alloy', input: 'x'.repeat(4097) }, 'input'],
  ])('answers %s with a 400 naming the field', async (_name, body, param) => {
    const error = await client.audio.speech
      .create(body as unknown as OpenAI.Audio.SpeechCreateParams)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).param).toBe(param);
    expect(openai.requests).toHaveLength(0);
  });
});

describe('scopes', () => {
  it('refuses each route to a key without its scope, with a 403 naming the scope', async () => {
    const chatOnly = new OpenAI({
      apiKey: await test.createKey({ scopes: ['llm-chat'] }),
      baseURL: `${test.url}/v1`,
      maxRetries: 0,
    });
    const calls: [string, () => Promise<unknown>][] = [
      ['llm-embeddings', () => chatOnly.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })],
      ['llm-images', () => chatOnly.images.generate({ model: 'dall-e-3', prompt: 'x' })],
      ['llm-audio', () => chatOnly.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x' })],
    ];
    for (const [scope, call] of calls) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error, scope).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(403);
      expect((error as APIError).message).toContain(`'${scope}'`);
    }
    expect(openai.requests).toHaveLength(0);

    const embeddingsOnly = new OpenAI({
      apiKey: await test.createKey({ scopes: ['llm-embeddings'] }),
      baseURL: `${test.url}/v1`,
      maxRetries: 0,
    });
    const result = await embeddingsOnly.embeddings.create({ model: 'text-embedding-3-small', input: 'ok' });
    expect(result.data).toHaveLength(1);
  });
});

describe('the /api/v1 alias', () => {
  it('serves chat completions and the model list like /v1', async () => {
    const alias = new OpenAI({ apiKey: key, baseURL: `${test.url}/api/v1`, maxRetries: 0 });
    await test.addChannel({
      name: 'chat',
      provider: 'openai',
      base_url: `${openai.url}/v1`,
      api_key: 'sk-chat',
      models: ['gpt-4o-mini'],
    });
    const { data, response } = await alias.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('echo: hello');
    const row = await rowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ endpoint: '/api/v1/chat/completions', model: 'gpt-4o-mini' });
    const models = await alias.models.list();
    expect(models.data.map((model) => model.id)).toContain('gpt-4o-mini');
    expect((await alias.models.retrieve('gpt-4o-mini')).id).toBe('gpt-4o-mini');
  });

  it('answers errors in OpenAI format', async () => {
    const unknown = await fetch(`${test.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(unknown.status).toBe(400);
    const body = (await unknown.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'gateway_error', code: 'invalid_json' });
    const noKey = await fetch(`${test.url}/api/v1/models`);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
  });
});
