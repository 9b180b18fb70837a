import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenAiChatStreamEncoder } from './openai-chat-stream-encoder.ts';

/** Any text, from every plane (quotes, backslashes, control characters, U+2028, lone surrogates). */
const anyText = fc.string({ unit: 'binary', maxLength: 30 });

/** What a chunk must be: OpenAI's field order, as `JSON.stringify` writes this object. */
function expectedChunk(
  id: string,
  created: number,
  model: string,
  delta: object,
  finishReason: string | null,
): string {
  const chunk = {
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

describe('OpenAiChatStreamEncoder', () => {
  it('writes every chunk as the JSON of the whole chunk object would be, whatever the ids and texts', () => {
    fc.assert(
      fc.property(
        anyText,
        anyText,
        anyText,
        fc.array(anyText, { maxLength: 4 }),
        (requestId, model, id, texts) => {
          const encoder = new OpenAiChatStreamEncoder({
            includeUsage: false,
            requestModel: model,
            requestId,
          });
          const upstreamId = `chatcmpl-${id}`;
          const created = 1_700_000_123;
          let out = encoder.push({ type: 'message-start', id: upstreamId, model: 'upstream-model', created });
          let expected = expectedChunk(upstreamId, created, model, { role: 'assistant', content: '' }, null);
          for (const piece of texts) {
            out += encoder.push({ type: 'text-delta', text: piece });
            expected += expectedChunk(upstreamId, created, model, { content: piece }, null);
          }
          out += encoder.push({ type: 'finish', reason: { unified: 'stop', raw: 'stop' } });
          expected += expectedChunk(upstreamId, created, model, {}, 'stop');
          expect(out).toBe(expected);
          expect(encoder.end()).toBe('data: [DONE]\n\n');
        },
      ),
    );
  });

  it('names chunks after the gateway request until the upstream names the message', () => {
    const encoder = new OpenAiChatStreamEncoder({ includeUsage: false, requestModel: 'm', requestId: 'r1' });
    const first = encoder.push({ type: 'text-delta', text: 'a' });
    expect(first).toContain('"id":"chatcmpl-r1"');
    const renamed = new OpenAiChatStreamEncoder({ includeUsage: false, requestModel: 'm', requestId: 'r2' });
    renamed.push({ type: 'message-start', id: 'msg_1', model: 'upstream-model', created: 5 });
    // Not an OpenAI id: the gateway's own stays, the upstream's creation time is taken.
    expect(renamed.push({ type: 'text-delta', text: 'b' })).toBe(
      expectedChunk('chatcmpl-r2', 5, 'm', { content: 'b' }, null),
    );
  });
});
