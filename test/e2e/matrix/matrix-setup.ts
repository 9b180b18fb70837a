import { anthropicErrorBody } from '../../mock-upstream/anthropic-error.ts';
import { googleErrorBody } from '../../mock-upstream/google-error.ts';
import {
  startMockUpstream,
  type MockReply,
  type MockToolCall,
  type MockUpstream,
  type MockUsage,
} from '../../mock-upstream/index.ts';
import { openAIErrorBody } from '../../mock-upstream/openai-error.ts';
import { logRows, startTestGateway, type TestGateway } from '../../support/test-gateway.ts';
import { vi } from 'vitest';

/**
 * The client × upstream matrix: one gateway and one mock per test file, with one channel per
 * upstream format. The model a client names picks the channel (`up-openai`, `up-anthropic`,
 * `up-gemini`); each channel maps it to a real model name of its provider.
 */

export type UpstreamFormat = 'openai' | 'anthropic' | 'gemini';

export interface Upstream {
  format: UpstreamFormat;
  /** The model the client asks for. */
  model: string;
  /** What the channel sends upstream instead. */
  upstreamModel: string;
}

export const upstreams: readonly Upstream[] = [
  { format: 'openai', model: 'up-openai', upstreamModel: 'gpt-4o-mini' },
  { format: 'anthropic', model: 'up-anthropic', upstreamModel: 'claude-sonnet-4-5' },
  { format: 'gemini', model: 'up-gemini', upstreamModel: 'gemini-2.5-flash' },
];

export const modes = [
  { stream: false, mode: 'whole' },
  { stream: true, mode: 'stream' },
] as const;

export interface Matrix {
  mock: MockUpstream;
  gateway: TestGateway;
  /** An API key of the root user. */
  key: string;
  close(): Promise<void>;
}

/** The mock's base URL for a channel of `format`: OpenAI's paths start at `/v1`. */
const mockBaseUrl = (mock: MockUpstream, format: UpstreamFormat): string =>
  format === 'openai' ? `${mock.url}/v1` : mock.url;

export async function startMatrix(): Promise<Matrix> {
  const mock = await startMockUpstream();
  const gateway = await startTestGateway();
  for (const upstream of upstreams) {
    await gateway.addChannel({
      name: `mock-${upstream.format}`,
      provider: upstream.format,
      base_url: mockBaseUrl(mock, upstream.format),
      api_key: `sk-upstream-${upstream.format}`,
      models: [upstream.model],
      model_map: { [upstream.model]: upstream.upstreamModel },
    });
  }
  const key = await gateway.createKey();
  return {
    mock,
    gateway,
    key,
    async close() {
      await gateway.close();
      await mock.close();
    },
  };
}

/**
 * One more channel of `format` on the mock (`mock-<name>`, key `sk-upstream-<name>`), for a case that
 * needs an upstream model the shared channels do not send: each client model of `modelMap` is sent
 * upstream as the model it maps to.
 */
export function addMockChannel(
  matrix: Matrix,
  format: UpstreamFormat,
  name: string,
  modelMap: Record<string, string>,
): Promise<number> {
  return matrix.gateway.addChannel({
    name: `mock-${name}`,
    provider: format,
    base_url: mockBaseUrl(matrix.mock, format),
    api_key: `sk-upstream-${name}`,
    models: Object.keys(modelMap),
    model_map: modelMap,
  });
}

/** The id of the newest request-log row, to tell the next request's row from it. */
export async function newestLogId(matrix: Matrix): Promise<unknown> {
  const [row] = await logRows(matrix.gateway, '?limit=1');
  return row?.id;
}

/** The log row of the request made since `before` was read, once its stream is closed. */
export function nextLogRow(matrix: Matrix, before: unknown): Promise<Record<string, unknown>> {
  return vi.waitFor(async () => {
    const [row] = await logRows(matrix.gateway, '?limit=1');
    if (row === undefined || row.id === before) throw new Error('the request has no log row yet');
    return row;
  });
}

/**
 * Two ways an upstream breaks a stream after its first text (four frames carry it in every format;
 * Anthropic opens with three without any): its own mid-stream error event, or an end that comes
 * before the answer's (no finish reason, no `[DONE]`, no `message_stop`), as a proxy sends when it
 * times a stream out but closes it cleanly.
 */
export const brokenStreams: readonly { name: string; reply: MockReply }[] = [
  {
    name: 'an error event',
    reply: { kind: 'chat', content: 'a b c d e f', chunks: 6, streamErrorAfterChunks: 4 },
  },
  {
    name: 'an early end',
    reply: { kind: 'chat', content: 'a b c d e f', chunks: 6, streamEndAfterChunks: 4 },
  },
];

/**
 * A connection lost just before the stream's last frame: after the finish reason for OpenAI (its
 * `[DONE]` is lost) and Anthropic (its `message_stop`), before it for Gemini (whose last chunk
 * carries it). Only a Gemini upstream's answer is cut.
 */
export const lostBeforeLastFrame: MockReply = {
  kind: 'cut',
  afterChunks: 1_000,
  reply: { kind: 'chat', content: 'a b c', chunks: 3 },
};
export const answerWholeBeforeLastFrame = (format: UpstreamFormat): boolean => format !== 'gemini';

/** One Anthropic SSE event as an upstream writes it; `named`: with its `event:` line. */
export const anthropicEvent = (type: string, data: object, named = true): string =>
  `${named ? `event: ${type}\n` : ''}data: ${JSON.stringify({ type, ...data })}\n\n`;

/**
 * An Anthropic stream up to its text ("Hi"), written event by event for raw replies; `finished`: on
 * to its stop reason (everything but `message_stop`).
 */
export function anthropicStreamStart(options: { finished?: boolean; named?: boolean } = {}): string {
  const named = options.named ?? true;
  const message = { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [] };
  const events = [
    anthropicEvent(
      'message_start',
      { message: { ...message, usage: { input_tokens: 5, output_tokens: 1 } } },
      named,
    ),
    anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }, named),
    anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hi' } }, named),
  ];
  if (options.finished) {
    events.push(
      anthropicEvent('content_block_stop', { index: 0 }, named),
      anthropicEvent(
        'message_delta',
        { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } },
        named,
      ),
    );
  }
  return events.join('');
}

/** An Anthropic stream whose connection is lost inside its last event, after the stop reason. */
export const anthropicLostInMessageStop: MockReply = {
  kind: 'raw',
  body: `${anthropicStreamStart({ finished: true })}event: message_stop\ndata: {"type":"mess`,
  reset: true,
};

// ---- Scenario data, the same for every client ----

export const weatherSchema = {
  type: 'object',
  properties: {
    city: { type: 'string', description: 'City name' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
  required: ['city'],
};
export const timeSchema = {
  type: 'object',
  properties: { zone: { type: 'string', description: 'IANA time zone' } },
  required: ['zone'],
};
export const weatherArgs = { city: 'Paris', unit: 'celsius' };
export const timeArgs = { zone: 'Europe/Paris' };

/** What the tools answer in the second turn, and what the upstream must receive for each. */
export const weatherResult = { temp_c: 21 };
export const timeResult = '14:05';

/**
 * The tool-call id the upstream itself issues, in its own style. Gemini sends none: the gateway
 * makes them.
 */
export function upstreamToolId(format: UpstreamFormat, name: string): string | undefined {
  switch (format) {
    case 'openai':
      return `call_up_${name}`;
    case 'anthropic':
      return `toolu_01up${name}`;
    case 'gemini':
      return undefined;
  }
}

/**
 * Gemini 2.5+ signs the first function call of a turn (`thoughtSignature`); the signature must come
 * back with the call in the next turn, whatever the client's format.
 */
export const geminiCallSignature = 'c2lnbmF0dXJlLW9mLXRoZS1maXJzdC1jYWxs';

/** The two parallel calls the upstream makes, each in its own style (ids, Gemini's signature). */
export function parallelToolCalls(format: UpstreamFormat): MockToolCall[] {
  const weatherId = upstreamToolId(format, 'weather');
  const timeId = upstreamToolId(format, 'time');
  return [
    {
      ...(weatherId ? { id: weatherId } : {}),
      name: 'get_weather',
      arguments: JSON.stringify(weatherArgs),
      ...(format === 'gemini' ? { thoughtSignature: geminiCallSignature } : {}),
    },
    { ...(timeId ? { id: timeId } : {}), name: 'get_time', arguments: JSON.stringify(timeArgs) },
  ];
}

export const reportSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, temp_c: { type: 'number' } },
  required: ['city', 'temp_c'],
  additionalProperties: false,
};
export const report = { city: 'Paris', temp_c: 21 };
export const reportJson = JSON.stringify(report);

/** A 1×1 red PNG. */
export const pngBase64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
export const imageUrl = 'https://example.com/images/cat.png';

/**
 * Usage the mock reports, in its own format: 20 input tokens of which 8 were read from the cache
 * (and, from Anthropic, 2 written to it); 5 output tokens of which 2 were reasoning (Anthropic
 * reports no reasoning count).
 */
export function scriptedUsage(format: UpstreamFormat): MockUsage {
  return format === 'anthropic'
    ? { prompt_tokens: 20, completion_tokens: 5, cached_tokens: 8, cache_creation_tokens: 2 }
    : { prompt_tokens: 20, completion_tokens: 5, cached_tokens: 8, reasoning_tokens: 2 };
}

/** An answer sent whole to a streamed request (an upstream that does not stream), with usage. */
export const wholeAnswerToStream = (format: UpstreamFormat): MockReply => ({
  kind: 'chat',
  content: 'Hello, whole',
  usage: scriptedUsage(format),
  answerWhole: true,
});

/** The same usage, normalised: what every client must be told, each in its own terms. */
export function expectedUsage(format: UpstreamFormat) {
  return {
    input: 20,
    cached: 8,
    cacheWrite: format === 'anthropic' ? 2 : 0,
    output: 5,
    reasoning: format === 'anthropic' ? 0 : 2,
  };
}

/** An upstream's error body, in its own format, carrying our message. */
export function upstreamErrorBody(format: UpstreamFormat, status: number, message: string): unknown {
  switch (format) {
    case 'openai':
      return openAIErrorBody(status, message);
    case 'anthropic':
      return anthropicErrorBody(status, message);
    case 'gemini':
      return googleErrorBody(status, message);
  }
}

/**
 * A 429 as each upstream sends it: OpenAI and Anthropic with a `retry-after` header, Gemini with no
 * header but a RetryInfo detail in the body (fixtures/upstream/google/google-429-retry-info.json).
 * Each asks the caller to wait 7 seconds.
 */
export function rateLimitReply(format: UpstreamFormat): MockReply {
  if (format !== 'gemini') return { kind: 'error', status: 429, headers: { 'retry-after': '7' } };
  return {
    kind: 'error',
    status: 429,
    body: googleErrorBody(429, 'You exceeded your current quota, please check your plan.', [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' },
    ]),
  };
}

export const badRequestMessage = 'Invalid value for temperature: 3.5 is above the maximum of 2';

/** `X-Switchboard-Warnings` parsed (a JSON array); no header is no warnings. */
export function parseWarningsHeader(value: string | null | undefined): { field?: string; type: string }[] {
  if (value === null || value === undefined) return [];
  return JSON.parse(value) as { field?: string; type: string }[];
}
