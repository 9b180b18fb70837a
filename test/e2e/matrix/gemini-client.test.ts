/**
 * The client × upstream matrix for the Google GenAI SDK (`@google/genai`): every case against a channel of each
 * upstream format, whole and streamed, asserting on what the SDK itself parsed and on what the
 * mock upstream received in its own format. See matrix-setup.ts for the shared gateway and data.
 */
import {
  ApiError,
  FinishReason,
  FunctionCallingConfigMode,
  GoogleGenAI,
  ThinkingLevel,
  Type,
  type Content,
  type FunctionCall,
  type FunctionDeclaration,
  type GenerateContentConfig,
  type GenerateContentResponse,
  type Part,
} from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jsonResponseToolName } from '../../../src/protocols/anthropic-messages/anthropic-json-response-tool.ts';
import { logRows } from '../../support/test-gateway.ts';
import {
  addMockChannel,
  wholeAnswerToStream,
  answerWholeBeforeLastFrame,
  lostBeforeLastFrame,
  brokenStreams,
  newestLogId,
  nextLogRow,
  badRequestMessage,
  expectedUsage,
  geminiCallSignature,
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
} from './upstream-view.ts';
import { changedValue } from '../../support/warnings.ts';

let matrix: Matrix;
let ai: GoogleGenAI;

beforeAll(async () => {
  matrix = await startMatrix();
  ai = new GoogleGenAI({ apiKey: matrix.key, httpOptions: { baseUrl: matrix.gateway.url } });
});
afterAll(async () => {
  await matrix?.close();
});
beforeEach(() => matrix.mock.reset());

const declarations: FunctionDeclaration[] = [
  { name: 'get_weather', description: 'Weather in a city', parametersJsonSchema: weatherSchema },
  { name: 'get_time', description: 'Local time in a zone', parametersJsonSchema: timeSchema },
];
const tools = [{ functionDeclarations: declarations }];

/** What a client makes of a whole response or of all the chunks of a stream. */
interface Answer {
  text: string;
  parts: Part[];
  functionCalls: FunctionCall[];
  finishReason: FinishReason | undefined;
  usage: GenerateContentResponse['usageMetadata'];
  chunks: GenerateContentResponse[];
}

async function generate(
  contents: Content[] | string,
  config: GenerateContentConfig,
  model: string,
  stream: boolean,
): Promise<Answer> {
  const responses: GenerateContentResponse[] = [];
  if (stream) {
    for await (const chunk of await ai.models.generateContentStream({ model, contents, config })) {
      responses.push(chunk);
    }
  } else {
    responses.push(await ai.models.generateContent({ model, contents, config }));
  }
  const candidates = responses.flatMap((response) => response.candidates?.slice(0, 1) ?? []);
  const parts = candidates.flatMap((candidate) => candidate.content?.parts ?? []);
  return {
    text: parts.map((part) => (part.thought ? '' : (part.text ?? ''))).join(''),
    parts,
    functionCalls: responses.flatMap((response) => response.functionCalls ?? []),
    finishReason: candidates.findLast((candidate) => candidate.finishReason)?.finishReason,
    usage: responses.findLast((response) => response.usageMetadata)?.usageMetadata,
    chunks: responses,
  };
}

/** The translation warnings an answer carried (X-Switchboard-Warnings); none: []. */
const warningsOf = (response: GenerateContentResponse) =>
  parseWarningsHeader(response.sdkHttpResponse?.headers?.['x-switchboard-warnings']);

/** "Hi" to `model` with `config`, answered "ok" by the mock: the answer, and what the upstream got. */
async function sayHi(
  model: string,
  config: GenerateContentConfig,
): Promise<{ response: GenerateContentResponse; body: Record<string, unknown> }> {
  matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
  const response = await ai.models.generateContent({ model, contents: 'Hi', config });
  expect(response.text).toBe('ok');
  return { response, body: lastUpstreamBody(matrix.mock) };
}

/**
 * A turn of function calls says nothing else: no text part in front of the calls, and no text
 * after them but the empty one Gemini may end a stream with.
 */
function expectOnlyCalls(parts: Part[]): void {
  const firstCall = parts.findIndex((part) => part.functionCall !== undefined);
  expect(firstCall).toBeGreaterThanOrEqual(0);
  expect(parts.slice(0, firstCall)).toEqual([]);
  expect(parts.filter((part) => part.functionCall === undefined && part.text !== '')).toEqual([]);
}

function expectGeminiUsage(usage: Answer['usage'], format: UpstreamFormat): void {
  const expected = expectedUsage(format);
  expect(usage).toBeDefined();
  // Gemini's prompt count includes the cached part; its candidates count excludes thoughts.
  expect(usage?.promptTokenCount).toBe(expected.input);
  expect(usage?.cachedContentTokenCount ?? 0).toBe(expected.cached);
  expect(usage?.candidatesTokenCount ?? 0).toBe(expected.output - expected.reasoning);
  expect(usage?.thoughtsTokenCount ?? 0).toBe(expected.reasoning);
  expect(usage?.totalTokenCount).toBe(expected.input + expected.output);
}

describe.each(upstreams)('Google GenAI SDK → $format upstream', (upstream) => {
  const { format, model } = upstream;

  describe.each(modes)('$mode', ({ stream }) => {
    it('plain text, with usage in Gemini terms', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', content: 'Hello from upstream', chunks: 3, usage: scriptedUsage(format) });
      const answer = await generate('Say hello', { systemInstruction: 'Be brief.' }, model, stream);
      expect(answer.text).toBe('Hello from upstream');
      expect(answer.chunks.every((chunk) => typeof chunk.responseId === 'string')).toBe(true);
      expect(answer.parts.every((part) => typeof part.text === 'string')).toBe(true);
      expect(answer.finishReason).toBe(FinishReason.STOP);
      expectGeminiUsage(answer.usage, format);
      expect(upstreamUserText(format, lastUpstreamBody(mock))).toBe('Say hello');
      if (stream) expect(answer.chunks.length).toBeGreaterThan(1);
    });

    // An upstream that does not stream (or ignores the request to) answers whole: the client still
    // gets the stream it asked for, with the usage.
    if (stream) {
      it('an upstream that answers a stream request whole still streams to the client', async () => {
        const { mock } = matrix;
        const before = await newestLogId(matrix);
        mock.enqueue(wholeAnswerToStream(format));
        const answer = await generate('Hi', {}, model, true);
        expect(answer.text).toBe('Hello, whole');
        expect(answer.finishReason).toBe(FinishReason.STOP);
        expectGeminiUsage(answer.usage, format);
        expect(await nextLogRow(matrix, before)).toMatchObject({ status: 200, stream: true });
      });
    }

    // Same format, candidateCount 2, answered whole: the stream carries both candidates.
    if (stream && format === 'gemini') {
      it('an upstream that answers a stream of two candidates whole streams both', async () => {
        const candidate = (index: number, text: string) => ({
          index,
          content: { role: 'model', parts: [{ text }] },
          finishReason: 'STOP',
        });
        matrix.mock.enqueue({
          kind: 'raw',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            candidates: [candidate(0, 'First'), candidate(1, 'Second')],
            usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 6, totalTokenCount: 10 },
            modelVersion: 'gemini-2.5-flash',
          }),
        });
        const chunks: GenerateContentResponse[] = [];
        for await (const chunk of await ai.models.generateContentStream({
          model,
          contents: 'Hi',
          config: { candidateCount: 2 },
        })) {
          chunks.push(chunk);
        }
        const texts = chunks.flatMap((chunk) =>
          (chunk.candidates ?? []).map((each) => each.content?.parts?.[0]?.text),
        );
        expect(texts).toEqual(['First', 'Second']);
        expect(chunks.at(-1)?.usageMetadata?.totalTokenCount).toBe(10);
      });
    }

    // Same format, Gemini's CRLF frames, the last one without its blank line and in a read of its own:
    // every frame reaches the client whole.
    if (stream && format === 'gemini') {
      it('a last frame without its blank line, read on its own, still reaches the client', async () => {
        const frame = (text: string, finish?: string) =>
          `data: ${JSON.stringify({
            candidates: [
              {
                content: { role: 'model', parts: [{ text }] },
                index: 0,
                ...(finish ? { finishReason: finish } : {}),
              },
            ],
            usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
            modelVersion: 'gemini-2.5-flash',
            responseId: 'r1',
          })}`;
        matrix.mock.enqueue({ kind: 'raw', body: [`${frame('Hello')}\r\n\r\n`, frame(' there', 'STOP')] });
        const answer = await generate('x', {}, model, true);
        expect(answer.text).toBe('Hello there');
      });
    }

    // A connection lost after the answer's finish took nothing from it (see the OpenAI client's case).
    if (stream) {
      it('a connection lost after the finish reason still ends the stream whole', async () => {
        const before = await newestLogId(matrix);
        matrix.mock.enqueue(lostBeforeLastFrame);
        const outcome = await generate('x', {}, model, true).then(
          (answer) => answer,
          (caught: unknown) => caught,
        );
        const row = await nextLogRow(matrix, before);
        if (answerWholeBeforeLastFrame(format)) {
          expect(outcome).toMatchObject({ text: 'a b c' });
          expect(row).toMatchObject({ status: 200 });
        } else {
          expect(outcome).toBeInstanceOf(ApiError);
          expect(row).toMatchObject({ status: 502, error_code: 'upstream_stream_error' });
        }
      });
    }

    it('a tool call (streamed upstream), delivered whole as Gemini does', async () => {
      const { mock } = matrix;
      const id = upstreamToolId(format, 'weather');
      mock.enqueue({
        kind: 'chat',
        toolCalls: [{ ...(id ? { id } : {}), name: 'get_weather', arguments: JSON.stringify(weatherArgs) }],
        chunks: 4,
      });
      const answer = await generate('Weather in Paris?', { tools }, model, stream);
      // Gemini ends a turn of function calls with STOP, and puts no empty text part beside them.
      expect(answer.finishReason).toBe(FinishReason.STOP);
      expectOnlyCalls(answer.parts);
      expect(answer.functionCalls.map(({ name, args }) => ({ name, args }))).toEqual([
        { name: 'get_weather', args: weatherArgs },
      ]);
      const upstreamId = answer.functionCalls[0]?.id;
      if (upstreamId !== undefined) expect(upstreamId).toMatch(/^[\w-]+$/);
    });

    it('two parallel tool calls, then their results in the next turn', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', toolCalls: parallelToolCalls(format), chunks: 3 });
      const question: Content = { role: 'user', parts: [{ text: 'Weather and time in Paris?' }] };
      const first = await generate([question], { tools }, model, stream);
      expect(first.finishReason).toBe(FinishReason.STOP);
      const calls = first.functionCalls;
      expect(calls.map(({ name, args }) => ({ name, args }))).toEqual([
        { name: 'get_weather', args: weatherArgs },
        { name: 'get_time', args: timeArgs },
      ]);
      expectOnlyCalls(first.parts);
      if (format === 'gemini') expect(first.parts[0]?.thoughtSignature).toBe(geminiCallSignature);

      mock.enqueue({ kind: 'chat', content: 'It is 21°C and 14:05 in Paris.' });
      // As Google's docs show it: the model turn as received, then one functionResponse per call,
      // with the call's id when it had one.
      const responses: Part[] = calls.map((call) => ({
        functionResponse: {
          ...(call.id ? { id: call.id } : {}),
          name: call.name,
          response: call.name === 'get_weather' ? weatherResult : { output: timeResult },
        },
      }));
      const second = await generate(
        [question, { role: 'model', parts: first.parts }, { role: 'user', parts: responses }],
        { tools },
        model,
        stream,
      );
      expect(second.text).toBe('It is 21°C and 14:05 in Paris.');
      expect(second.finishReason).toBe(FinishReason.STOP);

      expectUpstreamToolTurn(format, lastUpstreamBody(mock));
    });

    it('image input, inline base64 and a file URL', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', content: 'A red pixel and a cat.' });
      const answer = await generate(
        [
          {
            role: 'user',
            parts: [
              { text: 'What is in these images?' },
              { inlineData: { mimeType: 'image/png', data: pngBase64 } },
              { fileData: { fileUri: imageUrl, mimeType: 'image/png' } },
            ],
          },
        ],
        {},
        model,
        stream,
      );
      expect(answer.text).toBe('A red pixel and a cat.');
      const body = lastUpstreamBody(mock);
      expect(upstreamUserText(format, body)).toBe('What is in these images?');
      expect(upstreamImages(format, body)).toEqual([
        { kind: 'base64', mediaType: 'image/png', data: pngBase64 },
        { kind: 'url', url: imageUrl },
      ]);
    });

    it('a JSON-schema response (responseMimeType + responseJsonSchema)', async () => {
      const { mock } = matrix;
      // Anthropic has no response_format: the gateway forces its reserved tool, so the model answers by calling it.
      mock.enqueue(
        format === 'anthropic'
          ? { kind: 'chat', toolCalls: [{ name: jsonResponseToolName, arguments: reportJson }], chunks: 3 }
          : { kind: 'chat', content: reportJson, chunks: 3 },
      );
      const answer = await generate(
        'Report the weather in Paris',
        { responseMimeType: 'application/json', responseJsonSchema: reportSchema },
        model,
        stream,
      );
      expect(answer.finishReason).toBe(FinishReason.STOP);
      expect(answer.functionCalls).toEqual([]);
      expect(JSON.parse(answer.text)).toEqual(report);

      const body = lastUpstreamBody(mock);
      if (format === 'openai') {
        expect(body.response_format).toMatchObject({
          type: 'json_schema',
          json_schema: { schema: reportSchema },
        });
      }
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

    it("upstream errors become the SDK's own ApiError with the status", async () => {
      const { mock } = matrix;
      const failure = async () => {
        try {
          await generate('x', {}, model, stream);
        } catch (caught) {
          return caught as ApiError;
        }
        throw new Error('the request did not fail');
      };

      mock.enqueue({ kind: 'error', status: 400, body: upstreamErrorBody(format, 400, badRequestMessage) });
      const badRequest = await failure();
      expect(badRequest).toBeInstanceOf(ApiError);
      expect(badRequest.status).toBe(400);
      expect(badRequest.message).toContain(badRequestMessage);
      expect(badRequest.message).toContain('INVALID_ARGUMENT');

      mock.enqueue(rateLimitReply(format));
      const limited = await failure();
      expect(limited).toBeInstanceOf(ApiError);
      expect(limited.status).toBe(429);
      expect(limited.message).toContain('RESOURCE_EXHAUSTED');

      // API.md 1: an upstream failure, failover exhausted, is a 502.
      mock.enqueue({ kind: 'error', status: 500 });
      const failed = await failure();
      expect(failed).toBeInstanceOf(ApiError);
      expect(failed.status).toBe(502);
      if (!stream) return;

      // After the first byte the status is sent: a stream the upstream breaks ends with an error
      // payload, which the SDK raises, and is logged as the failure it was.
      for (const broken of brokenStreams) {
        const before = await newestLogId(matrix);
        mock.enqueue(broken.reply);
        let received = '';
        const midStream = await (async () => {
          for await (const chunk of await ai.models.generateContentStream({ model, contents: 'x' })) {
            received += chunk.text ?? '';
          }
        })().then(
          () => undefined,
          (caught: unknown) => caught as ApiError,
        );
        expect(midStream, broken.name).toBeInstanceOf(ApiError);
        expect(midStream?.status).toBeGreaterThanOrEqual(500);
        expect('a b c d e f'.startsWith(received)).toBe(true);
        expect(received).not.toBe('a b c d e f');
        expect(await nextLogRow(matrix, before), broken.name).toMatchObject({
          status: 502,
          error_code: 'upstream_stream_error',
        });
      }
    });

    // The SDK's chat session keeps only turns it deems valid (every chunk's content has parts); a
    // dropped turn loses the function call, and the function response then answers nothing.
    it('a chat session keeps the tool call turn and relays the results', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', toolCalls: parallelToolCalls(format), chunks: 3 });
      const chat = ai.chats.create({ model, config: { tools } });
      const question = 'Weather and time in Paris?';
      if (stream) {
        for await (const _chunk of await chat.sendMessageStream({ message: question })) {
          // drained
        }
      } else {
        await chat.sendMessage({ message: question });
      }
      const history = chat.getHistory(true);
      expect(history.map((content) => content.role)).toEqual(expect.arrayContaining(['user', 'model']));
      const calls = history.flatMap((content) =>
        (content.parts ?? []).flatMap((part) => (part.functionCall ? [part.functionCall] : [])),
      );
      expect(calls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);

      mock.enqueue({ kind: 'chat', content: 'It is 21°C and 14:05 in Paris.' });
      const answer = await chat.sendMessage({
        message: calls.map((call) => ({
          functionResponse: {
            ...(call.id ? { id: call.id } : {}),
            name: call.name,
            response: call.name === 'get_weather' ? weatherResult : { output: timeResult },
          },
        })),
      });
      expect(answer.text).toBe('It is 21°C and 14:05 in Paris.');
      expectUpstreamToolTurn(format, lastUpstreamBody(mock));
    });
  });
});

// A PDF is an inlineData part for Gemini and a `document` block for Claude; both models read it.
// Dropped on the way, the model answered about a document it never saw.
describe('a PDF from a Gemini client, to an Anthropic upstream', () => {
  it('reaches Claude as a base64 document block, with no warning', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const response = await ai.models.generateContent({
      model: 'up-anthropic',
      contents: [
        {
          role: 'user',
          parts: [
            { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0xLjQK' } },
            { text: 'Summarise it' },
          ],
        },
      ],
    });
    expect(lastUpstreamBody(matrix.mock).messages).toEqual([
      {
        role: 'user',
        content: [
          {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' },
          },
          { type: 'text', text: 'Summarise it' },
        ],
      },
    ]);
    expect(response.sdkHttpResponse?.headers?.['x-switchboard-warnings']).toBeUndefined();
  });
});

describe('translation warnings reach a Gemini client', () => {
  it('seed to an Anthropic upstream: X-Switchboard-Warnings and the log row', async () => {
    const { response, body } = await sayHi('up-anthropic', { seed: 42 });
    expect(body).not.toHaveProperty('seed');
    const warnings = warningsOf(response);
    expect(warnings).toEqual([expect.objectContaining({ type: 'unsupported-setting', field: 'seed' })]);
    const requestId = response.sdkHttpResponse?.headers?.['x-request-id'] ?? '';
    const [row] = await logRows(matrix.gateway, `?request_id=${requestId}`);
    expect(row?.warnings).toEqual(warnings);
  });

  it('nothing to warn about on the same-format path', async () => {
    const { response, body } = await sayHi('up-gemini', { seed: 42 });
    expect(body.generationConfig).toMatchObject({ seed: 42 });
    expect(response.sdkHttpResponse?.headers?.['x-switchboard-warnings']).toBeUndefined();
  });
});

describe('generation settings a Gemini client sends reach other upstreams as meant', () => {
  // `thinkingBudget: 0` is how a Gemini client turns thinking off (gemini-2.5-flash thinks by
  // default). Turned into thinking on, it costs tokens and changes the sampling the client set; as
  // `reasoning_effort` it makes a non-reasoning OpenAI model refuse the request.
  it.each(['up-anthropic', 'up-openai'])('thinkingBudget 0 turns thinking off for %s', async (model) => {
    const { body } = await sayHi(model, { temperature: 0.2, thinkingConfig: { thinkingBudget: 0 } });
    expect(body).not.toHaveProperty('thinking');
    expect(body).not.toHaveProperty('reasoning_effort');
    expect(body.temperature).toBe(0.2);
  });

  // `includeThoughts` alone, or `thinkingBudget: -1`, is Gemini's dynamic thinking: the model thinks
  // as much as it sees fit, and the client sees the thoughts. Claude thinks only when sent a budget,
  // so without one the client asked for thoughts and silently got none.
  it.each([{ includeThoughts: true }, { thinkingBudget: -1, includeThoughts: true }])(
    'dynamic thinking (%o) reaches an Anthropic upstream as thinking on, and the thoughts come back',
    async (thinkingConfig) => {
      matrix.mock.enqueue({ kind: 'chat', content: 'ok', reasoningContent: 'Let me think.' });
      const response = await ai.models.generateContent({
        model: 'up-anthropic',
        contents: 'Hi',
        config: { maxOutputTokens: 8000, thinkingConfig },
      });
      const body = lastUpstreamBody(matrix.mock);
      expect(body.thinking).toMatchObject({ type: 'enabled' });
      const budget = (body.thinking as { budget_tokens: number }).budget_tokens;
      expect(budget).toBeGreaterThanOrEqual(1024);
      expect(budget).toBeLessThan(8000);
      expect(body.max_tokens).toBe(8000);
      const parts = response.candidates?.[0]?.content?.parts ?? [];
      expect(parts).toContainEqual(expect.objectContaining({ thought: true, text: 'Let me think.' }));
      expect(response.text).toBe('ok');
    },
  );

  // Dynamic thinking the client does not want to see (`thinkingBudget: -1` alone): turning Claude's
  // thinking on would bill thinking it never sees, and cost it the forced JSON-schema tool and its
  // temperature (Anthropic takes neither with thinking).
  it('dynamic thinking without includeThoughts leaves Claude thinking off, the schema enforced and the temperature kept', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: '{"city":"Paris"}' });
    const response = await ai.models.generateContent({
      model: 'up-anthropic',
      contents: 'Where?',
      config: {
        temperature: 0.2,
        responseMimeType: 'application/json',
        responseSchema: {
          type: Type.OBJECT,
          properties: { city: { type: Type.STRING } },
          required: ['city'],
        },
        thinkingConfig: { thinkingBudget: -1 },
      },
    });
    const body = lastUpstreamBody(matrix.mock);
    expect(body.thinking).toBeUndefined();
    expect(body.temperature).toBe(0.2);
    expect(body.tool_choice).toMatchObject({ type: 'tool' });
    expect(warningsOf(response)).toContainEqual(
      expect.objectContaining({ type: 'unsupported-setting', field: 'reasoning' }),
    );
  });

  // Gemini takes five stop sequences, OpenAI four: a fifth made the OpenAI upstream refuse (400).
  it('five stopSequences reach an OpenAI upstream as the four it takes, with a warning', async () => {
    const { response, body } = await sayHi('up-openai', {
      stopSequences: ['one', 'two', 'three', 'four', 'five'],
    });
    expect(body.stop).toEqual(['one', 'two', 'three', 'four']);
    expect(warningsOf(response)).toEqual([expect.objectContaining({ type: 'changed-value', field: 'stop' })]);
  });

  // Gemini takes a toolConfig with no tools declared; OpenAI refuses a tool_choice without tools
  // (400 "'tool_choice' is only allowed when 'tools' are specified").
  it('a toolConfig without tools reaches an OpenAI upstream without tool_choice', async () => {
    const { body } = await sayHi('up-openai', {
      toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } },
    });
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
  });

  // Google's structured-output guide answers a list (`responseSchema` of type ARRAY); OpenAI takes
  // only an object at the root of a json_schema response format (400 "schema must be a JSON Schema
  // of 'type: "object"'").
  it('a responseSchema with an array at its root reaches an OpenAI upstream as an instruction', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: '["Paris","Rome"]' });
    const response = await ai.models.generateContent({
      model: 'up-openai',
      contents: 'Two capitals',
      config: {
        systemInstruction: 'Be brief.',
        responseMimeType: 'application/json',
        responseSchema: { type: Type.ARRAY, items: { type: Type.STRING } },
      },
    });
    expect(JSON.parse(response.text ?? '')).toEqual(['Paris', 'Rome']);
    const body = lastUpstreamBody(matrix.mock);
    expect(body).not.toHaveProperty('response_format');
    const [system] = body.messages as { role: string; content: string }[];
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('Be brief.');
    expect(system?.content).toContain('{"type":"array","items":{"type":"string"}}');
    expect(warningsOf(response)).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', field: 'response_format' }),
    ]);
  });

  // The translated path answers one candidate: asking an OpenAI upstream for n=2 pays for two
  // completions of which the client sees one (and a stream interleaves the two choices' text).
  it('candidateCount 2 to an OpenAI upstream asks for one choice and says so', async () => {
    const { response, body } = await sayHi('up-openai', { candidateCount: 2 });
    expect(response.candidates).toHaveLength(1);
    expect(body.n ?? 1).toBe(1);
    expect(warningsOf(response)).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', field: 'n' }),
    ]);
  });
});

// OpenAI reasoning models reason at their default effort (medium) unless told otherwise: thinking
// turned off, sent as no effort at all, still paid for medium reasoning.
describe('thinkingBudget 0 from a Gemini client, to an OpenAI reasoning model', () => {
  beforeAll(async () => {
    await addMockChannel(matrix, 'openai', 'openai-reasoning', {
      'up-gpt-5-mini': 'gpt-5-mini',
      'up-o4-mini': 'o4-mini',
      'up-gpt-5-1': 'gpt-5.1',
    });
  });

  it.each([
    ['up-gpt-5-mini', 'gpt-5-mini', 'minimal'],
    ['up-o4-mini', 'o4-mini', 'low'],
  ])('%s gets its least effort, and the client a warning saying so', async (model, upstreamModel, least) => {
    const { response, body } = await sayHi(model, { thinkingConfig: { thinkingBudget: 0 } });
    expect(body.reasoning_effort).toBe(least);
    expect(warningsOf(response)).toEqual([
      changedValue(
        'reasoning',
        `${upstreamModel} cannot turn reasoning off; reasoning_effort '${least}', its least, was sent`,
      ),
    ]);
  });

  it("gpt-5.1, which can turn it off, gets 'none' without a warning", async () => {
    const { response, body } = await sayHi('up-gpt-5-1', { thinkingConfig: { thinkingBudget: 0 } });
    expect(body.reasoning_effort).toBe('none');
    expect(warningsOf(response)).toEqual([]);
  });

  // gpt-5.1 refuses 'minimal' with a 400 ("'minimal' is not supported with the 'gpt-5.1' model");
  // of the efforts it takes, 'none' and 'low' are as near, and the lower, its fastest, is sent.
  it("thinkingLevel MINIMAL reaches gpt-5.1 as 'none', the nearest effort it takes, with a warning", async () => {
    const { response, body } = await sayHi('up-gpt-5-1', {
      thinkingConfig: { thinkingLevel: ThinkingLevel.MINIMAL },
    });
    expect(body.reasoning_effort).toBe('none');
    expect(warningsOf(response)).toEqual([
      changedValue(
        'reasoning_effort',
        "gpt-5.1 does not take reasoning_effort 'minimal'; 'none', the nearest it takes, was sent",
      ),
    ]);
  });
});

describe('a user turn with text beside its function responses', () => {
  // Gemini takes a turn's parts in any order; OpenAI refuses (400) any message between an
  // assistant's tool_calls and the tool messages that answer them.
  it('reaches an OpenAI upstream with the tool messages right after the calls', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'It is 21°C.' });
    const response = await ai.models.generateContent({
      model: 'up-openai',
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: weatherArgs } }] },
        {
          role: 'user',
          parts: [
            { text: 'Here is what the tool said.' },
            { functionResponse: { name: 'get_weather', response: weatherResult } },
          ],
        },
      ],
      config: { tools },
    });
    expect(response.text).toBe('It is 21°C.');
    const messages = lastUpstreamBody(matrix.mock).messages as { role: string; content: unknown }[];
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(messages[3]?.content).toBe('Here is what the tool said.');
  });
});

// Gemini takes function names with dots and colons (FunctionDeclaration.name); OpenAI and
// Anthropic take only `^[a-zA-Z0-9_-]{1,64}$` and refused the whole request (400). Such names reach
// them renamed (apart from every other name of the request), and come back as the client's own.
describe.each(upstreams.filter((upstream) => upstream.format !== 'gemini'))(
  'function names a $format upstream refuses',
  ({ format, model }) => {
    const named: FunctionDeclaration[] = [
      { name: 'get.weather', description: 'Weather in a city', parametersJsonSchema: weatherSchema },
      { name: 'ns:get_time', description: 'Local time in a zone', parametersJsonSchema: timeSchema },
      // What a plain replacement of the dot would collide with.
      { name: 'get_weather', description: 'Weather, older', parametersJsonSchema: weatherSchema },
    ];
    const config = { tools: [{ functionDeclarations: named }] };

    it.each(modes)('reach it renamed and come back as declared ($mode)', async ({ stream }) => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', content: 'Which city?' });
      const question: Content = { role: 'user', parts: [{ text: 'Weather and time in Paris?' }] };
      expect((await generate([question], config, model, stream)).text).toBe('Which city?');
      const sent = upstreamToolNames(format, lastUpstreamBody(mock));
      expect(sent).toHaveLength(3);
      expect(new Set(sent).size).toBe(3);
      for (const name of sent) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(sent[2]).toBe('get_weather');

      mock.enqueue({
        kind: 'chat',
        chunks: 3,
        toolCalls: [
          { name: sent[0]!, arguments: JSON.stringify(weatherArgs) },
          { name: sent[1]!, arguments: JSON.stringify(timeArgs) },
        ],
      });
      const first = await generate([question], config, model, stream);
      expect(first.functionCalls.map(({ name, args }) => ({ name, args }))).toEqual([
        { name: 'get.weather', args: weatherArgs },
        { name: 'ns:get_time', args: timeArgs },
      ]);

      mock.enqueue({ kind: 'chat', content: 'It is 21°C and 14:05 in Paris.' });
      const responses: Part[] = first.functionCalls.map((call) => ({
        functionResponse: {
          ...(call.id ? { id: call.id } : {}),
          name: call.name,
          response: call.name === 'get.weather' ? weatherResult : { output: timeResult },
        },
      }));
      const second = await generate(
        [question, { role: 'model', parts: first.parts }, { role: 'user', parts: responses }],
        config,
        model,
        stream,
      );
      expect(second.text).toBe('It is 21°C and 14:05 in Paris.');
      const seen = upstreamToolExchange(format, lastUpstreamBody(mock));
      expect(seen.calls.map((call) => call.name)).toEqual([sent[0], sent[1]]);
      expect(seen.results).toHaveLength(2);
    });
  },
);

/** A HEIC image (its `ftyp` box), as an iPhone photo is. */
const heicBase64 = 'AAAAGGZ0eXBoZWljAAAAAG1pZjE=';

/**
 * Images only Gemini reads: a `fileData` link only Google can fetch (a Cloud Storage `gs://` object,
 * a Files API upload), and an inline HEIC photo (OpenAI and Anthropic take JPEG, PNG, GIF and WebP).
 * `says`: what the client is told to change when no channel of the model can take it.
 */
const imagesOnlyGeminiReads: { name: string; part: Part; sent: string; says: string[] }[] = [
  {
    name: 'a gs:// link',
    part: { fileData: { fileUri: 'gs://my-bucket/images/cat.png', mimeType: 'image/png' } },
    sent: 'gs://my-bucket/images/cat.png',
    says: ['gs://my-bucket/images/cat.png', 'inlineData'],
  },
  {
    name: 'a Files API link',
    part: {
      fileData: {
        fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123',
        mimeType: 'image/png',
      },
    },
    sent: 'https://generativelanguage.googleapis.com/v1beta/files/abc123',
    says: ['https://generativelanguage.googleapis.com/v1beta/files/abc123', 'inlineData'],
  },
  {
    name: 'an inline HEIC image',
    part: { inlineData: { mimeType: 'image/heic', data: heicBase64 } },
    sent: heicBase64,
    says: ['image/heic', 'convert the image to JPEG or PNG'],
  },
];

const askingAbout = (part: Part): Content[] => [
  { role: 'user', parts: [{ text: 'What is in this image?' }, part] },
];

// Such images were relayed to OpenAI and Anthropic, which answered 400 with a message about their
// own fields. When no channel of the model can take one, the client is told what to change, in its
// own format, and no upstream is called; the log row lists the channel as skipped.
describe.each(upstreams.filter((upstream) => upstream.format !== 'gemini'))(
  'an image a $format upstream cannot take, with no other channel',
  ({ model }) => {
    it.each(imagesOnlyGeminiReads)(
      '$name is refused with a 400 saying what to change',
      async ({ part, says }) => {
        const { mock } = matrix;
        const before = await newestLogId(matrix);
        const error = await ai.models.generateContent({ model, contents: askingAbout(part) }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).status).toBe(400);
        const body = JSON.parse((error as ApiError).message) as {
          error: { status: string; message: string };
        };
        expect(body.error.status).toBe('INVALID_ARGUMENT');
        for (const words of says) expect(body.error.message).toContain(words);
        expect(mock.requests).toHaveLength(0);
        expect(await nextLogRow(matrix, before)).toMatchObject({
          status: 400,
          error_code: 'unsupported_by_channel',
          channel_id: null,
          upstream_model: null,
          attempts: [{ channel: expect.any(Number), outcome: 'skipped_unsupported' }],
        });
      },
    );
  },
);

// A channel that cannot take the request is skipped, uncalled, for the next channel of the route
// that can: here a Gemini channel of lower priority. The answer, its warnings (a seed, which Claude
// would have warned about) and the log row are the Gemini channel's.
describe.each(upstreams.filter((upstream) => upstream.format !== 'gemini'))(
  'a route with a $format channel first and a Gemini channel second',
  ({ format, upstreamModel }) => {
    const model = `${format}-then-gemini`;
    let firstId: number;
    let geminiId: number;

    beforeAll(async () => {
      const { gateway, mock } = matrix;
      firstId = await gateway.addChannel({
        name: `first-${format}`,
        provider: format,
        base_url: format === 'openai' ? `${mock.url}/v1` : mock.url,
        api_key: `sk-upstream-${format}`,
        models: [model],
        model_map: { [model]: upstreamModel },
        priority: 10,
      });
      geminiId = await gateway.addChannel({
        name: `then-gemini-after-${format}`,
        provider: 'gemini',
        base_url: mock.url,
        api_key: 'sk-upstream-gemini',
        models: [model],
        model_map: { [model]: 'gemini-2.5-flash' },
      });
    });

    it('sends a plain request to the first channel', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', content: 'Hello' });
      expect((await generate('Hi', {}, model, false)).text).toBe('Hello');
      expect(mock.requests.map((request) => request.path)).not.toContain(
        '/v1beta/models/gemini-2.5-flash:generateContent',
      );
    });

    describe.each(modes)('$mode', ({ stream }) => {
      it.each(imagesOnlyGeminiReads)('$name is served by the Gemini channel', async ({ part, sent }) => {
        const { mock } = matrix;
        const before = await newestLogId(matrix);
        mock.enqueue({ kind: 'chat', content: 'A cat.' });
        const answer = await generate(askingAbout(part), { seed: 7 }, model, stream);
        expect(answer.text).toBe('A cat.');
        const action = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
        expect(mock.requests.map((request) => request.path)).toEqual([
          `/v1beta/models/gemini-2.5-flash:${action}`,
        ]);
        expect(JSON.stringify(lastUpstreamBody(mock).contents)).toContain(sent);
        expect(await nextLogRow(matrix, before)).toMatchObject({
          status: 200,
          channel_id: geminiId,
          upstream_model: 'gemini-2.5-flash',
          attempts: [
            { channel: firstId, outcome: 'skipped_unsupported' },
            { channel: geminiId, outcome: 'ok' },
          ],
          warnings: [],
        });
      });
    });
  },
);

describe('a Files API link to a Gemini model', () => {
  const fileUri = 'https://generativelanguage.googleapis.com/v1beta/files/abc123';
  const contents = [
    {
      role: 'user',
      parts: [{ text: 'What is in this image?' }, { fileData: { fileUri, mimeType: 'image/png' } }],
    },
  ];

  it('reaches the Gemini upstream as it was sent', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'A cat.' });
    const response = await ai.models.generateContent({ model: 'up-gemini', contents });
    expect(response.text).toBe('A cat.');
    expect(JSON.stringify(lastUpstreamBody(matrix.mock).contents)).toContain(fileUri);
  });

  it('is counted by countTokens', async () => {
    const counted = await ai.models.countTokens({ model: 'up-gemini', contents });
    expect(counted.totalTokens).toBeGreaterThan(0);
  });
});
