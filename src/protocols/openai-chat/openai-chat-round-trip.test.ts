import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.ts';
import type { ChatResponse } from '../../core/chat-response.ts';
import { foldStreamEvents } from '../../core/fold-stream-events.ts';
import type { Message } from '../../core/message.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import {
  imagePart,
  text,
  textPart,
  toolCallPart,
  toolDefinition,
  uniqueBy,
} from '../../../test/support/core-arbitraries.ts';
import { SseReader } from '../sse/sse-reader.ts';
import { openAiChat } from './openai-chat-protocol.ts';

/** Requests in the canonical form OpenAI's format expresses: what must survive encode → decode. */
const userMessage: fc.Arbitrary<Message> = fc.oneof(
  textPart.map((part): Message => ({ role: 'user', content: [part] })),
  fc
    .tuple(fc.array(textPart, { maxLength: 2 }), fc.array(imagePart, { minLength: 1, maxLength: 2 }))
    .map(([texts, images]): Message => ({ role: 'user', content: [...texts, ...images] })),
);

const assistantWithCalls: fc.Arbitrary<Message[]> = fc
  .tuple(
    fc.option(text, { nil: undefined }),
    uniqueBy(toolCallPart, (call) => call.id),
    fc.array(text, { minLength: 3, maxLength: 3 }),
  )
  .map(([prefix, calls, results]): Message[] => [
    {
      role: 'assistant',
      content: [...(prefix !== undefined ? [{ type: 'text' as const, text: prefix }] : []), ...calls],
    },
    ...calls.map((call, index): Message => ({
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: call.id, content: [{ type: 'text', text: results[index]! }] },
      ],
    })),
  ]);

const conversation: fc.Arbitrary<Message[]> = fc
  .array(
    fc.oneof(
      userMessage.map((message) => [message]),
      textPart.map((part): Message[] => [{ role: 'assistant', content: [part] }]),
      assistantWithCalls,
      textPart.map((part): Message[] => [{ role: 'system', content: [part] }]),
    ),
    { minLength: 0, maxLength: 4 },
  )
  .chain((turns) => userMessage.map((first) => [first, ...turns.flat()]));

/** OpenAI takes `tool_choice` and `parallel_tool_calls` only along with tools. */
const tooling = fc.record(
  {
    tools: uniqueBy(toolDefinition, (tool) => tool.name),
    toolChoice: fc.constantFrom('auto' as const, 'none' as const, 'required' as const),
    parallelToolCalls: fc.boolean(),
  },
  { requiredKeys: ['tools'] },
);

const request: fc.Arbitrary<ChatRequest> = fc
  .record(
    {
      model: fc.constantFrom('gpt-4o', 'gpt-4o-mini'),
      system: fc.option(textPart, { nil: undefined }),
      messages: conversation,
      stream: fc.boolean(),
      tooling,
      temperature: fc.double({ min: 0, max: 2, noNaN: true }).map((value) => value + 0),
      topP: fc.double({ min: 0, max: 1, noNaN: true }).map((value) => value + 0),
      maxOutputTokens: fc.integer({ min: 1, max: 100_000 }),
      stopSequences: fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
      seed: fc.integer(),
      presencePenalty: fc.double({ min: -2, max: 2, noNaN: true }).map((value) => value + 0),
      responseFormat: fc.constantFrom({ type: 'json-object' as const }, { type: 'text' as const }),
      reasoning: fc.constantFrom({ effort: 'low' as const }, { effort: 'high' as const }),
      user: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: ['model', 'messages', 'stream'] },
  )
  .map(({ system, tooling, ...rest }): ChatRequest => ({
    ...rest,
    ...tooling,
    system: system ? [system] : [],
  }));

const options = { includeUsage: true, requestModel: 'gpt-4o', requestId: 'req_test' };

describe('OpenAI chat codec round trips', () => {
  it('decode(encode(request)) gives the request back, for any request the format expresses', () => {
    fc.assert(
      fc.property(request, (original) => {
        const encoded = openAiChat.encodeRequest(original, original.model);
        expect(encoded.warnings).toEqual([]);
        const decoded = openAiChat.decodeRequest(JSON.parse(JSON.stringify(encoded.value)), {});
        // Streams always ask the upstream for usage; that option is ours, not the client's.
        expect(decoded.value).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });

  const response: fc.Arbitrary<ChatResponse> = fc
    .tuple(
      fc.option(text, { nil: undefined }),
      fc.array(toolCallPart, { maxLength: 2 }),
      fc.nat(1000),
      fc.nat(1000),
    )
    .filter(([answer, calls]) => answer !== undefined || calls.length > 0)
    .map(([answer, calls, input, output]) => ({
      id: 'chatcmpl-abc',
      model: 'gpt-4o',
      created: 1_700_000_000,
      content: [...(answer !== undefined ? [{ type: 'text' as const, text: answer }] : []), ...calls],
      finishReason:
        calls.length > 0
          ? { unified: 'tool-calls' as const, raw: 'tool_calls' }
          : { unified: 'stop' as const, raw: 'stop' },
      usage: {
        inputTokens: input,
        outputTokens: output,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
    }));

  it('decodeResponse(encodeResponse(response)) gives the response back', () => {
    fc.assert(
      fc.property(response, (original) => {
        expect(openAiChat.decodeResponse(openAiChat.encodeResponse(original, options))).toEqual(original);
      }),
    );
  });

  it('a stream encoded for a client decodes to the same response', () => {
    fc.assert(
      fc.property(response, fc.integer({ min: 1, max: 5 }), (original, pieces) => {
        const events: StreamEvent[] = [
          { type: 'message-start', id: original.id, model: original.model, created: original.created },
        ];
        let toolIndex = 0;
        for (const part of original.content) {
          if (part.type === 'text') {
            const size = Math.ceil(part.text.length / pieces);
            for (let i = 0; i < part.text.length; i += size)
              events.push({ type: 'text-delta', text: part.text.slice(i, i + size) });
          } else if (part.type === 'tool-call') {
            const index = toolIndex++;
            events.push({ type: 'tool-call-start', index, id: part.id, name: part.name });
            events.push({ type: 'tool-call-delta', index, argumentsDelta: part.arguments });
            events.push({ type: 'tool-call-end', index });
          }
        }
        events.push({ type: 'finish', reason: original.finishReason });
        events.push({ type: 'usage', usage: original.usage! });
        const encoder = openAiChat.createStreamEncoder(options);
        const sse = events.map((event) => encoder.push(event)).join('') + encoder.end();
        const reader = new SseReader();
        const decoder = openAiChat.createStreamDecoder();
        const decoded = [...reader.push(Buffer.from(sse)), ...reader.end()].flatMap((message) =>
          decoder.push(message),
        );
        decoded.push(...decoder.end());
        expect(foldStreamEvents(decoded)).toEqual(original);
      }),
    );
  });
});
