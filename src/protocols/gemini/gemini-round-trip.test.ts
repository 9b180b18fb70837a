import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatRequest, ToolChoice } from '../../core/chat-request.ts';
import type { ChatResponse } from '../../core/chat-response.ts';
import type {
  AssistantContentPart,
  ImagePart,
  ToolCallPart,
  UserContentPart,
} from '../../core/content-part.ts';
import { foldStreamEvents } from '../../core/fold-stream-events.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import type { Message } from '../../core/message.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import type { Usage } from '../../core/usage.ts';
import {
  identifier,
  jsonArguments,
  textPart,
  toolDefinition,
  uniqueBy,
} from '../../../test/support/core-arbitraries.ts';
import { SseReader } from '../sse/sse-reader.ts';
import { gemini } from './gemini-protocol.ts';
import { decodeGeminiFinishReason } from './map-gemini-finish-reason.ts';

/** Text that is not JSON-object-looking (a tool result's JSON object text is sent as that object). */
const text = fc
  .string({ minLength: 1, maxLength: 30, unit: 'grapheme' })
  .filter((value) => !value.trimStart().startsWith('{'));
const signature = fc.base64String({ minLength: 4, maxLength: 24 }).filter((value) => value.length > 0);
/** JSON has no -0: a value read back from the wire is 0. */
const number = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map((value) => value + 0);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const image: fc.Arbitrary<ImagePart> = fc.oneof(
  fc
    .tuple(
      fc.webUrl({ withQueryParameters: false, withFragments: false }),
      fc.constantFrom('png', 'jpg', 'webp'),
    )
    .map(([url, extension]): ImagePart => ({
      type: 'image',
      source: { kind: 'url', url: `${url}/picture.${extension}` },
    })),
  fc
    .tuple(fc.constantFrom('image/png', 'image/jpeg'), fc.base64String({ minLength: 4, maxLength: 40 }))
    .map(([mediaType, data]): ImagePart => ({ type: 'image', source: { kind: 'base64', mediaType, data } })),
);

const call: fc.Arbitrary<ToolCallPart> = fc
  .tuple(fc.stringMatching(/^call_[A-Za-z0-9]{6,12}$/), identifier, jsonArguments, maybe(signature))
  .map(([id, name, args, sig]) => ({
    type: 'tool-call',
    id,
    name,
    arguments: args,
    ...(sig ? { signature: sig } : {}),
  }));

/** An assistant turn as Gemini can say it: thinking first, then text (its signature after it), then calls. */
const assistantContent = (calls: fc.Arbitrary<ToolCallPart[]>): fc.Arbitrary<AssistantContentPart[]> =>
  fc
    .tuple(maybe(fc.tuple(text, maybe(signature))), maybe(fc.tuple(text, maybe(signature))), calls)
    .map(([thinking, answer, toolCalls]) => [
      ...(thinking
        ? [
            {
              type: 'thinking' as const,
              text: thinking[0],
              ...(thinking[1] ? { signature: thinking[1], signatureSource: 'gemini' as const } : {}),
            },
          ]
        : []),
      ...(answer ? [{ type: 'text' as const, text: answer[0] }] : []),
      ...(answer?.[1]
        ? [{ type: 'thinking' as const, text: '', signature: answer[1], signatureSource: 'gemini' as const }]
        : []),
      ...toolCalls,
    ])
    .filter((content) => content.length > 0);

const userContent: fc.Arbitrary<UserContentPart[]> = fc.array(
  fc.oneof(
    text.map((value): UserContentPart => ({ type: 'text', text: value })),
    image,
  ),
  { minLength: 1, maxLength: 3 },
);

/** A model turn, then the user turn answering its calls (and maybe saying more). */
const exchange: fc.Arbitrary<Message[]> = assistantContent(fc.array(call, { maxLength: 3 }))
  .chain((content) => {
    const calls = content.flatMap((part) => (part.type === 'tool-call' ? [part] : []));
    return fc.tuple(
      fc.constant(content),
      fc.array(fc.tuple(text, fc.boolean()), { minLength: calls.length, maxLength: calls.length }),
      calls.length > 0 ? maybe(userContent) : userContent,
    );
  })
  .map(([content, results, after]): Message[] => {
    const calls = content.flatMap((part) => (part.type === 'tool-call' ? [part] : []));
    return [
      { role: 'assistant', content },
      ...(calls.length > 0
        ? [
            {
              role: 'tool' as const,
              content: calls.map((part, index) => ({
                type: 'tool-result' as const,
                toolCallId: part.id,
                name: part.name,
                content: [{ type: 'text' as const, text: results[index]![0] }],
                ...(results[index]![1] ? { isError: true } : {}),
              })),
            },
          ]
        : []),
      ...(after ? [{ role: 'user' as const, content: after }] : []),
    ];
  });

/** Calls' ids unique across the whole conversation, as every format needs. */
const conversation: fc.Arbitrary<Message[]> = fc
  .tuple(userContent, fc.array(exchange, { maxLength: 3 }))
  .map(([first, exchanges]): Message[] => [{ role: 'user', content: first }, ...exchanges.flat()])
  .filter((messages) => {
    const ids = messages.flatMap((message) =>
      message.role === 'assistant'
        ? message.content.flatMap((part) => (part.type === 'tool-call' ? [part.id] : []))
        : [],
    );
    return new Set(ids).size === ids.length;
  });

const request: fc.Arbitrary<ChatRequest> = fc
  .record(
    {
      model: identifier.map((name) => `gemini-${name}`),
      system: fc.array(textPart, { maxLength: 2 }).map((parts) => parts.filter((part) => part.text !== '')),
      messages: conversation,
      stream: fc.boolean(),
      tools: uniqueBy(toolDefinition, (tool) => tool.name),
      temperature: number(0, 2),
      topP: number(0, 1),
      topK: fc.integer({ min: 1, max: 100 }),
      maxOutputTokens: fc.integer({ min: 1, max: 65536 }),
      stopSequences: fc.array(text, { minLength: 1, maxLength: 5 }),
      seed: fc.integer(),
      presencePenalty: number(-2, 2),
      frequencyPenalty: number(-2, 2),
      choiceCount: fc.constant(1),
      responseFormat: fc.oneof(
        fc.constant({ type: 'json-object' as const }),
        fc.constant({
          type: 'json-schema' as const,
          name: 'response',
          schema: { type: 'object', properties: { a: { type: 'string' } } },
        }),
      ),
      // Thoughts are asked for whenever thinking is on, and a Gemini client's request says whether.
      // Budgets are those gemini-2.5-flash takes: others are fitted into its range, with a warning.
      reasoning: fc.oneof(
        fc.constant({ includeThoughts: true }),
        fc.nat({ max: 24576 }).map((budgetTokens) => ({ budgetTokens, includeThoughts: budgetTokens > 0 })),
      ),
    },
    { requiredKeys: ['model', 'system', 'messages', 'stream'] },
  )
  .chain((value) =>
    (value.tools
      ? fc.oneof(
          fc.constantFrom<ToolChoice | undefined>(undefined, 'auto', 'none', 'required'),
          fc.constantFrom(...value.tools.map((tool): ToolChoice => ({ type: 'tool', name: tool.name }))),
        )
      : fc.constant(undefined)
    ).map((toolChoice) => (toolChoice === undefined ? value : { ...value, toolChoice })),
  );

const usage: fc.Arbitrary<Usage> = fc
  .tuple(fc.nat(100_000), fc.nat(100_000), fc.nat(100_000), fc.nat(100_000))
  .map(([input, cachedPart, output, reasoningPart]) => ({
    inputTokens: input,
    cachedInputTokens: Math.min(cachedPart, input),
    outputTokens: output,
    reasoningTokens: Math.min(reasoningPart, output),
    cacheWriteTokens: 0,
  }));

/** A raw Gemini reason and what it means given the content (STOP with calls is tool-calls). */
const finishFor = (content: AssistantContentPart[]) =>
  fc
    .constantFrom('STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'MALFORMED_FUNCTION_CALL', 'OTHER')
    .map((raw) =>
      decodeGeminiFinishReason(
        raw,
        content.some((part) => part.type === 'tool-call'),
      ),
    );

const response: fc.Arbitrary<ChatResponse> = assistantContent(
  fc.uniqueArray(call, { selector: (part) => part.id, maxLength: 3 }),
).chain((content) =>
  fc.record({
    id: fc.stringMatching(/^[A-Za-z0-9_-]{8,24}$/),
    model: identifier,
    created: fc.constant(0),
    content: fc.constant(content),
    finishReason: finishFor(content),
    usage: maybe(usage),
  }),
);

const options = (model: string) => ({ includeUsage: true, requestModel: model, requestId: 'req-1' });

describe('Gemini round trips', () => {
  it('decodeRequest(encodeRequest(x)) gives x back for any request Gemini can express', () => {
    fc.assert(
      fc.property(request, (original) => {
        const { value: body, warnings } = gemini.encodeRequest(original, 'gemini-2.5-flash');
        expect(warnings).toEqual([]);
        const wire: unknown = JSON.parse(JSON.stringify(body));
        const decoded = gemini.decodeRequest(wire, {
          pathModel: `models/${original.model}`,
          pathStream: original.stream,
        });
        expect(decoded.warnings).toEqual([]);
        expect(decoded.value).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });

  it('decodeResponse(encodeResponse(x)) gives x back', () => {
    fc.assert(
      fc.property(response, (original) => {
        const wire: unknown = JSON.parse(
          JSON.stringify(gemini.encodeResponse(original, options(original.model))),
        );
        expect({ ...gemini.decodeResponse(wire), created: 0 }).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });

  it('stream encoder → SSE bytes, cut anywhere → SseReader → stream decoder gives the same events, calls whole', () => {
    const streamed = response.chain((whole) =>
      fc.tuple(
        fc.constant(whole),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 64 }),
      ),
    );
    fc.assert(
      fc.property(streamed, ([whole, cuts, size]) => {
        const events = toEvents(whole, cuts);
        const encoder = gemini.createStreamEncoder(options(whole.model));
        const bytes = Buffer.from(events.map((event) => encoder.push(event)).join('') + encoder.end());
        const reader = new SseReader();
        const decoder = gemini.createStreamDecoder();
        const out: StreamEvent[] = [];
        for (let at = 0; at < bytes.length; at += size) {
          for (const message of reader.push(bytes.subarray(at, at + size)))
            out.push(...decoder.push(message));
        }
        for (const message of reader.end()) out.push(...decoder.push(message));
        out.push(...decoder.end());
        // Same content, usage and finish; the same events bar usage, with each call's arguments in one piece.
        expect({ ...foldStreamEvents(out), created: 0 }).toEqual(whole);
        const withoutUsage = (list: StreamEvent[]) =>
          list
            .filter((event) => event.type !== 'usage')
            .map((event) => (event.type === 'message-start' ? { ...event, created: 0 } : event));
        expect(withoutUsage(out)).toEqual(withoutUsage(joinCallDeltas(events)));
      }),
      { numRuns: 300 },
    );
  });

  it('an error event survives the stream as an error of the same status', () => {
    const encoder = gemini.createStreamEncoder(options('m'));
    const text =
      encoder.push({ type: 'text-delta', text: 'a' }) +
      encoder.push({ type: 'error', error: new GatewayError(503, 'upstream_unavailable', 'down') }) +
      encoder.end();
    const reader = new SseReader();
    const decoder = gemini.createStreamDecoder();
    const out = [...reader.push(Buffer.from(text)), ...reader.end()].flatMap((message) =>
      decoder.push(message),
    );
    expect(out.map((event) => event.type)).toEqual(['message-start', 'text-delta', 'error']);
    expect(out[2]).toMatchObject({ error: { status: 502, code: 'upstream_error' } });
  });
});

/** A response as the events an upstream would stream: text and thinking cut into pieces, calls' arguments too. */
function toEvents(whole: ChatResponse, cuts: number[]): StreamEvent[] {
  const pieces = (value: string) => {
    const out: string[] = [];
    let at = 0;
    for (let index = 0; at < value.length; index += 1) {
      const size = cuts[index % cuts.length]!;
      out.push(value.slice(at, at + size));
      at += size;
    }
    return out;
  };
  const events: StreamEvent[] = [{ type: 'message-start', id: whole.id, model: whole.model, created: 0 }];
  let index = 0;
  for (const part of whole.content) {
    if (part.type === 'text') {
      events.push(...pieces(part.text).map((piece): StreamEvent => ({ type: 'text-delta', text: piece })));
    } else if (part.type === 'thinking') {
      const texts = part.text === '' ? [''] : pieces(part.text);
      events.push(
        ...texts.map((piece, at): StreamEvent => ({
          type: 'thinking-delta',
          text: piece,
          ...(at === texts.length - 1 && part.signature
            ? { signature: part.signature, signatureSource: part.signatureSource }
            : {}),
        })),
      );
    } else {
      events.push({
        type: 'tool-call-start',
        index,
        id: part.id,
        name: part.name,
        ...(part.signature ? { signature: part.signature } : {}),
      });
      events.push(
        ...pieces(part.arguments).map((piece): StreamEvent => ({
          type: 'tool-call-delta',
          index,
          argumentsDelta: piece,
        })),
      );
      events.push({ type: 'tool-call-end', index });
      index += 1;
    }
  }
  events.push({ type: 'finish', reason: whole.finishReason });
  if (whole.usage) events.push({ type: 'usage', usage: whole.usage });
  return events;
}

/** What a Gemini stream can say: each call's arguments in one delta, each thinking piece a delta. */
function joinCallDeltas(events: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const event of events) {
    const last = out.at(-1);
    if (event.type === 'tool-call-delta' && last?.type === 'tool-call-delta' && last.index === event.index) {
      out[out.length - 1] = { ...last, argumentsDelta: last.argumentsDelta + event.argumentsDelta };
    } else {
      out.push(event);
    }
  }
  return out;
}
