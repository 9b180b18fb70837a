import { describe, expect, it } from 'vitest';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';

const chunk = (choice: Record<string, unknown>) =>
  JSON.stringify({ id: 'chatcmpl-1', model: 'm', created: 1, choices: [{ index: 0, ...choice }] });

function decode(...data: string[]) {
  const decoder = new OpenAiChatStreamDecoder();
  const events = data.flatMap((item) => decoder.push({ data: item }));
  return { events, end: decoder.end() };
}

const cut = (message: string) => [
  { type: 'error', error: expect.objectContaining({ status: 502, code: 'upstream_error', message }) },
];

describe('OpenAiChatStreamDecoder at the end of the stream', () => {
  it('owes nothing after a finish reason, with or without [DONE]', () => {
    const text = chunk({ delta: { content: 'Hi' }, finish_reason: null });
    const stop = chunk({ delta: {}, finish_reason: 'stop' });
    expect(decode(text, stop, '[DONE]').end).toEqual([]);
    expect(decode(text, stop).end).toEqual([]);
  });

  it('takes [DONE] without a finish reason for a finished answer', () => {
    const { end } = decode(chunk({ delta: { content: 'Hi' } }), '[DONE]');
    expect(end).toEqual([{ type: 'finish', reason: { unified: 'other', raw: 'done' } }]);
  });

  it('reports a stream cut before its finish reason, after closing its open tool call', () => {
    const { end } = decode(
      chunk({ delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{' } }] } }),
    );
    expect(end).toEqual([
      { type: 'tool-call-end', index: 0 },
      ...cut("The upstream's stream ended before its answer did"),
    ]);
  });

  it('reports a stream with no chunk at all, even one that says [DONE]', () => {
    expect(decode().end).toEqual(cut("The upstream's stream ended without an answer"));
    expect(decode('[DONE]').end).toEqual(cut("The upstream's stream ended without an answer"));
  });

  it('adds nothing after the upstream’s own error', () => {
    const { events, end } = decode(
      chunk({ delta: { content: 'Hi' } }),
      JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      error: { message: expect.stringContaining('overloaded') },
    });
    expect(end).toEqual([]);
  });
});
