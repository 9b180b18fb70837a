import fc from 'fast-check';
import type { ChatRequest, ToolChoice, ToolDefinition } from '../../core/chat-request.ts';
import type { ChatResponse } from '../../core/chat-response.ts';
import type {
  AssistantContentPart,
  ImagePart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from '../../core/content-part.ts';
import type { FinishReason } from '../../core/finish-reason.ts';
import type { Message } from '../../core/message.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { embedSignature } from '../../core/tool-call-id.ts';
import type { Usage } from '../../core/usage.ts';

/**
 * fast-check arbitraries for the round-trip properties: core values the Anthropic format can
 * express, in their canonical form (what decoding an Anthropic body yields).
 */

/** Non-empty text that does not end in whitespace (Anthropic trims a final assistant text). */
const text = fc.string({ minLength: 1, maxLength: 12 }).filter((value) => !/\s$/.test(value));
const identifier = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,11}$/);
/** Canonical base64 (what a signature is): survives base64 → base64url → base64. */
const signature = fc
  .uint8Array({ minLength: 3, maxLength: 24 })
  .map((bytes) => Buffer.from(bytes).toString('base64'));
const jsonArguments = fc
  .dictionary(
    identifier,
    fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null)),
    {
      maxKeys: 3,
    },
  )
  .map((input) => JSON.stringify(input));

const textPart: fc.Arbitrary<TextPart> = text.map((value) => ({ type: 'text', text: value }));
const imagePart: fc.Arbitrary<ImagePart> = fc.oneof(
  fc.webUrl().map((url): ImagePart => ({ type: 'image', source: { kind: 'url', url } })),
  fc
    .base64String({ minLength: 4, maxLength: 16 })
    .map((data): ImagePart => ({ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data } })),
);
const userContent = fc.array(fc.oneof(textPart, textPart, imagePart), { minLength: 1, maxLength: 3 });

const thinkingPart: fc.Arbitrary<AssistantContentPart> = fc.oneof(
  fc.record({
    type: fc.constant('thinking' as const),
    text: fc.string({ maxLength: 12 }),
    signature,
    signatureSource: fc.constant('anthropic-messages' as const),
  }),
  signature.map((data) => ({ type: 'thinking' as const, text: '', redactedData: data })),
);

const toolCall = (id: string): fc.Arbitrary<ToolCallPart> =>
  fc
    .record({ name: identifier, args: jsonArguments, signed: fc.option(signature, { nil: undefined }) })
    .map(({ name, args, signed }) =>
      // A Gemini signature reaches the core inside an id the gateway gave out, so it is already embedded.
      signed === undefined
        ? { type: 'tool-call', id, name, arguments: args }
        : { type: 'tool-call', id: embedSignature(id, signed), name, arguments: args, signature: signed },
    );

const assistantMessage = (turn: number): fc.Arbitrary<Message> =>
  fc
    .record({
      thinking: fc.array(thinkingPart, { maxLength: 2 }),
      texts: fc.array(textPart, { maxLength: 2 }),
      calls: fc
        .integer({ min: 0, max: 2 })
        .chain((count) =>
          count === 0
            ? fc.constant<ToolCallPart[]>([])
            : fc.tuple(...Array.from({ length: count }, (_, at) => toolCall(`toolu_${turn}_${at}`))),
        ),
    })
    .filter(({ thinking, texts, calls }) => thinking.length + texts.length + calls.length > 0)
    .map(({ thinking, texts, calls }) => ({ role: 'assistant', content: [...thinking, ...texts, ...calls] }));

const resultContent = fc.oneof(
  fc.constant<(TextPart | ImagePart)[]>([]),
  textPart.map((part) => [part]),
  fc.array(fc.oneof(textPart, imagePart), { minLength: 2, maxLength: 3 }),
);

/** The turn after an assistant turn: its tool results (one message each, named), then maybe a user message. */
const answer = (previous: Message): fc.Arbitrary<Message[]> => {
  const calls = previous.content.filter((part): part is ToolCallPart => part.type === 'tool-call');
  const results = fc.tuple(
    ...calls.map((call) =>
      fc.record({ content: resultContent, isError: fc.boolean() }).map(({ content, isError }): Message => {
        const result: ToolResultPart = { type: 'tool-result', toolCallId: call.id, name: call.name, content };
        if (isError) result.isError = true;
        return { role: 'tool', content: [result] };
      }),
    ),
  );
  const userAfter =
    calls.length === 0 ? userContent.map((content) => [content]) : fc.array(userContent, { maxLength: 1 });
  return fc
    .tuple(results, userAfter)
    .map(([tools, users]) => [...tools, ...users.map((content): Message => ({ role: 'user', content }))]);
};

const conversation: fc.Arbitrary<Message[]> = fc.integer({ min: 0, max: 3 }).chain((exchanges) => {
  let messages: fc.Arbitrary<Message[]> = userContent.map((content) => [{ role: 'user', content }]);
  for (let turn = 0; turn < exchanges; turn++) {
    messages = messages.chain((before) =>
      assistantMessage(turn).chain((reply) => answer(reply).map((after) => [...before, reply, ...after])),
    );
  }
  // Sometimes end on an assistant turn (a prefill).
  return fc
    .tuple(messages, fc.option(assistantMessage(9), { nil: undefined }))
    .map(([before, last]) => (last === undefined ? before : [...before, last]));
});

const tools: fc.Arbitrary<ToolDefinition[]> = fc
  .uniqueArray(identifier, { minLength: 1, maxLength: 3 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.option(text, { nil: undefined }).map((description): ToolDefinition => {
          const tool: ToolDefinition = {
            name,
            parameters: { type: 'object', properties: { q: { type: 'string' } } },
          };
          if (description !== undefined) tool.description = description;
          return tool;
        }),
      ),
    ),
  );

const probability = fc.integer({ min: 0, max: 100 }).map((value) => value / 100);

export const chatRequest: fc.Arbitrary<ChatRequest> = fc
  .record({
    system: fc.array(textPart, { maxLength: 2 }),
    messages: conversation,
    stream: fc.boolean(),
    tools: fc.option(tools, { nil: undefined }),
    choice: fc.constantFrom('auto', 'none', 'required', 'tool', undefined),
    parallel: fc.option(fc.boolean(), { nil: undefined }),
    budget: fc.option(fc.integer({ min: 1024, max: 32_000 }), { nil: undefined, freq: 2 }),
    maxOutputTokens: fc.integer({ min: 1, max: 64_000 }),
    temperature: fc.option(probability, { nil: undefined }),
    topP: fc.option(probability, { nil: undefined }),
    topK: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
    stopSequences: fc.option(fc.array(text, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    user: fc.option(identifier, { nil: undefined }),
  })
  .map((drawn) => {
    const request: ChatRequest = {
      model: 'claude-upstream',
      system: drawn.system,
      messages: drawn.messages,
      stream: drawn.stream,
      maxOutputTokens: drawn.maxOutputTokens,
    };
    // With thinking on, Anthropic wants a tool-use turn to open with its thinking block (the encoder
    // leaves thinking off otherwise, with a warning): not expressible.
    const lastAssistant = drawn.messages.findLast((message) => message.role === 'assistant');
    const toolTurnWithoutThinking =
      lastAssistant?.content.some((part) => part.type === 'tool-call') === true &&
      lastAssistant.content[0]?.type !== 'thinking';
    const thinking = drawn.budget !== undefined && !toolTurnWithoutThinking;
    if (drawn.tools !== undefined) {
      request.tools = drawn.tools;
      const forced = drawn.choice === 'required' || drawn.choice === 'tool';
      // Anthropic cannot think under forced tool use; that combination is not expressible.
      if (drawn.choice !== undefined && !(thinking && forced)) {
        const firstTool = drawn.tools[0]?.name ?? '';
        const choice: ToolChoice = drawn.choice === 'tool' ? { type: 'tool', name: firstTool } : drawn.choice;
        request.toolChoice = choice;
        if (drawn.choice !== 'none' && drawn.parallel !== undefined)
          request.parallelToolCalls = drawn.parallel;
      }
    }
    if (thinking && drawn.budget !== undefined) {
      request.reasoning = { budgetTokens: drawn.budget };
      request.maxOutputTokens = drawn.budget + drawn.maxOutputTokens;
    } else {
      // With thinking on Anthropic takes none of these; without, all.
      if (drawn.temperature !== undefined) request.temperature = drawn.temperature;
      if (drawn.topP !== undefined) request.topP = drawn.topP;
      if (drawn.topK !== undefined) request.topK = drawn.topK;
    }
    if (drawn.stopSequences !== undefined) request.stopSequences = drawn.stopSequences;
    if (drawn.user !== undefined) request.user = drawn.user;
    return request;
  });

export const usage: fc.Arbitrary<Usage> = fc
  .record({
    fresh: fc.nat({ max: 100_000 }),
    cachedInputTokens: fc.nat({ max: 100_000 }),
    cacheWriteTokens: fc.nat({ max: 10_000 }),
    outputTokens: fc.nat({ max: 10_000 }),
  })
  .map(({ fresh, cachedInputTokens, cacheWriteTokens, outputTokens }) => ({
    inputTokens: fresh + cachedInputTokens + cacheWriteTokens,
    outputTokens,
    cachedInputTokens,
    cacheWriteTokens,
    reasoningTokens: 0,
  }));

/** Finish reasons in Anthropic's words, consistent with whether the answer called tools. */
const finishReason = (withCalls: boolean): fc.Arbitrary<FinishReason> =>
  withCalls
    ? fc.constantFrom<FinishReason>(
        { unified: 'tool-calls', raw: 'tool_use' },
        { unified: 'length', raw: 'max_tokens' },
      )
    : fc.constantFrom<FinishReason>(
        { unified: 'stop', raw: 'end_turn' },
        { unified: 'stop', raw: 'stop_sequence' },
        { unified: 'length', raw: 'max_tokens' },
        { unified: 'length', raw: 'model_context_window_exceeded' },
        { unified: 'content-filter', raw: 'refusal' },
        { unified: 'other', raw: 'pause_turn' },
      );

export const chatResponse: fc.Arbitrary<ChatResponse> = fc
  .record({
    id: identifier.map((id) => `msg_${id}`),
    model: identifier,
    content: fc.array(
      fc.oneof(
        thinkingPart,
        textPart,
        fc.record({ type: fc.constant('thinking' as const), text: text }),
        fc.record({
          type: fc.constant('tool-call' as const),
          id: identifier,
          name: identifier,
          arguments: jsonArguments,
        }),
      ),
      { maxLength: 5 },
    ),
    usage,
  })
  .chain((drawn) =>
    finishReason(drawn.content.some((part) => part.type === 'tool-call')).map((reason): ChatResponse => ({
      ...drawn,
      created: 1_700_000_000,
      finishReason: reason,
    })),
  );

/** A stream's events in canonical form: segments of text, thinking, redacted thinking and tool calls. */
export const streamEvents: fc.Arbitrary<StreamEvent[]> = fc
  .record({
    startUsage: fc.option(usage, { nil: undefined }),
    segments: fc.array(
      fc.oneof(
        fc.array(text, { minLength: 1, maxLength: 3 }).map((pieces) => ({ kind: 'text' as const, pieces })),
        fc
          .tuple(fc.array(text, { minLength: 1, maxLength: 3 }), fc.option(signature, { nil: undefined }))
          .map(([pieces, signed]) => ({ kind: 'thinking' as const, pieces, signed })),
        signature.map((data) => ({ kind: 'redacted' as const, data })),
        fc
          .tuple(identifier, identifier, fc.array(text, { maxLength: 3 }))
          // A call whose input never streamed decodes with arguments `{}`, as Anthropic means it.
          .map(([id, name, pieces]) => ({
            kind: 'tool' as const,
            id,
            name,
            pieces: pieces.length === 0 ? ['{}'] : pieces,
          })),
      ),
      { maxLength: 6 },
    ),
    endUsage: fc.option(usage, { nil: undefined }),
  })
  .chain(({ startUsage, segments, endUsage }) =>
    finishReason(segments.some((segment) => segment.kind === 'tool')).map((reason) => {
      const events: StreamEvent[] = [
        { type: 'message-start', id: 'msg_stream', model: 'claude-client', created: 0 },
      ];
      if (startUsage) events.push({ type: 'usage', usage: startUsage });
      let toolIndex = 0;
      for (const segment of segments) {
        switch (segment.kind) {
          case 'text':
            events.push(...segment.pieces.map((piece): StreamEvent => ({ type: 'text-delta', text: piece })));
            break;
          case 'thinking':
            events.push(
              ...segment.pieces.map((piece): StreamEvent => ({ type: 'thinking-delta', text: piece })),
            );
            if (segment.signed) {
              events.push({
                type: 'thinking-delta',
                text: '',
                signature: segment.signed,
                signatureSource: 'anthropic-messages',
              });
            }
            break;
          case 'redacted':
            events.push({ type: 'thinking-delta', text: '', redactedData: segment.data });
            break;
          case 'tool': {
            const index = toolIndex++;
            events.push({ type: 'tool-call-start', index, id: segment.id, name: segment.name });
            events.push(
              ...segment.pieces.map((piece): StreamEvent => ({
                type: 'tool-call-delta',
                index,
                argumentsDelta: piece,
              })),
            );
            events.push({ type: 'tool-call-end', index });
            break;
          }
          default: {
            const unreachable: never = segment;
            throw new Error(`unknown segment ${JSON.stringify(unreachable)}`);
          }
        }
      }
      if (endUsage) events.push({ type: 'usage', usage: endUsage });
      events.push({ type: 'finish', reason });
      return events;
    }),
  );
