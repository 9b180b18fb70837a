import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../core/chat-response.ts';
import { foldStreamEvents } from '../core/fold-stream-events.ts';
import type { StreamEvent } from '../core/stream-event.ts';
import { readFixtureJson, readFixtureStream } from '../../test/support/fixtures.ts';
import { anthropicMessages } from './anthropic-messages/anthropic-protocol.ts';
import type { AnthropicRequestBody } from './anthropic-messages/anthropic-wire-types.ts';
import { gemini } from './gemini/gemini-protocol.ts';
import type { GeminiPart, GeminiRequest } from './gemini/gemini-wire-types.ts';
import { includeThoughts } from './include-thoughts.ts';
import { SseReader } from './sse/sse-reader.ts';
import type { SseMessage, StreamEncoderOptions, WireProtocol } from './wire-protocol.ts';

/**
 * A conversation that changes provider: the signatures one upstream made reach a client of another
 * format (marked with their source), come back in its next request, and reach an upstream of their
 * own format unchanged, and no other.
 */

const options: StreamEncoderOptions = {
  includeUsage: false,
  requestModel: 'client-model',
  requestId: 'req-1',
};
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Signatures are base64 of opaque bytes (these with `+` and `/`, as real ones have). */
const signed = (name: string): string => Buffer.from(`\x12\xfb\xff${name} signature`).toString('base64');
const thoughtSignature = signed('thought');
const answerSignature = signed('answer');
const callSignature = signed('call');

/** A Gemini 3 answer: a thought, then answer text and a function call, each signed. */
const geminiParts: GeminiPart[] = [
  { text: 'Counting the letters.', thought: true, thoughtSignature },
  { text: 'Let me check.', thoughtSignature: answerSignature },
  { functionCall: { name: 'count', args: { word: 'strawberry' } }, thoughtSignature: callSignature },
];
const geminiAnswer = {
  candidates: [{ content: { role: 'model', parts: geminiParts }, finishReason: 'STOP', index: 0 }],
  modelVersion: 'gemini-3-pro-preview',
  responseId: 'resp-1',
};

const anthropicClear = 'anthropic/anthropic-clear-thinking.1';

function decodeStream(protocol: WireProtocol, messages: SseMessage[]): StreamEvent[] {
  const decoder = protocol.createStreamDecoder();
  return [...messages.flatMap((message) => decoder.push(message)), ...decoder.end()];
}

function encodeStream(protocol: WireProtocol, events: StreamEvent[], encoderOptions = options): SseMessage[] {
  const encoder = protocol.createStreamEncoder(encoderOptions);
  const text = events.map((event) => encoder.push(event)).join('') + encoder.end();
  const reader = new SseReader();
  return [...reader.push(Buffer.from(text)), ...reader.end()];
}

type Block = { type: string; index?: number; [field: string]: unknown };

/** An Anthropic client's SSE gathered into content blocks, as the Anthropic SDK does. */
function anthropicBlocks(messages: SseMessage[]): Block[] {
  const blocks: Block[] = [];
  const partial: string[] = [];
  for (const message of messages) {
    const event = JSON.parse(message.data) as { type: string; index: number; content_block?: Block };
    const delta = (event as { delta?: Record<string, string> }).delta;
    if (event.type === 'content_block_start' && event.content_block) {
      blocks[event.index] = { ...event.content_block };
      partial[event.index] = '';
    } else if (event.type === 'content_block_delta' && delta) {
      const block = blocks[event.index]!;
      if (delta.type === 'text_delta') block.text = `${String(block.text)}${delta.text}`;
      if (delta.type === 'thinking_delta') block.thinking = `${String(block.thinking)}${delta.thinking}`;
      if (delta.type === 'signature_delta') block.signature = delta.signature;
      if (delta.type === 'input_json_delta') partial[event.index] += delta.partial_json ?? '';
    } else if (event.type === 'content_block_stop' && blocks[event.index]?.type === 'tool_use') {
      blocks[event.index]!.input = JSON.parse(partial[event.index] || '{}');
    }
  }
  return blocks;
}

/** A Gemini client's SSE gathered into one model turn's parts, as the chat helpers keep history. */
const geminiStreamParts = (messages: SseMessage[]): GeminiPart[] =>
  messages.flatMap(
    (message) =>
      (JSON.parse(message.data) as { candidates: { content?: { parts: GeminiPart[] } }[] }).candidates[0]
        ?.content?.parts ?? [],
  );

/** The Anthropic client's next turn: its history with the answer it got, and the tool's result. */
function anthropicFollowUp(content: Block[]): unknown {
  const call = content.find((block) => block.type === 'tool_use');
  return wire({
    model: 'client-model',
    max_tokens: 8192,
    thinking: { type: 'enabled', budget_tokens: 2048 },
    messages: [
      { role: 'user', content: 'How many r are in strawberry?' },
      { role: 'assistant', content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id, content: '3' }] },
    ],
  });
}

/** The Gemini client's next turn: its history with the answer it got. */
const geminiFollowUp = (parts: GeminiPart[], thinkingConfig: Record<string, unknown>): unknown =>
  wire({
    contents: [
      { role: 'user', parts: [{ text: 'What is 925 / 5?' }] },
      { role: 'model', parts },
      { role: 'user', parts: [{ text: 'And times 2?' }] },
    ],
    generationConfig: { thinkingConfig },
  });

describe('Gemini signatures through an Anthropic client', () => {
  const expectOriginalParts = (body: Record<string, unknown>) => {
    expect((body as unknown as GeminiRequest).contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: 'Counting the letters.', thought: true, thoughtSignature },
        { text: 'Let me check.', thoughtSignature: answerSignature },
        {
          functionCall: { id: expect.any(String), name: 'count', args: { word: 'strawberry' } },
          thoughtSignature: callSignature,
        },
      ],
    });
  };

  it('whole: the client gets them marked, and the Gemini upstream gets the originals back', () => {
    const response = gemini.decodeResponse(geminiAnswer);
    const content = anthropicMessages.encodeResponse(response, options) as { content: Block[] };
    expect(content.content[0]).toEqual({
      type: 'thinking',
      thinking: 'Counting the letters.',
      signature: `SwbdGmni${thoughtSignature}`,
    });
    const next = anthropicMessages.decodeRequest(anthropicFollowUp(content.content), {});
    expect(next.value.messages[1]?.content[0]).toEqual({
      type: 'thinking',
      text: 'Counting the letters.',
      signature: thoughtSignature,
      signatureSource: 'gemini',
    });
    const upstream = gemini.encodeRequest(next.value, 'gemini-3-pro-preview');
    expectOriginalParts(upstream.value);
    expect(upstream.warnings).toEqual([]);
  });

  it('streamed: the same', () => {
    const events = decodeStream(gemini, [{ data: JSON.stringify(geminiAnswer) }]);
    const blocks = anthropicBlocks(encodeStream(anthropicMessages, events));
    expect(blocks.map((block) => [block.type, block.signature])).toEqual([
      ['thinking', `SwbdGmni${thoughtSignature}`],
      ['text', undefined],
      ['thinking', `SwbdGmni${answerSignature}`],
      ['tool_use', undefined],
    ]);
    const next = anthropicMessages.decodeRequest(anthropicFollowUp(blocks), {});
    expectOriginalParts(gemini.encodeRequest(next.value, 'gemini-3-pro-preview').value);
  });

  it('an Anthropic upstream gets none of them, with a warning each, and thinking left off', () => {
    const response = gemini.decodeResponse(geminiAnswer);
    const content = anthropicMessages.encodeResponse(response, options) as { content: Block[] };
    const next = anthropicMessages.decodeRequest(anthropicFollowUp(content.content), {});
    const upstream = anthropicMessages.encodeRequest(next.value, 'claude-sonnet-4-5');
    const body = upstream.value as unknown as AnthropicRequestBody;
    expect(body.messages[1]?.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: expect.any(String), name: 'count', input: { word: 'strawberry' } },
    ]);
    expect(body.thinking).toBeUndefined();
    expect(upstream.warnings.filter((warning) => warning.type === 'unsupported-content')).toHaveLength(2);
  });
});

describe('Anthropic signatures through a Gemini client', () => {
  /** The thinking the Anthropic upstream answered with is the first block of the turn sent back. */
  const expectOriginalThinking = (response: ChatResponse, body: Record<string, unknown>) => {
    const thinking = response.content[0];
    expect(thinking).toMatchObject({ type: 'thinking', signatureSource: 'anthropic-messages' });
    if (thinking?.type !== 'thinking') return;
    expect((body as unknown as AnthropicRequestBody).messages[1]?.content[0]).toEqual({
      type: 'thinking',
      thinking: thinking.text,
      signature: thinking.signature,
    });
  };

  it('whole: the client gets the thought marked, and the Anthropic upstream gets it back unchanged', () => {
    const response = anthropicMessages.decodeResponse(readFixtureJson(`${anthropicClear}.json`));
    const answer = gemini.encodeResponse(response, { ...options, includeThoughts: true }) as {
      candidates: { content: { parts: GeminiPart[] } }[];
    };
    const parts = answer.candidates[0]!.content.parts;
    expect(parts[0]?.thoughtSignature).toMatch(/^SwbdAnthEr4BCkYICxgC/);
    const next = gemini.decodeRequest(geminiFollowUp(parts, { includeThoughts: true }), {
      pathModel: 'models/client-model',
    });
    const upstream = anthropicMessages.encodeRequest(next.value, 'claude-sonnet-4-5');
    expectOriginalThinking(response, upstream.value);
    // includeThoughts alone is dynamic thinking: thinking stays on, with a budget of our choosing.
    expect((upstream.value as unknown as AnthropicRequestBody).thinking).toMatchObject({ type: 'enabled' });
    expect(upstream.warnings).toEqual([
      expect.objectContaining({ field: 'reasoning', type: 'changed-value' }),
    ]);
  });

  it('streamed: the same', () => {
    const events = decodeStream(
      anthropicMessages,
      readFixtureStream(`${anthropicClear}.chunks.txt`, { namedEvents: true }),
    );
    const parts = geminiStreamParts(encodeStream(gemini, events, { ...options, includeThoughts: true }));
    const next = gemini.decodeRequest(geminiFollowUp(parts, { includeThoughts: true }), {
      pathModel: 'models/client-model',
    });
    const upstream = anthropicMessages.encodeRequest(next.value, 'claude-sonnet-4-5');
    expectOriginalThinking(foldStreamEvents(events), upstream.value);
  });
});

describe('a Gemini client that did not ask for thoughts', () => {
  const decode = (generationConfig: Record<string, unknown> | undefined) =>
    gemini.decodeRequest(
      { contents: [{ role: 'user', parts: [{ text: 'What is 925 / 5?' }] }], generationConfig },
      { pathModel: 'models/client-model' },
    ).value;

  it.each([
    ['no thinkingConfig', false, undefined],
    ['a budget without includeThoughts', false, { thinkingConfig: { thinkingBudget: 1024 } }],
    ['includeThoughts', true, { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } }],
  ])('%s: thoughts included is %s', (_name, expected, generationConfig) => {
    expect(includeThoughts(decode(generationConfig))).toBe(expected);
  });

  it('gets no thought parts from an upstream that thought, whole or streamed', () => {
    const request = decode({ thinkingConfig: { thinkingBudget: 1024 } });
    expect(request.reasoning).toEqual({ budgetTokens: 1024, includeThoughts: false });
    const encoderOptions = { ...options, includeThoughts: includeThoughts(request) };
    const response = anthropicMessages.decodeResponse(readFixtureJson(`${anthropicClear}.json`));
    const whole = gemini.encodeResponse(response, encoderOptions) as {
      candidates: { content: { parts: GeminiPart[] } }[];
    };
    expect(whole.candidates[0]?.content.parts).toEqual([{ text: '925 ÷ 5 = 185' }]);
    const events = decodeStream(
      anthropicMessages,
      readFixtureStream(`${anthropicClear}.chunks.txt`, { namedEvents: true }),
    );
    const streamed = geminiStreamParts(encodeStream(gemini, events, encoderOptions));
    expect(streamed.some((part) => part.thought === true || part.thoughtSignature !== undefined)).toBe(false);
    expect(streamed.map((part) => part.text).join('')).toBe('925 ÷ 5 = 185');
  });

  it('still gets the signatures of a Gemini upstream, on plain parts', () => {
    const response = gemini.decodeResponse(geminiAnswer);
    const whole = gemini.encodeResponse(response, { ...options, includeThoughts: false }) as {
      candidates: { content: { parts: GeminiPart[] } }[];
    };
    expect(whole.candidates[0]?.content.parts).toEqual([
      { text: '', thoughtSignature },
      { text: 'Let me check.', thoughtSignature: answerSignature },
      {
        functionCall: { id: expect.any(String), name: 'count', args: { word: 'strawberry' } },
        thoughtSignature: callSignature,
      },
    ]);
  });
});
