/**
 * The client × upstream matrix for the OpenAI SDK (`openai`): every case against a channel of each
 * upstream format, whole and streamed, asserting on what the SDK itself parsed and on what the
 * mock upstream received in its own format. See matrix-setup.ts for the shared gateway and data.
 */
import OpenAI, { APIError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jsonResponseToolName } from '../../../src/protocols/anthropic-messages/anthropic-json-response-tool.ts';
import { logRows } from '../../support/test-gateway.ts';
import {
  addMockChannel,
  anthropicLostInMessageStop,
  wholeAnswerToStream,
  answerWholeBeforeLastFrame,
  lostBeforeLastFrame,
  brokenStreams,
  newestLogId,
  nextLogRow,
  badRequestMessage,
  expectedUsage,
  imageUrl,
  modes,
  parallelToolCalls,
  parseWarningsHeader,
  pngBase64,
  rateLimitReply,
  report,
  reportJson,
  reportSchema,
  scriptedUsage,
  startMatrix,
  timeArgs,
  timeResult,
  timeSchema,
  upstreamErrorBody,
  upstreams,
  upstreamToolId,
  weatherArgs,
  weatherResult,
  weatherSchema,
  type Matrix,
  type UpstreamFormat,
} from './matrix-setup.ts';
import {
  expectUpstreamToolTurn,
  lastUpstreamBody,
  upstreamImages,
  upstreamToolExchange,
  upstreamToolNames,
  upstreamUserText,
  geminiPdfTurn,
} from './upstream-view.ts';
import { chatStreamText } from '../../support/chat-stream.ts';

let matrix: Matrix;
let client: OpenAI;

beforeAll(async () => {
  matrix = await startMatrix();
  client = new OpenAI({ apiKey: matrix.key, baseURL: `${matrix.gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await matrix?.close();
});
beforeEach(() => matrix.mock.reset());

const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather in a city', parameters: weatherSchema },
  },
  {
    type: 'function',
    function: { name: 'get_time', description: 'Local time in a zone', parameters: timeSchema },
  },
];

function expectOpenAiUsage(usage: ChatCompletion['usage'], format: UpstreamFormat): void {
  const expected = expectedUsage(format);
  expect(usage).toBeDefined();
  expect(usage?.prompt_tokens).toBe(expected.input);
  expect(usage?.completion_tokens).toBe(expected.output);
  expect(usage?.total_tokens).toBe(expected.input + expected.output);
  expect(usage?.prompt_tokens_details?.cached_tokens ?? 0).toBe(expected.cached);
  expect(usage?.completion_tokens_details?.reasoning_tokens ?? 0).toBe(expected.reasoning);
}

/** Sends a request whole or streamed (through the SDK's stream helper) and returns the SDK's final completion. */
async function complete(
  params: ChatCompletionCreateParamsBase,
  stream: boolean,
): Promise<{ completion: ChatCompletion; chunks: ChatCompletionChunk[] }> {
  if (!stream) {
    const completion = await client.chat.completions.create({ ...params, stream: false });
    return { completion, chunks: [] };
  }
  const runner = client.chat.completions.stream({ ...params, stream: true });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of runner) chunks.push(chunk);
  return { completion: await runner.finalChatCompletion(), chunks };
}

function functionCalls(completion: ChatCompletion) {
  return (completion.choices[0]?.message.tool_calls ?? []).map((call) => {
    if (call.type !== 'function') throw new Error(`unexpected ${call.type} tool call`);
    return { id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) as unknown };
  });
}

/** Streamed chunks must all be real choice chunks: no usage chunk for a client that did not ask. */
function expectNoUsageChunk(chunks: ChatCompletionChunk[]): void {
  expect(chunks.length).toBeGreaterThan(0);
  for (const chunk of chunks) {
    expect(chunk.choices).toHaveLength(1);
    expect(chunk.usage ?? null).toBeNull();
  }
}

describe.each(upstreams)('OpenAI SDK → $format upstream', (upstream) => {
  const { format, model } = upstream;

  describe.each(modes)('$mode', ({ stream }) => {
    it('plain text, with usage in OpenAI terms', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', content: 'Hello from upstream', chunks: 3, usage: scriptedUsage(format) });
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ];
      const { completion, chunks } = await complete({ model, messages }, stream);
      const choice = completion.choices[0]!;
      expect(completion.choices).toHaveLength(1);
      expect(choice.message.role).toBe('assistant');
      expect(choice.message.content).toBe('Hello from upstream');
      expect(choice.message.tool_calls ?? []).toEqual([]);
      expect(choice.finish_reason).toBe('stop');
      expect(upstreamUserText(format, lastUpstreamBody(mock))).toBe('Say hello');
      if (!stream) {
        expectOpenAiUsage(completion.usage, format);
        return;
      }
      expectNoUsageChunk(chunks);
      expect(chunks.filter((chunk) => chunk.choices[0]?.finish_reason != null)).toHaveLength(1);
      expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);

      // Asked for: the usage chunk comes last, with no choices.
      mock.enqueue({ kind: 'chat', content: 'Hello again', usage: scriptedUsage(format) });
      const withUsage = await client.chat.completions.create({
        model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      const all: ChatCompletionChunk[] = [];
      for await (const chunk of withUsage) all.push(chunk);
      const last = all.at(-1)!;
      expect(last.choices).toEqual([]);
      expectOpenAiUsage(last.usage ?? undefined, format);
      expect(all.slice(0, -1).every((chunk) => chunk.usage == null)).toBe(true);
    });

    it('a tool call with streamed arguments', async () => {
      const { mock } = matrix;
      const id = upstreamToolId(format, 'weather');
      mock.enqueue({
        kind: 'chat',
        toolCalls: [{ ...(id ? { id } : {}), name: 'get_weather', arguments: JSON.stringify(weatherArgs) }],
        chunks: 4,
      });
      const { completion, chunks } = await complete(
        { model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools },
        stream,
      );
      const choice = completion.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content ?? null).toBeNull();
      const calls = functionCalls(completion);
      expect(calls).toEqual([
        { id: id ?? expect.stringMatching(/^[\w-]+$/), name: 'get_weather', args: weatherArgs },
      ]);
      if (stream) {
        expectNoUsageChunk(chunks);
        const pieces = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
        expect(pieces[0]).toMatchObject({ index: 0, id: calls[0]!.id, type: 'function' });
        expect(pieces[0]?.function?.name).toBe('get_weather');
        expect(pieces.slice(1).every((piece) => piece.id === undefined && piece.index === 0)).toBe(true);
        // OpenAI and Anthropic stream the arguments in pieces; Gemini sends a call whole.
        if (format !== 'gemini') expect(pieces.length).toBeGreaterThan(2);
        expect(chunks.some((chunk) => chunk.choices[0]?.delta.content)).toBe(false);
      }
    });

    it('a tool call without arguments has arguments {}, as OpenAI sends them', async () => {
      const { mock } = matrix;
      // Anthropic streams such a call's input as one empty partial_json (anthropic-tool-no-args).
      mock.enqueue({ kind: 'chat', toolCalls: [{ name: 'get_weather', arguments: '{}' }] });
      const { completion } = await complete(
        { model, messages: [{ role: 'user', content: 'Weather here?' }], tools },
        stream,
      );
      const [call] = completion.choices[0]?.message.tool_calls ?? [];
      expect(call?.type === 'function' ? call.function : undefined).toEqual({
        name: 'get_weather',
        arguments: '{}',
      });
    });

    it('two parallel tool calls, then their results in the next turn', async () => {
      const { mock } = matrix;
      const issued = parallelToolCalls(format);
      const [weatherId, timeId] = issued.map((call) => call.id);
      mock.enqueue({ kind: 'chat', toolCalls: issued, chunks: 3 });
      const question: ChatCompletionMessageParam = { role: 'user', content: 'Weather and time in Paris?' };
      const first = await complete({ model, messages: [question], tools }, stream);
      expect(first.completion.choices[0]?.finish_reason).toBe('tool_calls');
      const calls = functionCalls(first.completion);
      expect(calls.map(({ name, args }) => ({ name, args }))).toEqual([
        { name: 'get_weather', args: weatherArgs },
        { name: 'get_time', args: timeArgs },
      ]);
      if (weatherId) expect(calls.map((call) => call.id)).toEqual([weatherId, timeId]);
      expect(new Set(calls.map((call) => call.id)).size).toBe(2);

      mock.enqueue({ kind: 'chat', content: 'It is 21°C and 14:05 in Paris.' });
      const second = await complete(
        {
          model,
          tools,
          messages: [
            question,
            first.completion.choices[0]!.message as ChatCompletionMessageParam,
            { role: 'tool', tool_call_id: calls[0]!.id, content: JSON.stringify(weatherResult) },
            { role: 'tool', tool_call_id: calls[1]!.id, content: timeResult },
          ],
        },
        stream,
      );
      expect(second.completion.choices[0]?.message.content).toBe('It is 21°C and 14:05 in Paris.');
      expect(second.completion.choices[0]?.finish_reason).toBe('stop');

      expectUpstreamToolTurn(format, lastUpstreamBody(mock));
    });

    /** The client's question about images (data or https URLs), answered through this route. */
    const askAboutImages = (text: string, ...urls: string[]) =>
      complete(
        {
          model,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text },
                ...urls.map((url) => ({ type: 'image_url' as const, image_url: { url } })),
              ],
            },
          ],
        },
        stream,
      );

    it('image input, base64 and URL', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', content: 'A red pixel and a cat.' });
      const { completion } = await askAboutImages(
        'What is in these images?',
        `data:image/png;base64,${pngBase64}`,
        imageUrl,
      );
      expect(completion.choices[0]?.message.content).toBe('A red pixel and a cat.');
      const body = lastUpstreamBody(mock);
      expect(upstreamUserText(format, body)).toBe('What is in these images?');
      expect(upstreamImages(format, body)).toEqual([
        { kind: 'base64', mediaType: 'image/png', data: pngBase64 },
        { kind: 'url', url: imageUrl },
      ]);
    });

    it('a JPEG data URL labelled image/jpg, as browsers and tools write it, reaches the upstream as a JPEG', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', content: 'A photo.' });
      const { completion } = await askAboutImages('What is this?', 'data:image/jpg;base64,/9j/4AAQSkZJRg==');
      expect(completion.choices[0]?.message.content).toBe('A photo.');
      const [image] = upstreamImages(format, lastUpstreamBody(mock));
      expect(image).toMatchObject({ kind: 'base64', data: '/9j/4AAQSkZJRg==' });
      // Anthropic takes only image/jpeg; the others take the label as the client wrote it.
      if (format === 'anthropic') expect(image).toMatchObject({ mediaType: 'image/jpeg' });
    });

    it('a JSON-schema response (response_format json_schema)', async () => {
      const { mock } = matrix;
      // Anthropic has no response_format: the gateway forces its reserved tool, so the model answers by calling it.
      mock.enqueue(
        format === 'anthropic'
          ? { kind: 'chat', toolCalls: [{ name: jsonResponseToolName, arguments: reportJson }], chunks: 3 }
          : { kind: 'chat', content: reportJson, chunks: 3 },
      );
      const response_format = {
        type: 'json_schema' as const,
        json_schema: { name: 'weather_report', strict: true, schema: reportSchema },
      };
      const messages: ChatCompletionMessageParam[] = [
        { role: 'user', content: 'Report the weather in Paris' },
      ];
      let content: string | null | undefined;
      if (stream) {
        const { completion, chunks } = await complete({ model, messages, response_format }, true);
        expectNoUsageChunk(chunks);
        expect(completion.choices[0]?.finish_reason).toBe('stop');
        expect(completion.choices[0]?.message.tool_calls ?? []).toEqual([]);
        content = completion.choices[0]?.message.content;
      } else {
        const parsed = await client.chat.completions.parse({ model, messages, response_format });
        expect(parsed.choices[0]?.finish_reason).toBe('stop');
        expect(parsed.choices[0]?.message.tool_calls ?? []).toEqual([]);
        expect(parsed.choices[0]?.message.parsed).toEqual(report);
        content = parsed.choices[0]?.message.content;
      }
      expect(JSON.parse(content ?? 'null')).toEqual(report);

      const body = lastUpstreamBody(mock);
      if (format === 'openai') expect(body.response_format).toEqual(response_format);
      if (format === 'anthropic') {
        expect(body.tools).toEqual([
          expect.objectContaining({ name: jsonResponseToolName, input_schema: reportSchema }),
        ]);
        expect(body.tool_choice).toEqual({ type: 'tool', name: jsonResponseToolName });
      }
      if (format === 'gemini') {
        expect(body.generationConfig).toMatchObject({
          responseMimeType: 'application/json',
          responseJsonSchema: reportSchema,
        });
      }
    });

    it("upstream errors become the SDK's own error types", async () => {
      const { mock } = matrix;
      const request = () =>
        stream
          ? client.chat.completions.create({
              model,
              messages: [{ role: 'user', content: 'x' }],
              stream: true,
            })
          : client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] });
      const failure = async () =>
        (await request().then(
          () => undefined,
          (caught: unknown) => caught,
        )) as Error;

      mock.enqueue({ kind: 'error', status: 400, body: upstreamErrorBody(format, 400, badRequestMessage) });
      const badRequest = await failure();
      expect(badRequest).toBeInstanceOf(BadRequestError);
      expect((badRequest as BadRequestError).status).toBe(400);
      expect(badRequest.message).toContain(badRequestMessage);

      mock.enqueue(rateLimitReply(format));
      const limited = await failure();
      expect(limited).toBeInstanceOf(RateLimitError);
      expect((limited as RateLimitError).status).toBe(429);

      // API.md 1: an upstream failure, failover exhausted, is a 502.
      mock.enqueue({ kind: 'error', status: 500 });
      const failed = await failure();
      expect(failed).toBeInstanceOf(InternalServerError);
      expect((failed as InternalServerError).status).toBe(502);
      if (!stream) return;

      // After the first byte the status is sent: a stream the upstream breaks ends with an error event,
      // which the SDK raises, and is logged as the failure it was.
      for (const broken of brokenStreams) {
        const before = await newestLogId(matrix);
        mock.enqueue(broken.reply);
        const cut = await client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'x' }],
          stream: true,
        });
        let received = '';
        const midStream = await (async () => {
          for await (const chunk of cut) received += chunk.choices[0]?.delta.content ?? '';
        })().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(midStream, broken.name).toBeInstanceOf(APIError);
        expect('a b c d e f'.startsWith(received)).toBe(true);
        expect(received).not.toBe('a b c d e f');
        expect(await nextLogRow(matrix, before), broken.name).toMatchObject({
          status: 502,
          error_code: 'upstream_stream_error',
        });
      }
    });

    // An upstream that does not stream (or ignores the request to) answers whole: the client still
    // gets the stream it asked for, usage chunk included, and the request is charged in full.
    if (stream) {
      it('an upstream that answers a stream request whole still streams to the client', async () => {
        const { mock } = matrix;
        const before = await newestLogId(matrix);
        mock.enqueue(wholeAnswerToStream(format));
        const { completion, chunks } = await complete(
          { model, messages: [{ role: 'user', content: 'Hi' }] },
          true,
        );
        expect(completion.choices[0]?.message.content).toBe('Hello, whole');
        expect(completion.choices[0]?.finish_reason).toBe('stop');
        expectNoUsageChunk(chunks);
        expect(await nextLogRow(matrix, before)).toMatchObject({ status: 200, stream: true });

        mock.enqueue({ kind: 'chat', content: 'Again', usage: scriptedUsage(format), answerWhole: true });
        const withUsage = await client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Hi' }],
          stream: true,
          stream_options: { include_usage: true },
        });
        const all: ChatCompletionChunk[] = [];
        for await (const chunk of withUsage) all.push(chunk);
        expectOpenAiUsage(all.at(-1)?.usage ?? undefined, format);
      });
    }

    // Same format, n = 2, answered whole: the stream the client asked for carries both choices.
    if (stream && format === 'openai') {
      it('an upstream that answers a stream of two choices whole streams both', async () => {
        matrix.mock.enqueue({
          kind: 'raw',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            id: 'chatcmpl-two',
            object: 'chat.completion',
            created: 1_760_000_000,
            model: 'gpt-4o-mini',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: 'First', refusal: null },
                finish_reason: 'stop',
              },
              {
                index: 1,
                message: {
                  role: 'assistant',
                  content: null,
                  tool_calls: [
                    {
                      id: 'call_1',
                      type: 'function',
                      function: { name: 'get_time', arguments: '{"zone":"UTC"}' },
                    },
                  ],
                },
                finish_reason: 'tool_calls',
              },
            ],
            usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 },
          }),
        });
        const runner = client.chat.completions.stream({
          model,
          messages: [{ role: 'user', content: 'Hi' }],
          n: 2,
          stream: true,
          stream_options: { include_usage: true },
        });
        const chunks: ChatCompletionChunk[] = [];
        for await (const chunk of runner) chunks.push(chunk);
        const completion = await runner.finalChatCompletion();
        expect(completion.choices).toHaveLength(2);
        expect(completion.choices[0]).toMatchObject({ message: { content: 'First' }, finish_reason: 'stop' });
        expect(completion.choices[1]?.finish_reason).toBe('tool_calls');
        expect(completion.choices[1]?.message.tool_calls).toEqual([
          { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{"zone":"UTC"}' } },
        ]);
        expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 7 });
      });
    }

    // A connection lost after the answer's finish took nothing from it: no error event after a
    // whole answer (the SDK would raise it and the app discard the answer), and no failure logged.
    if (stream) {
      it('a connection lost after the finish reason still ends the stream whole', async () => {
        const before = await newestLogId(matrix);
        matrix.mock.enqueue(lostBeforeLastFrame);
        let received = '';
        const outcome = await (async () => {
          const cut = await client.chat.completions.create({
            model,
            messages: [{ role: 'user', content: 'x' }],
            stream: true,
          });
          for await (const chunk of cut) received += chunk.choices[0]?.delta.content ?? '';
        })().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        const row = await nextLogRow(matrix, before);
        if (answerWholeBeforeLastFrame(format)) {
          expect(outcome).toBeUndefined();
          expect(received).toBe('a b c');
          expect(row).toMatchObject({ status: 200 });
        } else {
          expect(outcome).toBeInstanceOf(APIError);
          expect(row).toMatchObject({ status: 502, error_code: 'upstream_stream_error' });
        }
      });
    }

    // Translated: the frame cut by the lost connection is dropped, not read as an event that is not JSON.
    if (stream && format === 'anthropic') {
      it('a connection lost inside message_stop still ends the translated stream whole', async () => {
        const before = await newestLogId(matrix);
        matrix.mock.enqueue(anthropicLostInMessageStop);
        const { completion } = await complete({ model, messages: [{ role: 'user', content: 'x' }] }, true);
        expect(completion.choices[0]?.message.content).toBe('Hi');
        expect(await nextLogRow(matrix, before)).toMatchObject({ status: 200 });
      });
    }

    // The id names a chat completion as OpenAI's do, streamed or not, whatever the upstream called it.
    it('the completion id is a chatcmpl- id', async () => {
      matrix.mock.enqueue({ kind: 'chat', content: 'Hello', chunks: 2 });
      const { completion, chunks } = await complete(
        { model, messages: [{ role: 'user', content: 'Hi' }] },
        stream,
      );
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBeLessThanOrEqual(1);
    });

    // API.md 1.3: Retry-After on 429, taken from wherever the upstream said it (Gemini: RetryInfo).
    it("a 429 carries Retry-After, from the upstream's own way of saying it", async () => {
      matrix.mock.enqueue(rateLimitReply(format));
      const error = (await client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'x' }], stream })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        )) as RateLimitError;
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.headers.get('retry-after')).toBe('7');
    });
  });
});

describe('translation warnings reach an OpenAI client', () => {
  const seedRequest = (model: string) =>
    client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'Hi' }], seed: 42 })
      .withResponse();

  it('seed to an Anthropic upstream: X-Switchboard-Warnings and the log row', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { data, response } = await seedRequest('up-anthropic');
    expect(data.choices[0]?.message.content).toBe('ok');
    expect(matrix.mock.requests[0]?.body).not.toHaveProperty('seed');
    const warnings = parseWarningsHeader(response.headers.get('x-switchboard-warnings'));
    expect(warnings).toEqual([expect.objectContaining({ type: 'unsupported-setting', field: 'seed' })]);
    const [row] = await logRows(matrix.gateway, `?request_id=${response.headers.get('x-request-id')}`);
    expect(row?.warnings).toEqual(warnings);
  });

  it('a whitespace-only stop sequence to an Anthropic upstream, which refuses it, is left out with a warning', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { data, response } = await client.chat.completions
      .create({ model: 'up-anthropic', messages: [{ role: 'user', content: 'Hi' }], stop: ['\n', 'END'] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('ok');
    expect(matrix.mock.requests[0]?.body).toMatchObject({ stop_sequences: ['END'] });
    const warnings = parseWarningsHeader(response.headers.get('x-switchboard-warnings'));
    expect(warnings).toEqual([expect.objectContaining({ type: 'changed-value', field: 'stopSequences' })]);
  });

  it("every reasoning_effort the SDK documents reaches an Anthropic upstream: 'none' as no thinking, 'xhigh' and 'max' as budgets", async () => {
    const ask = (effort: 'none' | 'xhigh' | 'max') =>
      client.chat.completions.create({
        model: 'up-anthropic',
        messages: [{ role: 'user', content: 'Hi' }],
        reasoning_effort: effort,
      });
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    expect((await ask('none')).choices[0]?.message.content).toBe('ok');
    expect(matrix.mock.requests[0]?.body).not.toHaveProperty('thinking');
    for (const effort of ['xhigh', 'max'] as const) {
      matrix.mock.reset();
      matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
      expect((await ask(effort)).choices[0]?.message.content).toBe('ok');
      expect(matrix.mock.requests[0]?.body).toMatchObject({
        thinking: { type: 'enabled', budget_tokens: expect.toSatisfy((budget: number) => budget > 16384) },
      });
    }
  });

  it('an unknown field to a Gemini upstream, streamed: the header is there before the first byte', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'up-gemini',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        logprobs: true,
      })
      .withResponse();
    expect(await chatStreamText(stream)).toBe('ok');
    const warnings = parseWarningsHeader(response.headers.get('x-switchboard-warnings'));
    expect(warnings).toEqual([expect.objectContaining({ field: 'logprobs' })]);
    const [row] = await logRows(matrix.gateway, `?request_id=${response.headers.get('x-request-id')}`);
    expect(row?.warnings).toEqual(warnings);
  });

  it('a request with a warning per part still gets its answer: the first warnings and how many more', async () => {
    // One warning per image (Anthropic has no detail setting): 3000 of them made a header over
    // 250 KB, past what any HTTP client reads.
    const parts = Array.from({ length: 3000 }, (_, index) => ({
      type: 'image_url' as const,
      image_url: { url: `https://example.com/${index}.png`, detail: 'high' as const },
    }));
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { data, response } = await client.chat.completions
      .create({ model: 'up-anthropic', messages: [{ role: 'user', content: parts }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('ok');
    const header = response.headers.get('x-switchboard-warnings') ?? '';
    expect(header.length).toBeLessThanOrEqual(4096);
    const warnings = parseWarningsHeader(header);
    const shown = warnings.slice(0, -1);
    expect(shown.length).toBeGreaterThan(10);
    expect(shown[0]).toMatchObject({ type: 'unsupported-setting', field: 'messages[0].content[0].detail' });
    expect(warnings.at(-1)).toEqual({
      type: 'other',
      message: `${3000 - shown.length} more warnings not shown`,
    });
    const [row] = await logRows(matrix.gateway, `?request_id=${response.headers.get('x-request-id')}`);
    expect(row?.warnings).toEqual(warnings);
  });

  it('nothing to warn about on the same-format path', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { response } = await seedRequest('up-openai');
    expect(matrix.mock.requests[0]?.body).toMatchObject({ seed: 42 });
    expect(response.headers.get('x-switchboard-warnings')).toBeNull();
    const [row] = await logRows(matrix.gateway, `?request_id=${response.headers.get('x-request-id')}`);
    expect(row?.warnings).toEqual([]);
  });
});

describe('JSON nested thousands deep', () => {
  /** `{"a":{"a":…1…}}` `depth` deep, as text: JSON.stringify itself would overflow the stack. */
  const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it("in a client's tool schema is a 400 in the client's format, not an internal error", async () => {
    const tools = `[{"type":"function","function":{"name":"deep","parameters":${nested(6_000)}}}]`;
    const response = await fetch(`${matrix.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${matrix.key}`, 'content-type': 'application/json' },
      body: `{"model":"up-anthropic","messages":[{"role":"user","content":"Hi"}],"tools":${tools}}`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_request', message: expect.stringContaining('nested too deeply') },
    });
    expect(matrix.mock.requests).toHaveLength(0);
  });

  it("in an upstream's answer is a 502, not an internal error", async () => {
    matrix.mock.enqueue({
      kind: 'raw',
      headers: { 'content-type': 'application/json' },
      body:
        '{"id":"msg_deep","type":"message","role":"assistant","model":"claude-sonnet-4-5",' +
        `"content":[{"type":"tool_use","id":"toolu_1","name":"deep","input":${nested(10_000)}}],` +
        '"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}',
    });
    const error = (await client.chat.completions
      .create({ model: 'up-anthropic', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(502);
    expect(error.message).toContain('nested too deeply');
  });
});

describe('reasoning_effort values of newer OpenAI models, to a Gemini upstream', () => {
  // gpt-5.1 and later take `none` (no reasoning) and `xhigh`; the SDK types them. Refused with a
  // 400, a client written for those models could not use a Gemini channel at all.
  /** What the Gemini upstream's generationConfig was for 'Hi' at `effort`, answered ok. */
  const configFor = async (effort: 'none' | 'xhigh') => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const completion = await client.chat.completions.create({
      model: 'up-gemini',
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning_effort: effort,
    });
    expect(completion.choices[0]?.message.content).toBe('ok');
    return lastUpstreamBody(matrix.mock).generationConfig;
  };

  it("'none' turns thinking off, 'xhigh' asks for the most thinking", async () => {
    expect(await configFor('none')).toEqual({ thinkingConfig: { thinkingBudget: 0 } });
    expect(await configFor('xhigh')).toEqual({
      thinkingConfig: { thinkingBudget: 24576, includeThoughts: true },
    });
  });
});

// Gemini 2.5 Pro cannot turn thinking off: it refuses `thinkingBudget: 0` with a 400 ("only works
// in thinking mode"), so a client asking for no reasoning got an error instead of an answer.
describe('reasoning_effort none, to a Gemini model that cannot turn thinking off', () => {
  beforeAll(async () => {
    await addMockChannel(matrix, 'gemini', 'gemini-pro', { 'up-gemini-pro': 'gemini-2.5-pro' });
  });

  it('is answered, with the least thinking the model allows and a warning saying so', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { data, response } = await client.chat.completions
      .create({
        model: 'up-gemini-pro',
        messages: [{ role: 'user', content: 'Hi' }],
        reasoning_effort: 'none',
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('ok');
    expect(lastUpstreamBody(matrix.mock).generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 128 },
    });
    const warnings = parseWarningsHeader(response.headers.get('x-switchboard-warnings'));
    expect(warnings).toEqual([expect.objectContaining({ type: 'changed-value', field: 'reasoning' })]);
  });
});

// OpenAI takes a function name that starts with a digit; Gemini refuses one (400 "Must start with
// a letter or an underscore"). It reaches a Gemini upstream renamed and comes back as declared.
describe.each(modes)('a function name a Gemini upstream refuses ($mode)', ({ stream }) => {
  it('reaches it renamed and comes back as declared, in this turn and the next', async () => {
    const { mock } = matrix;
    const model = 'up-gemini';
    const renderTools: ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: '3d_render', description: 'Render a scene', parameters: timeSchema },
      },
    ];
    mock.enqueue({ kind: 'chat', content: 'Which scene?' });
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Render the time zone' }];
    const asked = await complete({ model, messages, tools: renderTools }, stream);
    expect(asked.completion.choices[0]?.message.content).toBe('Which scene?');
    const [sent] = upstreamToolNames('gemini', lastUpstreamBody(mock));
    expect(sent).toMatch(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/);

    mock.enqueue({
      kind: 'chat',
      chunks: 3,
      toolCalls: [{ name: sent!, arguments: JSON.stringify(timeArgs) }],
    });
    const { completion } = await complete({ model, messages, tools: renderTools }, stream);
    const calls = functionCalls(completion);
    expect(calls.map(({ name, args }) => ({ name, args }))).toEqual([{ name: '3d_render', args: timeArgs }]);

    mock.enqueue({ kind: 'chat', content: 'Rendered.' });
    const next = await complete(
      {
        model,
        tools: renderTools,
        messages: [
          ...messages,
          completion.choices[0]!.message,
          { role: 'tool', tool_call_id: calls[0]!.id, content: 'done' },
        ],
      },
      stream,
    );
    expect(next.completion.choices[0]?.message.content).toBe('Rendered.');
    const seen = upstreamToolExchange('gemini', lastUpstreamBody(mock));
    expect(seen.calls.map((call) => call.name)).toEqual([sent]);
    expect(seen.results.map((result) => result.name)).toEqual([sent]);
  });
});

// Claude refuses a dot in a function name (`^[a-zA-Z0-9_-]{1,64}$`); the OpenAI SDK sends one as
// given. It goes up renamed and comes back as declared, and the client is told: a model that
// mentions the tool in its text uses the upstream's name.
describe.each(modes)(
  'a function name an Anthropic upstream refuses, from an OpenAI client ($mode)',
  ({ stream }) => {
    it('reaches it renamed, comes back as declared, and one warning names both', async () => {
      const { mock } = matrix;
      const dotted: ChatCompletionTool[] = [
        {
          type: 'function',
          function: { name: 'get.weather', description: 'Weather', parameters: weatherSchema },
        },
      ];
      mock.enqueue({
        kind: 'chat',
        chunks: 3,
        toolCalls: [{ name: 'get_weather', arguments: JSON.stringify(weatherArgs) }],
      });
      const params = {
        model: 'up-anthropic',
        messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
        tools: dotted,
        tool_choice: { type: 'function' as const, function: { name: 'get.weather' } },
      };
      let called: string | undefined;
      let headers: Headers;
      if (stream) {
        const { data, response } = await client.chat.completions
          .create({ ...params, stream: true })
          .withResponse();
        for await (const chunk of data) called ??= chunk.choices[0]?.delta.tool_calls?.[0]?.function?.name;
        headers = response.headers;
      } else {
        const { data, response } = await client.chat.completions.create(params).withResponse();
        called = functionCalls(data)[0]?.name;
        headers = response.headers;
      }
      expect(called).toBe('get.weather');
      const body = lastUpstreamBody(mock);
      expect(upstreamToolNames('anthropic', body)).toEqual(['get_weather']);
      expect(body.tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
      expect(parseWarningsHeader(headers.get('x-switchboard-warnings'))).toEqual([
        {
          type: 'changed-value',
          field: 'get.weather',
          message:
            "Function 'get.weather' was sent to the upstream as 'get_weather' (the Anthropic Messages API " +
            "refuses '.' in function names); answers name it 'get.weather' again",
        },
      ]);
    });
  },
);

// The SDK's `file` part with inline data is how an OpenAI client sends a PDF. Dropped on a translated
// route, the model answered about a document it never saw.
describe('a PDF file part from an OpenAI client', () => {
  const pdf = 'data:application/pdf;base64,JVBERi0xLjQK';
  const ask = (model: string, file: { file_data?: string; file_id?: string; filename?: string }) =>
    client.chat.completions
      .create({
        model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'file', file },
              { type: 'text', text: 'Summarise it' },
            ],
          },
        ],
      })
      .withResponse();

  // The file name tells the model which document is which, and is what it cites.
  it('reaches an Anthropic upstream as a base64 document block titled with its file name, with no warning', async () => {
    const source = { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' };
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { response } = await ask('up-anthropic', { file_data: pdf, filename: 'Q3 report.pdf' });
    const messages = lastUpstreamBody(matrix.mock).messages as { content: unknown }[];
    expect(messages.at(-1)?.content).toEqual([
      { type: 'document', source, title: 'Q3 report.pdf' },
      { type: 'text', text: 'Summarise it' },
    ]);
    expect(response.headers.get('x-switchboard-warnings')).toBeNull();
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    await ask('up-anthropic', { file_data: pdf });
    const unnamed = lastUpstreamBody(matrix.mock).messages as { content: unknown }[];
    expect(unnamed.at(-1)?.content).toEqual([
      { type: 'document', source },
      { type: 'text', text: 'Summarise it' },
    ]);
  });

  it('reaches a Gemini upstream as inline application/pdf data', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { response } = await ask('up-gemini', { file_data: pdf, filename: 'report.pdf' });
    expect(lastUpstreamBody(matrix.mock).contents).toEqual(geminiPdfTurn('JVBERi0xLjQK'));
    expect(response.headers.get('x-switchboard-warnings')).toBeNull();
  });

  it('by Files API id, or not a PDF, is left out with a warning that says why', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const byId = await ask('up-anthropic', { file_id: 'file-abc123' });
    expect(parseWarningsHeader(byId.response.headers.get('x-switchboard-warnings'))).toEqual([
      expect.objectContaining({
        type: 'unsupported-content',
        field: 'messages[0].content[0]',
        message: expect.stringContaining('file_id') as string,
      }),
    ]);
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const text = await ask('up-anthropic', { file_data: 'data:text/plain;base64,aGk=', filename: 'a.txt' });
    expect(parseWarningsHeader(text.response.headers.get('x-switchboard-warnings'))).toEqual([
      expect.objectContaining({
        type: 'unsupported-content',
        field: 'messages[0].content[0]',
        message: expect.stringContaining('text/plain') as string,
      }),
    ]);
    const messages = lastUpstreamBody(matrix.mock).messages as { content: unknown }[];
    expect(messages.at(-1)?.content).toEqual([{ type: 'text', text: 'Summarise it' }]);
  });
});
