import { describe, expect, it } from 'vitest';
import type { ChatResponse } from './chat-response.ts';
import { foldStreamEvents } from './fold-stream-events.ts';
import { responseStreamEvents } from './response-stream-events.ts';

const response: ChatResponse = {
  id: 'resp_1',
  model: 'm',
  created: 1_700_000_000,
  content: [
    { type: 'thinking', text: 'Let me see', signature: 'c2ln', signatureSource: 'anthropic-messages' },
    { type: 'thinking', text: '', redactedData: 'opaque' },
    { type: 'text', text: 'It is sunny.' },
    { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
    { type: 'tool-call', id: 'call_2', name: 'time', arguments: '' },
  ],
  finishReason: { unified: 'tool-calls', raw: 'tool_use' },
  usage: { inputTokens: 12, outputTokens: 30, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
};

describe('responseStreamEvents', () => {
  it('folds back into the response it came from', () => {
    expect(foldStreamEvents(responseStreamEvents(response))).toEqual(response);
  });

  it('numbers tool calls from 0, and gives usage before the content and after the finish', () => {
    const events = responseStreamEvents(response);
    expect(events.filter((event) => event.type === 'tool-call-start').map((event) => event.index)).toEqual([
      0, 1,
    ]);
    expect(events.findIndex((event) => event.type === 'usage')).toBe(1);
    expect(events.slice(-2).map((event) => event.type)).toEqual(['finish', 'usage']);
  });

  it('gives an answer without usage no usage event', () => {
    const events = responseStreamEvents({ ...response, usage: undefined });
    expect(events.some((event) => event.type === 'usage')).toBe(false);
  });
});
