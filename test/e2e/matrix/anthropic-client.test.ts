/**
 * The client × upstream matrix for the Anthropic SDK (`@anthropic-ai/sdk`): every case against a channel of each
 * upstream format, whole and streamed, asserting on what the SDK itself parsed and on what the
 * mock upstream received in its own format. See matrix-setup.ts for the shared gateway and data.
 */
import Anthropic, { APIError, BadRequestError, InternalServerError, RateLimitError } from '@anthropic-ai/sdk';
import type {
  ContentBlock,
  ContentBlockParam,
  Message,
  MessageCreateParamsBase,
  MessageParam,
  MessageStreamEvent,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentSettingsWarnings, extendedThinkingDocs } from '../../support/anthropic-words.ts';
import { logRows } from '../../support/test-gateway.ts';
import {
  addMockChannel,
  anthropicLostInMessageStop,
  wholeAnswerToStream,
  anthropicEvent,
  anthropicStreamStart,
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
  upstreamUserText,
  geminiPdfTurn,
} from './upstream-view.ts';
import { toolUseTurn } from '../../../src/protocols/anthropic-messages/anthropic-turns.test-support.ts';
import { changedValue } from '../../support/warnings.ts';

let matrix: Matrix;
let client: Anthropic;

beforeAll(async () => {
  matrix = await startMatrix();
  client = new Anthropic({ apiKey: matrix.key, baseURL: matrix.gateway.url, maxRetries: 0 });
});
afterAll(async () => {
  await matrix?.close();
});
beforeEach(() => matrix.mock.reset());

const tools: Tool[] = [
  { name: 'get_weather', description: 'Weather in a city', input_schema: weatherSchema as Tool.InputSchema },
  { name: 'get_time', description: 'Local time in a zone', input_schema: timeSchema as Tool.InputSchema },
];

function expectAnthropicUsage(usage: Message['usage'], format: UpstreamFormat): void {
  const expected = expectedUsage(format);
  // Anthropic's input_tokens excludes what was read from or written to the cache.
  expect(usage.input_tokens).toBe(expected.input - expected.cached - expected.cacheWrite);
  expect(usage.cache_read_input_tokens ?? 0).toBe(expected.cached);
  expect(usage.cache_creation_input_tokens ?? 0).toBe(expected.cacheWrite);
  expect(usage.output_tokens).toBe(expected.output);
}

/** Sends a request whole or streamed (through the SDK's MessageStream) and returns the SDK's final message. */
async function send(
  params: MessageCreateParamsBase,
  stream: boolean,
): Promise<{ message: Message; events: MessageStreamEvent[] }> {
  if (!stream) return { message: await client.messages.create({ ...params, stream: false }), events: [] };
  const messageStream = client.messages.stream(params);
  const events: MessageStreamEvent[] = [];
  // Cloned as they come: the SDK builds its final message by mutating the message_start event's object.
  for await (const event of messageStream) events.push(structuredClone(event));
  return { message: await messageStream.finalMessage(), events };
}

/** `params` answered "ok" by the mock: the answer's response, what the upstream got, and the warnings. */
async function answeredOk(params: MessageCreateParamsBase): Promise<{
  response: Response;
  body: Record<string, unknown>;
  warnings: ReturnType<typeof parseWarningsHeader>;
}> {
  matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
  const { data, response } = await client.messages.create({ ...params, stream: false }).withResponse();
  expect(data.content).toEqual([expect.objectContaining({ type: 'text', text: 'ok' })]);
  const warnings = parseWarningsHeader(response.headers.get('x-switchboard-warnings'));
  return { response, body: lastUpstreamBody(matrix.mock), warnings };
}

/** `answeredOk` for a plain "Hi" with these settings (max_tokens 1024 unless they say otherwise). */
const answeredHi = (model: string, settings: Partial<MessageCreateParamsBase>) =>
  answeredOk({ model, max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }], ...settings });

/** A base64 PDF as an Anthropic client sends it, and as an OpenAI upstream then receives it. */
const pdfBlock = {
  type: 'document',
  source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' },
} as const;
const pdfFilePart = {
  type: 'file',
  file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQK', filename: 'document.pdf' },
};

/**
 * The stream is well formed: message_start first, message_delta then message_stop last, blocks
 * numbered from 0 without gaps, each opened once, its deltas inside, closed once.
 */
function expectWellFormedStream(events: MessageStreamEvent[]): void {
  expect(events[0]?.type).toBe('message_start');
  expect(events.slice(-2).map((event) => event.type)).toEqual(['message_delta', 'message_stop']);
  const open = new Set<number>();
  let next = 0;
  for (const event of events.slice(1, -2)) {
    if (event.type === 'content_block_start') {
      expect(event.index).toBe(next);
      open.add(event.index);
      next += 1;
    } else if (event.type === 'content_block_delta') {
      expect(open.has(event.index)).toBe(true);
    } else if (event.type === 'content_block_stop') {
      expect(open.delete(event.index)).toBe(true);
    } else {
      throw new Error(`unexpected ${event.type} inside the message`);
    }
  }
  expect(open.size).toBe(0);
}

const toolUses = (content: ContentBlock[]) =>
  content.flatMap((block) =>
    block.type === 'tool_use' ? [{ id: block.id, name: block.name, input: block.input }] : [],
  );

/** What the client sends back: the assistant's blocks as params. */
const asParams = (content: ContentBlock[]): ContentBlockParam[] =>
  content.map((block): ContentBlockParam => {
    if (block.type === 'text') return { type: 'text', text: block.text };
    if (block.type === 'tool_use')
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    throw new Error(`unexpected ${block.type} block`);
  });

describe.each(upstreams)('Anthropic SDK → $format upstream', (upstream) => {
  const { format, model } = upstream;

  describe.each(modes)('$mode', ({ stream }) => {
    it('plain text, with usage in Anthropic terms', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', content: 'Hello from upstream', chunks: 3, usage: scriptedUsage(format) });
      const { message, events } = await send(
        { model, max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello' }] },
        stream,
      );
      expect(message.type).toBe('message');
      expect(message.id).toMatch(/^msg_/);
      expect(message.role).toBe('assistant');
      expect(message.content).toHaveLength(1);
      expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from upstream' });
      expect(message.stop_reason).toBe('end_turn');
      expectAnthropicUsage(message.usage, format);
      expect(upstreamUserText(format, lastUpstreamBody(mock))).toBe('Say hello');
      if (stream) {
        expectWellFormedStream(events);
        const deltas = events.filter((event) => event.type === 'content_block_delta');
        expect(deltas.length).toBeGreaterThan(1);
      }
    });

    // Anthropic puts the input tokens in message_start; clients that meter from the events read them
    // there. Anthropic and Gemini upstreams report them with their first chunk, so the gateway has them
    // (an OpenAI-format upstream reports usage only at the end: n/a).
    if (stream && format !== 'openai') {
      it('message_start carries the input tokens', async () => {
        matrix.mock.enqueue({
          kind: 'chat',
          content: 'Hello from upstream',
          chunks: 3,
          usage: scriptedUsage(format),
        });
        const { events } = await send(
          { model, max_tokens: 256, messages: [{ role: 'user', content: 'Say hello' }] },
          true,
        );
        const start = events[0];
        if (start?.type !== 'message_start') throw new Error(`first event is ${start?.type}`);
        const expected = expectedUsage(format);
        expect(start.message.usage.input_tokens).toBe(expected.input - expected.cached - expected.cacheWrite);
        expect(start.message.usage.cache_read_input_tokens ?? 0).toBe(expected.cached);
      });
    }

    // An upstream that does not stream (or ignores the request to) answers whole: the client still
    // gets the event stream it asked for, well formed, with the usage.
    if (stream) {
      it('an upstream that answers a stream request whole still streams to the client', async () => {
        const { mock } = matrix;
        const before = await newestLogId(matrix);
        mock.enqueue(wholeAnswerToStream(format));
        const { message, events } = await send(
          { model, max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] },
          true,
        );
        expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello, whole' })]);
        expect(message.stop_reason).toBe('end_turn');
        expectWellFormedStream(events);
        expectAnthropicUsage(message.usage, format);
        expect(await nextLogRow(matrix, before)).toMatchObject({ status: 200, stream: true });
      });
    }

    // Same format, an event cut short by a clean close: it is held back, so the client's parser
    // reads our error event after the whole ones, not a half event glued to it.
    if (stream && format === 'anthropic') {
      it('an event cut short is dropped before the error event', async () => {
        matrix.mock.enqueue({
          kind: 'raw',
          body: `${anthropicStreamStart()}event: content_block_delta\ndata: {"type":"content_blo`,
        });
        const failure = await send(
          { model, max_tokens: 256, messages: [{ role: 'user', content: 'x' }] },
          true,
        ).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(failure).toBeInstanceOf(APIError);
        expect((failure as APIError).message).toContain('not JSON');
      });
    }

    if (stream && format === 'anthropic') {
      it('a connection lost inside message_stop still ends the message whole', async () => {
        const before = await newestLogId(matrix);
        matrix.mock.enqueue(anthropicLostInMessageStop);
        const { message } = await send(
          { model, max_tokens: 256, messages: [{ role: 'user', content: 'x' }] },
          true,
        );
        expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hi' })]);
        expect(await nextLogRow(matrix, before)).toMatchObject({ status: 200 });
      });

      // Events named by their data's type alone (no event: lines), as some compatible APIs send them.
      it('adds no second message_stop to a stream that had one', async () => {
        matrix.mock.enqueue({
          kind: 'raw',
          body:
            anthropicStreamStart({ finished: true, named: false }) +
            anthropicEvent('message_stop', {}, false),
        });
        const response = await fetch(`${matrix.gateway.url}/v1/messages`, {
          method: 'POST',
          headers: {
            'x-api-key': matrix.key,
            'anthropic-version': '2023-06-01',
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            model,
            max_tokens: 256,
            stream: true,
            messages: [{ role: 'user', content: 'x' }],
          }),
        });
        expect((await response.text()).match(/"type":"message_stop"/g)).toHaveLength(1);
      });
    }

    // A connection lost after the answer's finish took nothing from it (see the OpenAI client's case).
    if (stream) {
      it('a connection lost after the stop reason still ends the stream whole', async () => {
        const before = await newestLogId(matrix);
        matrix.mock.enqueue(lostBeforeLastFrame);
        const outcome = await send(
          { model, max_tokens: 256, messages: [{ role: 'user', content: 'x' }] },
          true,
        ).then(
          (answer) => answer,
          (caught: unknown) => caught,
        );
        const row = await nextLogRow(matrix, before);
        if (answerWholeBeforeLastFrame(format)) {
          expect(outcome).toMatchObject({ message: { content: [{ type: 'text', text: 'a b c' }] } });
          expect(row).toMatchObject({ status: 200 });
        } else {
          expect(outcome).toBeInstanceOf(APIError);
          expect(row).toMatchObject({ status: 502, error_code: 'upstream_stream_error' });
        }
      });
    }

    it('a tool call with streamed arguments, and no empty text block before it', async () => {
      const { mock } = matrix;
      const id = upstreamToolId(format, 'weather');
      mock.enqueue({
        kind: 'chat',
        toolCalls: [{ ...(id ? { id } : {}), name: 'get_weather', arguments: JSON.stringify(weatherArgs) }],
        chunks: 4,
      });
      const { message, events } = await send(
        { model, max_tokens: 256, tools, messages: [{ role: 'user', content: 'Weather in Paris?' }] },
        stream,
      );
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content.map((block) => block.type)).toEqual(['tool_use']);
      expect(toolUses(message.content)).toEqual([
        { id: id ?? expect.stringMatching(/^[\w-]+$/), name: 'get_weather', input: weatherArgs },
      ]);
      if (stream) {
        expectWellFormedStream(events);
        const starts = events.filter((event) => event.type === 'content_block_start');
        expect(starts.map((event) => event.content_block.type)).toEqual(['tool_use']);
        const pieces = events.flatMap((event) =>
          event.type === 'content_block_delta' && event.delta.type === 'input_json_delta'
            ? [event.delta.partial_json]
            : [],
        );
        expect(JSON.parse(pieces.join(''))).toEqual(weatherArgs);
        // OpenAI and Anthropic stream the arguments in pieces; Gemini sends a call whole.
        if (format !== 'gemini') expect(pieces.filter((piece) => piece !== '').length).toBeGreaterThan(1);
      }
    });

    it('two parallel tool calls, then their results in the next turn', async () => {
      const { mock } = matrix;
      const issued = parallelToolCalls(format);
      const [weatherId, timeId] = issued.map((call) => call.id);
      mock.enqueue({ kind: 'chat', toolCalls: issued, chunks: 3 });
      const question: MessageParam = { role: 'user', content: 'Weather and time in Paris?' };
      const first = await send({ model, max_tokens: 256, tools, messages: [question] }, stream);
      expect(first.message.stop_reason).toBe('tool_use');
      expect(first.message.content.map((block) => block.type)).toEqual(['tool_use', 'tool_use']);
      const calls = toolUses(first.message.content);
      expect(calls.map(({ name, input }) => ({ name, input }))).toEqual([
        { name: 'get_weather', input: weatherArgs },
        { name: 'get_time', input: timeArgs },
      ]);
      if (weatherId) expect(calls.map((call) => call.id)).toEqual([weatherId, timeId]);
      expect(new Set(calls.map((call) => call.id)).size).toBe(2);

      mock.enqueue({ kind: 'chat', content: 'It is 21°C and 14:05 in Paris.' });
      const second = await send(
        {
          model,
          max_tokens: 256,
          tools,
          messages: [
            question,
            { role: 'assistant', content: asParams(first.message.content) },
            {
              role: 'user',
              content: [
                { type: 'tool_result', tool_use_id: calls[0]!.id, content: JSON.stringify(weatherResult) },
                { type: 'tool_result', tool_use_id: calls[1]!.id, content: timeResult },
              ],
            },
          ],
        },
        stream,
      );
      expect(second.message.content).toEqual([
        expect.objectContaining({ type: 'text', text: 'It is 21°C and 14:05 in Paris.' }),
      ]);
      expect(second.message.stop_reason).toBe('end_turn');

      expectUpstreamToolTurn(format, lastUpstreamBody(mock));
    });

    it('image input, base64 and URL', async () => {
      const { mock } = matrix;
      mock.enqueue({ kind: 'chat', content: 'A red pixel and a cat.' });
      const { message } = await send(
        {
          model,
          max_tokens: 256,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is in these images?' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngBase64 } },
                { type: 'image', source: { type: 'url', url: imageUrl } },
              ],
            },
          ],
        },
        stream,
      );
      expect(message.content).toEqual([
        expect.objectContaining({ type: 'text', text: 'A red pixel and a cat.' }),
      ]);
      const body = lastUpstreamBody(mock);
      expect(upstreamUserText(format, body)).toBe('What is in these images?');
      expect(upstreamImages(format, body)).toEqual([
        { kind: 'base64', mediaType: 'image/png', data: pngBase64 },
        { kind: 'url', url: imageUrl },
      ]);
    });

    // Anthropic has no response_format; its documented way to get JSON that follows a schema is a
    // forced tool whose input_schema is the schema. The upstream must be forced to that function.
    it('a JSON-schema answer through a forced tool (tool_choice: tool)', async () => {
      const { mock } = matrix;
      const id = upstreamToolId(format, 'report');
      mock.enqueue({
        kind: 'chat',
        toolCalls: [{ ...(id ? { id } : {}), name: 'record_weather', arguments: reportJson }],
        // OpenAI ends a turn whose tool call was forced by name with `stop`, not `tool_calls`.
        ...(format === 'openai' ? { finishReason: 'stop' } : {}),
        chunks: 3,
      });
      const { message } = await send(
        {
          model,
          max_tokens: 256,
          tools: [{ name: 'record_weather', input_schema: reportSchema as Tool.InputSchema }],
          tool_choice: { type: 'tool', name: 'record_weather' },
          messages: [{ role: 'user', content: 'Report the weather in Paris' }],
        },
        stream,
      );
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content.map((block) => block.type)).toEqual(['tool_use']);
      expect(toolUses(message.content)).toEqual([
        { id: id ?? expect.stringMatching(/^[\w-]+$/), name: 'record_weather', input: report },
      ]);
      const body = lastUpstreamBody(mock);
      if (format === 'openai') {
        expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'record_weather' } });
        expect(body.tools).toEqual([
          { type: 'function', function: { name: 'record_weather', parameters: reportSchema } },
        ]);
      }
      if (format === 'anthropic') expect(body.tool_choice).toEqual({ type: 'tool', name: 'record_weather' });
      if (format === 'gemini') {
        expect(body.toolConfig).toEqual({
          functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['record_weather'] },
        });
      }
    });

    it("upstream errors become the SDK's own error types", async () => {
      const { mock } = matrix;
      const params = { model, max_tokens: 64, messages: [{ role: 'user' as const, content: 'x' }] };
      const failure = async () => {
        const request = stream
          ? client.messages.create({ ...params, stream: true })
          : client.messages.create(params);
        return (await request.then(
          () => undefined,
          (caught: unknown) => caught,
        )) as APIError;
      };

      mock.enqueue({ kind: 'error', status: 400, body: upstreamErrorBody(format, 400, badRequestMessage) });
      const badRequest = await failure();
      expect(badRequest).toBeInstanceOf(BadRequestError);
      expect(badRequest.status).toBe(400);
      expect(badRequest.message).toContain(badRequestMessage);
      expect(badRequest.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

      mock.enqueue(rateLimitReply(format));
      const limited = await failure();
      expect(limited).toBeInstanceOf(RateLimitError);
      expect(limited.status).toBe(429);
      expect(limited.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });

      // API.md 1: an upstream failure, failover exhausted, is a 502.
      mock.enqueue({ kind: 'error', status: 500 });
      const failed = await failure();
      expect(failed).toBeInstanceOf(InternalServerError);
      expect(failed.status).toBe(502);
      expect(failed.error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      if (!stream) return;

      // After the first byte the status is sent: a stream the upstream breaks ends with an `error`
      // event, which the SDK raises, and is logged as the failure it was.
      for (const broken of brokenStreams) {
        const before = await newestLogId(matrix);
        mock.enqueue(broken.reply);
        const cut = client.messages.stream(params);
        let received = '';
        cut.on('text', (text) => {
          received += text;
        });
        const midStream = (await cut.finalMessage().then(
          () => undefined,
          (caught: unknown) => caught,
        )) as APIError;
        expect(midStream, broken.name).toBeInstanceOf(APIError);
        expect(midStream.error).toMatchObject({
          type: 'error',
          error: { type: expect.stringMatching(/_error$/) },
        });
        expect('a b c d e f'.startsWith(received)).toBe(true);
        expect(received).not.toBe('a b c d e f');
        expect(await nextLogRow(matrix, before), broken.name).toMatchObject({
          status: 502,
          error_code: 'upstream_stream_error',
        });
      }
    });

    // API.md 1.3: Retry-After on 429, taken from wherever the upstream said it (Gemini: RetryInfo).
    it("a 429 carries Retry-After, from the upstream's own way of saying it", async () => {
      matrix.mock.enqueue(rateLimitReply(format));
      const error = (await client.messages
        .create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'x' }], stream })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        )) as RateLimitError;
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.headers?.get('retry-after')).toBe('7');
    });
  });
});

// Newer Claude models take `thinking: {type: 'adaptive'}` (the model decides how much to think) and
// `output_config.effort`; the SDK documents both. Gemini's dynamic thinking and its budgets say the
// same, so a Gemini channel must think, and show the thoughts, as the client asked.
describe('adaptive thinking and effort from an Anthropic client, to a Gemini upstream', () => {
  it.each(modes)(
    'adaptive thinking is dynamic thinking, and the thoughts come back ($mode)',
    async ({ stream }) => {
      matrix.mock.enqueue({ kind: 'chat', content: 'ok', reasoningContent: 'Let me think.' });
      const { message } = await send(
        {
          model: 'up-gemini',
          max_tokens: 2048,
          thinking: { type: 'adaptive' },
          messages: [{ role: 'user', content: 'Hi' }],
        },
        stream,
      );
      expect(lastUpstreamBody(matrix.mock).generationConfig).toEqual({
        maxOutputTokens: 2048,
        thinkingConfig: { includeThoughts: true },
      });
      expect(message.content).toEqual([
        expect.objectContaining({ type: 'thinking', thinking: 'Let me think.' }),
        expect.objectContaining({ type: 'text', text: 'ok' }),
      ]);
    },
  );

  it('output_config.effort sets the thinking budget', async () => {
    const { body } = await answeredHi('up-gemini', {
      max_tokens: 2048,
      thinking: { type: 'adaptive' },
      output_config: { effort: 'low' },
    });
    expect(body.generationConfig).toMatchObject({
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
  });

  // gemini-2.5-flash thinks unless told not to: with no thinkingConfig, the client that turned
  // thinking off was still billed for thinking tokens.
  it("thinking {type: 'disabled'} turns thinking off", async () => {
    const { body } = await answeredHi('up-gemini', { max_tokens: 2048, thinking: { type: 'disabled' } });
    expect(body.generationConfig).toMatchObject({
      thinkingConfig: { thinkingBudget: 0 },
    });
  });
});

// Gemini answers 400 to a thinking budget outside the model's range ("The thinking budget 32000 is
// invalid"), while Claude takes any budget below max_tokens: the client got an error, not an answer.
describe('a thinking budget over what the Gemini model takes, from an Anthropic client', () => {
  beforeAll(async () => {
    await addMockChannel(matrix, 'gemini', 'gemini-pro', { 'up-gemini-pro': 'gemini-2.5-pro' });
  });

  it.each([
    ['up-gemini', 'gemini-2.5-flash', 32_000, '1 to 24576', 24_576],
    ['up-gemini-pro', 'gemini-2.5-pro', 60_000, '128 to 32768', 32_768],
  ])('to %s is lowered to its most, with a warning', async (model, upstreamModel, budget, range, most) => {
    // Streamed, as the SDK requires for a max_tokens this large.
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { data, response } = await client.messages
      .stream({
        model,
        max_tokens: 64_000,
        thinking: { type: 'enabled', budget_tokens: budget },
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .withResponse();
    expect((await data.finalMessage()).content).toEqual([
      expect.objectContaining({ type: 'text', text: 'ok' }),
    ]);
    const body = lastUpstreamBody(matrix.mock);
    const warnings = parseWarningsHeader(response.headers.get('x-switchboard-warnings'));
    expect(body.generationConfig).toMatchObject({
      thinkingConfig: { thinkingBudget: most, includeThoughts: true },
    });
    expect(warnings).toEqual([
      changedValue(
        'reasoning',
        `${upstreamModel} takes thinking budgets of ${range} tokens; a budget of ${most} tokens was sent instead of ${budget}`,
      ),
    ]);
  });
});

// 'max' asks for the most thinking; Gemini 2.5 Pro takes budgets up to 32,768 tokens, but got 24,576.
describe("output_config.effort 'max' from an Anthropic client, to Gemini 2.5 Pro", () => {
  beforeAll(async () => {
    await addMockChannel(matrix, 'gemini', 'gemini-pro-effort', { 'up-gemini-pro-effort': 'gemini-2.5-pro' });
  });

  it("is the model's most thinking budget, 32768, with a warning", async () => {
    const { body, warnings } = await answeredHi('up-gemini-pro-effort', {
      thinking: { type: 'adaptive' },
      output_config: { effort: 'max' },
    });
    expect(body.generationConfig).toMatchObject({
      thinkingConfig: { thinkingBudget: 32_768, includeThoughts: true },
    });
    expect(warnings).toEqual([
      changedValue(
        'reasoning_effort',
        "Reasoning effort 'max' was sent as a thinking budget of 32768 tokens",
      ),
    ]);
  });
});

// OpenAI reasoning models reason at their default effort (medium) unless told otherwise: thinking
// turned off, sent as no effort at all, still paid for medium reasoning.
describe("thinking {type: 'disabled'} from an Anthropic client, to an OpenAI reasoning model", () => {
  beforeAll(async () => {
    await addMockChannel(matrix, 'openai', 'openai-reasoning', { 'up-gpt-5': 'gpt-5', 'up-o3': 'o3' });
  });

  it.each([
    ['up-gpt-5', 'gpt-5', 'minimal'],
    ['up-o3', 'o3', 'low'],
  ])('%s gets its least effort, and the client a warning saying so', async (model, upstreamModel, least) => {
    const { body, warnings } = await answeredHi(model, { thinking: { type: 'disabled' } });
    expect(body.reasoning_effort).toBe(least);
    expect(warnings).toEqual([
      changedValue(
        'reasoning',
        `${upstreamModel} cannot turn reasoning off; reasoning_effort '${least}', its least, was sent`,
      ),
    ]);
  });
});

// output_config.effort 'max' is Claude's; no OpenAI model takes it, and gpt-5 not 'xhigh' either,
// so it answered 400 ("Unsupported value") instead of reasoning at its most.
describe('output_config.effort from an Anthropic client, to an OpenAI reasoning model', () => {
  beforeAll(async () => {
    await addMockChannel(matrix, 'openai', 'openai-gpt-5', { 'up-gpt-5-effort': 'gpt-5' });
  });

  it("'max' reaches gpt-5 as 'high', the most it takes, with a warning", async () => {
    const { body, warnings } = await answeredHi('up-gpt-5-effort', {
      thinking: { type: 'adaptive' },
      output_config: { effort: 'max' },
    });
    expect(body.reasoning_effort).toBe('high');
    expect(warnings).toEqual([
      changedValue(
        'reasoning_effort',
        "gpt-5 does not take reasoning_effort 'max'; 'high', the nearest it takes, was sent",
      ),
    ]);
  });
});

// Structured outputs: `output_config.format` asks for an answer in a JSON schema (documented by the
// SDK). Gemini takes the same as responseJsonSchema; dropped, the answer was free text.
describe('output_config.format from an Anthropic client, to a Gemini upstream', () => {
  it.each(modes)(
    'reaches Gemini as responseJsonSchema, and the JSON answer comes back ($mode)',
    async ({ stream }) => {
      matrix.mock.enqueue({ kind: 'chat', content: reportJson });
      const { message } = await send(
        {
          model: 'up-gemini',
          max_tokens: 256,
          output_config: { format: { type: 'json_schema', schema: reportSchema } },
          messages: [{ role: 'user', content: 'Report' }],
        },
        stream,
      );
      expect(lastUpstreamBody(matrix.mock).generationConfig).toMatchObject({
        responseMimeType: 'application/json',
        responseJsonSchema: reportSchema,
      });
      expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: reportJson })]);
    },
  );
});

// A PDF is a `document` block for Claude and an inlineData part for Gemini; both models read it.
// Dropped on the way, the model answered about a document it never saw.
describe('a PDF document from an Anthropic client, to a Gemini or OpenAI upstream', () => {
  it('reaches Gemini as inline application/pdf data, with no warning', async () => {
    const { response, body } = await answeredOk({
      model: 'up-gemini',
      max_tokens: 64,
      messages: [{ role: 'user', content: [pdfBlock, { type: 'text', text: 'Summarise it' }] }],
    });
    expect(body.contents).toEqual(geminiPdfTurn('JVBERi0xLjQK'));
    expect(response.headers.get('x-switchboard-warnings')).toBeNull();
  });

  it('reaches an OpenAI upstream as an inline file part', async () => {
    const { body } = await answeredOk({
      model: 'up-openai',
      max_tokens: 64,
      messages: [{ role: 'user', content: [pdfBlock, { type: 'text', text: 'Summarise it' }] }],
    });
    const messages = body.messages as { content: unknown }[];
    expect(messages.at(-1)?.content).toEqual([pdfFilePart, { type: 'text', text: 'Summarise it' }]);
  });

  it("reaches an OpenAI upstream under the document's title as its file name", async () => {
    const { body } = await answeredOk({
      model: 'up-openai',
      max_tokens: 64,
      messages: [
        {
          role: 'user',
          content: [
            { ...pdfBlock, title: 'Q3 report.pdf' },
            { type: 'text', text: 'Summarise it' },
          ],
        },
      ],
    });
    const messages = body.messages as { content: unknown }[];
    expect(messages.at(-1)?.content).toEqual([
      { type: 'file', file: { ...pdfFilePart.file, filename: 'Q3 report.pdf' } },
      { type: 'text', text: 'Summarise it' },
    ]);
  });

  // Neither format has a place for a document's context or for citations: dropped silently, the
  // client thought the model had read the context and would cite the document.
  it('reaches an OpenAI upstream without its context and citations, with a warning for each', async () => {
    const { body, warnings } = await answeredOk({
      model: 'up-openai',
      max_tokens: 64,
      messages: [
        {
          role: 'user',
          content: [
            { ...pdfBlock, context: 'Unaudited figures', citations: { enabled: true } },
            { type: 'text', text: 'Summarise it' },
          ],
        },
      ],
    });
    const messages = body.messages as { content: unknown }[];
    expect(messages.at(-1)?.content).toEqual([pdfFilePart, { type: 'text', text: 'Summarise it' }]);
    expect(warnings).toEqual(documentSettingsWarnings('messages[0].content[0]'));
  });
});

describe('translation warnings reach an Anthropic client', () => {
  const topKRequest = (model: string) =>
    client.messages
      .create({
        model,
        max_tokens: 64,
        // @ts-expect-error: the Messages API takes top_k; this SDK version no longer types it
        top_k: 5,
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .withResponse();

  it('top_k to an OpenAI upstream: X-Switchboard-Warnings and the log row', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { data, response } = await topKRequest('up-openai');
    expect(data.content).toEqual([expect.objectContaining({ type: 'text', text: 'ok' })]);
    expect(matrix.mock.requests[0]?.body).not.toHaveProperty('top_k');
    const warnings = parseWarningsHeader(response.headers.get('x-switchboard-warnings'));
    expect(warnings).toEqual([expect.objectContaining({ type: 'unsupported-setting', field: 'top_k' })]);
    const [row] = await logRows(matrix.gateway, `?request_id=${response.headers.get('x-request-id')}`);
    expect(row?.warnings).toEqual(warnings);
  });

  // The server tool is dropped; a tool_choice left without tools would make OpenAI answer 400, and
  // Gemini dropped the forced choice without a word.
  it.each([
    { model: 'up-openai', unsent: ['tools', 'tool_choice', 'parallel_tool_calls'] },
    { model: 'up-gemini', unsent: ['tools', 'toolConfig'] },
  ])(
    'tool_choice with only a server tool to $model: no tool settings sent, with warnings',
    async ({ model, unsent }) => {
      const { body, warnings } = await answeredOk({
        model,
        max_tokens: 64,
        tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        messages: [{ role: 'user', content: 'Latest news?' }],
      });
      for (const field of unsent) expect(body).not.toHaveProperty(field);
      expect(warnings).toEqual([
        expect.objectContaining({ type: 'unsupported-tool', field: 'tools[0]' }),
        expect.objectContaining({ type: 'unsupported-setting', field: 'toolChoice' }),
      ]);
    },
  );

  // The server tool is dropped, but a choice forcing it named a function the upstream never got:
  // OpenAI answered 400, Gemini was told to call only a function it did not have.
  const forcingServerTool: MessageCreateParamsBase = {
    model: 'up-openai',
    max_tokens: 64,
    tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }, ...tools.slice(0, 1)],
    tool_choice: { type: 'tool', name: 'web_search' },
    messages: [{ role: 'user', content: 'Latest news?' }],
  };
  const forcedToAuto = [
    expect.objectContaining({ type: 'unsupported-tool', field: 'tools[0]' }),
    expect.objectContaining({
      type: 'changed-value',
      field: 'tool_choice',
      message: expect.stringMatching(/auto/),
    }),
  ];

  it('tool_choice forcing a dropped server tool to an OpenAI upstream: auto, with a warning', async () => {
    const { body, warnings } = await answeredOk(forcingServerTool);
    expect(body.tools).toEqual([
      expect.objectContaining({ function: expect.objectContaining({ name: 'get_weather' }) }),
    ]);
    expect(body.tool_choice).toBe('auto');
    expect(warnings).toEqual(forcedToAuto);
  });

  it('tool_choice forcing a dropped server tool to a Gemini upstream: AUTO, with a warning', async () => {
    const { body, warnings } = await answeredOk({ ...forcingServerTool, model: 'up-gemini' });
    expect(body.tools).toEqual([
      { functionDeclarations: [expect.objectContaining({ name: 'get_weather' })] },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(warnings).toEqual(forcedToAuto);
  });

  it('tool_choice forcing a server tool to an Anthropic upstream: forwarded as sent, no warning', async () => {
    const { body, warnings } = await answeredOk({ ...forcingServerTool, model: 'up-anthropic' });
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'web_search' });
    expect(warnings).toEqual([]);
  });

  it('more stop sequences than OpenAI takes (4): the first 4 are sent, with a warning', async () => {
    const { body, warnings } = await answeredHi('up-openai', {
      max_tokens: 64,
      stop_sequences: ['END', 'STOP', '###', 'Human:', 'Observation:'],
    });
    expect(body.stop).toEqual(['END', 'STOP', '###', 'Human:']);
    expect(warnings).toEqual([expect.objectContaining({ type: 'changed-value', field: 'stop' })]);
  });

  // OpenAI tool messages take text only: the images come in a user message after the tool messages.
  it('images in tool results to an OpenAI upstream: sent in a user message after the results, with a warning', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'Both show a red pixel.' });
    const { data, response } = await client.messages
      .create({
        model: 'up-openai',
        max_tokens: 64,
        tools,
        messages: [
          { role: 'user', content: 'Weather maps of Paris and Lyon?' },
          toolUseTurn(
            ['toolu_paris', 'get_weather', { city: 'Paris' }],
            ['toolu_lyon', 'get_weather', { city: 'Lyon' }],
          ),
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_paris',
                content: [
                  { type: 'text', text: 'Map of Paris' },
                  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngBase64 } },
                ],
              },
              {
                type: 'tool_result',
                tool_use_id: 'toolu_lyon',
                content: [{ type: 'image', source: { type: 'url', url: imageUrl } }],
              },
            ],
          },
        ],
      })
      .withResponse();
    expect(data.content).toEqual([expect.objectContaining({ type: 'text', text: 'Both show a red pixel.' })]);
    const body = lastUpstreamBody(matrix.mock);
    const roles = (body.messages as { role: string }[]).map((message) => message.role);
    expect(roles).toEqual(['user', 'assistant', 'tool', 'tool', 'user']);
    expect(upstreamImages('openai', body)).toEqual([
      { kind: 'base64', mediaType: 'image/png', data: pngBase64 },
      { kind: 'url', url: imageUrl },
    ]);
    expect(parseWarningsHeader(response.headers.get('x-switchboard-warnings'))).toEqual([
      expect.objectContaining({ type: 'changed-value', field: 'tool_result.content' }),
    ]);
  });

  it('top_k to a Gemini upstream translates: no warning', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { response } = await topKRequest('up-gemini');
    expect(lastUpstreamBody(matrix.mock).generationConfig).toMatchObject({ topK: 5 });
    expect(response.headers.get('x-switchboard-warnings')).toBeNull();
  });

  it('a field the gateway cannot translate (output_config.effort without thinking) is reported on a stream, not dropped silently', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { data: stream, response } = await client.messages
      .create({
        model: 'up-gemini',
        max_tokens: 64,
        stream: true,
        output_config: { effort: 'low' },
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .withResponse();
    for await (const _event of stream) {
      // drained
    }
    const warnings = parseWarningsHeader(response.headers.get('x-switchboard-warnings'));
    expect(warnings).toEqual([expect.objectContaining({ field: 'output_config.effort' })]);
    const [row] = await logRows(matrix.gateway, `?request_id=${response.headers.get('x-request-id')}`);
    expect(row?.warnings).toEqual(warnings);
  });
});

// Tools return PDFs too (a fetched report, a generated invoice). Dropped with the tool result's
// other content kept, the model answered about a document it never saw.
describe('a PDF in a tool result from an Anthropic client', () => {
  const askAboutInvoice = (model: string) =>
    client.messages
      .create({
        model,
        max_tokens: 64,
        tools,
        messages: [
          { role: 'user', content: 'What does the invoice say?' },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'toolu_invoice', name: 'get_weather', input: { city: 'Paris' } },
            ],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_invoice',
                content: [{ type: 'text', text: 'The invoice' }, pdfBlock],
              },
            ],
          },
        ],
      })
      .withResponse();

  it('reaches a Gemini upstream as inline application/pdf data after the function response', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { response } = await askAboutInvoice('up-gemini');
    const contents = lastUpstreamBody(matrix.mock).contents as { parts: unknown[] }[];
    expect(contents.at(-1)?.parts).toEqual([
      { functionResponse: expect.objectContaining({ response: { output: 'The invoice' } }) as unknown },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0xLjQK' } },
    ]);
    expect(parseWarningsHeader(response.headers.get('x-switchboard-warnings'))).toEqual([
      expect.objectContaining({ type: 'changed-value' }),
    ]);
  });

  it('reaches an OpenAI upstream as a file part in a user message after the tool message', async () => {
    matrix.mock.enqueue({ kind: 'chat', content: 'ok' });
    const { response } = await askAboutInvoice('up-openai');
    const messages = lastUpstreamBody(matrix.mock).messages as { role: string; content: unknown }[];
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(messages.at(-2)?.content).toBe('The invoice');
    expect(messages.at(-1)?.content).toEqual([
      { type: 'text', text: 'The result of tool call toolu_invoice included this document:' },
      pdfFilePart,
    ]);
    expect(parseWarningsHeader(response.headers.get('x-switchboard-warnings'))).toEqual([
      expect.objectContaining({ type: 'changed-value', field: 'tool_result.content' }),
    ]);
  });
});

// Gemini and OpenAI take a temperature up to 2 and a tool choice with nothing to choose from; the
// Messages API refuses both. Forwarded, the client got an answer Anthropic would never give.
describe('a request the Messages API refuses is refused the same way on every channel', () => {
  const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // The Messages API takes `temperature`; this SDK version no longer types it (see top_k above).
  type Params = Omit<MessageCreateParamsBase, 'model'> & {
    temperature?: number;
    top_p?: number;
    top_k?: number;
  };
  const thinking: Params = {
    max_tokens: 4096,
    thinking: { type: 'enabled', budget_tokens: 2048 },
    messages: [{ role: 'user', content: 'Think, then answer.' }],
  };
  const refused: { name: string; params: Params; message: string }[] = [
    {
      name: 'temperature above 1',
      params: { max_tokens: 64, temperature: 1.5, messages: [{ role: 'user', content: 'Hi' }] },
      message: 'temperature: must be less than or equal to 1',
    },
    {
      name: 'a tool choice naming no declared tool',
      params: {
        max_tokens: 64,
        tools: tools.slice(0, 1),
        tool_choice: { type: 'tool', name: 'get_time' },
        messages: [{ role: 'user', content: 'What time is it?' }],
      },
      message: "Tool 'get_time' not found in provided tools",
    },
    {
      name: "tool_choice 'any' without tools",
      params: {
        max_tokens: 64,
        tool_choice: { type: 'any' },
        messages: [{ role: 'user', content: 'Hi' }],
      },
      message: 'tool_choice.any may only be specified while providing tools',
    },
    // Extended thinking with a budget: what the Messages API refuses beside it.
    {
      name: 'a thinking budget below 1024',
      params: { ...thinking, thinking: { type: 'enabled', budget_tokens: 512 } },
      message: 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
    },
    {
      name: 'max_tokens not above the thinking budget',
      params: { ...thinking, max_tokens: 2048 },
      message: `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. ${extendedThinkingDocs}#max-tokens-and-context-window-size`,
    },
    {
      name: 'temperature other than 1 with thinking',
      params: { ...thinking, temperature: 0.2 },
      message: `\`temperature\` may only be set to 1 when thinking is enabled. ${extendedThinkingDocs}#important-considerations-when-using-extended-thinking`,
    },
    {
      name: 'top_p below 0.95 with thinking',
      params: { ...thinking, top_p: 0.9 },
      message: '`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled',
    },
    {
      name: 'top_k with thinking',
      params: { ...thinking, top_k: 40 },
      message: `\`top_k\` must be unset when thinking is enabled. ${extendedThinkingDocs}#important-considerations-when-using-extended-thinking`,
    },
    {
      name: 'a forced tool_choice with thinking',
      params: { ...thinking, tools, tool_choice: { type: 'tool', name: 'get_weather' } },
      message: 'Thinking may not be enabled when tool_choice forces tool use.',
    },
  ];

  async function refusal(params: MessageCreateParamsBase, stream: boolean): Promise<APIError> {
    const request = stream
      ? client.messages.create({ ...params, stream: true })
      : client.messages.create({ ...params, stream: false });
    return (await request.then(
      () => undefined,
      (caught: unknown) => caught,
    )) as APIError;
  }

  /** A 400 `invalid_request_error`, as the SDK raises it, whose message `text` matches. */
  function expectAnthropicRefusal(error: APIError, text: RegExp): void {
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringMatching(text) },
    });
  }

  describe.each(modes)('$mode', ({ stream }) => {
    describe.each(refused)('$name', ({ params, message }) => {
      it.each(['up-gemini', 'up-openai'])('%s: refused before any upstream call', async (model) => {
        // Anthropic's message itself, then the request id every gateway error carries.
        const exactly = new RegExp(`^${escapeRegExp(message)} \\(request id: [^)]+\\)$`);
        expectAnthropicRefusal(await refusal({ ...params, model }, stream), exactly);
        expect(matrix.mock.requests).toEqual([]);
      });

      it('up-anthropic: the upstream itself refuses it, in the same words', async () => {
        const quoted = new RegExp(escapeRegExp(message));
        expectAnthropicRefusal(await refusal({ ...params, model: 'up-anthropic' }, stream), quoted);
        expect(matrix.mock.requests).toHaveLength(1);
      });
    });
  });
});

describe('a thinking budget above max_tokens with the interleaved-thinking beta', () => {
  // The beta makes the budget the whole turn's, which may exceed max_tokens: a translated request
  // must not be refused for it.
  it.each(['up-gemini', 'up-openai'])('%s: answered', async (model) => {
    const message = await client.messages.create(
      {
        model,
        max_tokens: 1024,
        thinking: { type: 'enabled', budget_tokens: 4096 },
        messages: [{ role: 'user', content: 'Think, then answer.' }],
      },
      { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } },
    );
    expect(message.content.length).toBeGreaterThan(0);
    expect(matrix.mock.requests).toHaveLength(1);
  });
});

describe('count_tokens with extended thinking, from an Anthropic client', () => {
  // count_tokens takes a thinking budget but no max_tokens: the budget is not checked against one.
  it.each(['up-gemini', 'up-openai', 'up-anthropic'])('%s: counted, not refused', async (model) => {
    const counted = await client.messages.countTokens({
      model,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'Think, then answer.' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(matrix.mock.requests).toEqual([]);
  });
});
