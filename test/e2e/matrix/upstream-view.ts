import { expect } from 'vitest';
import type { MockUpstream } from '../../mock-upstream/index.ts';
import {
  geminiCallSignature,
  parallelToolCalls,
  timeArgs,
  timeResult,
  weatherArgs,
  weatherResult,
  type UpstreamFormat,
} from './matrix-setup.ts';

/**
 * What the mock received, read in the upstream's own wire format, so that a test can say "the
 * upstream got the tool results associated with the right calls" once for all three formats.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** The body of the last request the mock received. */
export function lastUpstreamBody(mock: MockUpstream): Json {
  const request = mock.requests.at(-1);
  if (request === undefined) throw new Error('the mock received no request');
  if (!isObject(request.body)) throw new Error(`the upstream body is not JSON: ${String(request.body)}`);
  return request.body;
}

/** A user turn of a PDF (base64 `data`) and then "Summarise it", as a Gemini upstream receives it. */
export const geminiPdfTurn = (data: string): Json[] => [
  {
    role: 'user',
    parts: [{ inlineData: { mimeType: 'application/pdf', data } }, { text: 'Summarise it' }],
  },
];

export interface UpstreamCall {
  id: string | undefined;
  name: string;
  args: unknown;
  /** Gemini: the call part's `thoughtSignature`. */
  signature?: string;
}

export interface UpstreamResult {
  /** The call id the result names (OpenAI `tool_call_id`, Anthropic `tool_use_id`, Gemini `functionResponse.id`). */
  id: string | undefined;
  /** Gemini names the function a response is for. */
  name: string | undefined;
  /** The result's value: JSON text parsed, Gemini's `{output: x}` unwrapped. */
  value: unknown;
}

const parseMaybe = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

const anthropicText = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : objects(content)
        .map((block) => (typeof block.text === 'string' ? block.text : ''))
        .join('');

/**
 * The tool calls of the last assistant turn that has any, and the tool results that follow it, as
 * the upstream received them.
 */
export function upstreamToolExchange(
  format: UpstreamFormat,
  body: Json,
): { calls: UpstreamCall[]; results: UpstreamResult[] } {
  switch (format) {
    case 'openai': {
      const messages = objects(body.messages);
      const at = messages.findLastIndex((message) => message.role === 'assistant' && message.tool_calls);
      const calls = objects(messages[at]?.tool_calls).map((call) => {
        const fn = isObject(call.function) ? call.function : {};
        return {
          id: call.id as string,
          name: fn.name as string,
          args: parseMaybe(String(fn.arguments)),
        };
      });
      const results: UpstreamResult[] = [];
      for (const message of messages.slice(at + 1)) {
        if (message.role !== 'tool') break;
        results.push({
          id: message.tool_call_id as string,
          name: undefined,
          value: parseMaybe(
            typeof message.content === 'string' ? message.content : anthropicText(message.content),
          ),
        });
      }
      return { calls, results };
    }
    case 'anthropic': {
      const messages = objects(body.messages);
      const at = messages.findLastIndex(
        (message) =>
          message.role === 'assistant' && objects(message.content).some((block) => block.type === 'tool_use'),
      );
      const calls = objects(messages[at]?.content)
        .filter((block) => block.type === 'tool_use')
        .map((block) => ({ id: block.id as string, name: block.name as string, args: block.input }));
      const results = objects(messages[at + 1]?.content)
        .filter((block) => block.type === 'tool_result')
        .map((block) => ({
          id: block.tool_use_id as string,
          name: undefined,
          value: parseMaybe(anthropicText(block.content)),
        }));
      return { calls, results };
    }
    case 'gemini': {
      const contents = objects(body.contents);
      const at = contents.findLastIndex(
        (content) => content.role === 'model' && objects(content.parts).some((part) => part.functionCall),
      );
      const calls = objects(contents[at]?.parts).flatMap((part) => {
        if (!isObject(part.functionCall)) return [];
        const call = part.functionCall;
        const signature =
          typeof part.thoughtSignature === 'string' ? { signature: part.thoughtSignature } : {};
        return [
          {
            id: call.id as string | undefined,
            name: call.name as string,
            args: call.args ?? {},
            ...signature,
          },
        ];
      });
      const results = objects(contents[at + 1]?.parts).flatMap((part) => {
        if (!isObject(part.functionResponse)) return [];
        const response = part.functionResponse;
        const value = isObject(response.response) ? response.response : {};
        const keys = Object.keys(value);
        return [
          {
            id: response.id as string | undefined,
            name: response.name as string,
            value: keys.length === 1 && keys[0] === 'output' ? value.output : value,
          },
        ];
      });
      return { calls, results };
    }
  }
}

export type UpstreamImage =
  { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };

/** The images of the last user turn, as the upstream received them. */
export function upstreamImages(format: UpstreamFormat, body: Json): UpstreamImage[] {
  switch (format) {
    case 'openai': {
      const user = objects(body.messages).findLast((message) => message.role === 'user');
      return objects(user?.content).flatMap((part): UpstreamImage[] => {
        if (part.type !== 'image_url' || !isObject(part.image_url)) return [];
        const url = String(part.image_url.url);
        const data = /^data:([^;]+);base64,(.*)$/.exec(url);
        return [data ? { kind: 'base64', mediaType: data[1]!, data: data[2]! } : { kind: 'url', url }];
      });
    }
    case 'anthropic': {
      const user = objects(body.messages).findLast((message) => message.role === 'user');
      return objects(user?.content).flatMap((block): UpstreamImage[] => {
        if (block.type !== 'image' || !isObject(block.source)) return [];
        const source = block.source;
        if (source.type === 'base64') {
          return [{ kind: 'base64', mediaType: String(source.media_type), data: String(source.data) }];
        }
        return [{ kind: 'url', url: String(source.url) }];
      });
    }
    case 'gemini': {
      const user = objects(body.contents).findLast((content) => content.role !== 'model');
      return objects(user?.parts).flatMap((part): UpstreamImage[] => {
        if (isObject(part.inlineData)) {
          return [
            {
              kind: 'base64',
              mediaType: String(part.inlineData.mimeType),
              data: String(part.inlineData.data),
            },
          ];
        }
        if (isObject(part.fileData)) return [{ kind: 'url', url: String(part.fileData.fileUri) }];
        return [];
      });
    }
  }
}

/** The text of the last user turn, as the upstream received it. */
export function upstreamUserText(format: UpstreamFormat, body: Json): string {
  if (format === 'gemini') {
    const user = objects(body.contents).findLast((content) => content.role !== 'model');
    return objects(user?.parts)
      .map((part) => (typeof part.text === 'string' ? part.text : ''))
      .join('');
  }
  const user = objects(body.messages).findLast((message) => message.role === 'user');
  return anthropicText(user?.content);
}

/**
 * The second turn of the parallel-tools case, as the upstream received it: the two calls replayed
 * as the upstream made them (its own ids; Gemini's signature on the first), and each result
 * associated with its call in the upstream's own terms (OpenAI `tool_call_id`, Anthropic
 * `tool_use_id`, Gemini `functionResponse.name` and id).
 */
export function expectUpstreamToolTurn(format: UpstreamFormat, body: Json): void {
  const seen = upstreamToolExchange(format, body);
  expect(seen.calls.map(({ name, args }) => ({ name, args }))).toEqual([
    { name: 'get_weather', args: weatherArgs },
    { name: 'get_time', args: timeArgs },
  ]);
  const issued = parallelToolCalls(format).map((call) => call.id);
  if (format !== 'gemini') expect(seen.calls.map((call) => call.id)).toEqual(issued);
  if (format === 'gemini') expect(seen.calls[0]?.signature).toBe(geminiCallSignature);
  expect(seen.results).toHaveLength(2);
  const expected: Record<string, unknown> = { get_weather: weatherResult, get_time: timeResult };
  for (const result of seen.results) {
    const call =
      format === 'gemini'
        ? seen.calls.find((candidate) => candidate.name === result.name)
        : seen.calls.find((candidate) => candidate.id === result.id);
    expect(call, `result ${JSON.stringify(result)} answers no call`).toBeDefined();
    if (result.id !== undefined && call?.id !== undefined) expect(result.id).toBe(call.id);
    expect(result.value).toEqual(expected[call!.name]);
  }
}

/** The names of the functions the request declared, as the upstream received them. */
export function upstreamToolNames(format: UpstreamFormat, body: Json): string[] {
  switch (format) {
    case 'openai':
      return objects(body.tools).map((tool) => (isObject(tool.function) ? String(tool.function.name) : ''));
    case 'anthropic':
      return objects(body.tools).map((tool) => String(tool.name));
    case 'gemini':
      return objects(body.tools).flatMap((tool) =>
        objects(tool.functionDeclarations).map((declaration) => String(declaration.name)),
      );
  }
}
