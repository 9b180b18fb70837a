import { describe, expect, it } from 'vitest';
import { foldStreamEvents } from '../../core/fold-stream-events.ts';
import type { StreamEvent } from '../../core/stream-event.ts';
import { fixtureFiles, readFixtureJson, readFixtureStream } from '../../../test/support/fixtures.ts';
import { openAiChat } from './openai-chat-protocol.ts';

const decodeStream = (path: string): StreamEvent[] => {
  const decoder = openAiChat.createStreamDecoder();
  return [...readFixtureStream(path).flatMap((message) => decoder.push(message)), ...decoder.end()];
};

const folders = ['openai', 'deepseek', 'mistral', 'xai', 'openai-compatible'];
const streams = folders.flatMap((folder) => fixtureFiles(folder, '.chunks.txt'));
const wholes = folders
  .flatMap((folder) => fixtureFiles(folder, '.json'))
  .filter((path) => !/embedding|image|error/.test(path));

describe('OpenAI-format fixtures decode', () => {
  it.each(streams)('%s: one message-start, one finish, ordered tool events', (path) => {
    const events = decodeStream(path);
    expect(events.filter((event) => event.type === 'message-start')).toHaveLength(1);
    expect(events[0]?.type).toBe('message-start');
    expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
    const started = events.filter((event) => event.type === 'tool-call-start').map((event) => event.index);
    const ended = events.filter((event) => event.type === 'tool-call-end').map((event) => event.index);
    expect(ended.sort()).toEqual(started.sort());
  });

  it.each(wholes)('%s: the whole response has content and a finish reason', (path) => {
    const response = openAiChat.decodeResponse(readFixtureJson(path));
    expect(response.content.length).toBeGreaterThan(0);
    expect(response.finishReason.raw).not.toBe('');
  });

  it('OpenAI text stream: the text and usage of the recording', () => {
    const folded = foldStreamEvents(decodeStream('openai/openai-text.chunks.txt'));
    expect(folded.content).toHaveLength(1);
    expect(folded.content[0]?.type).toBe('text');
    expect(folded.usage).toEqual({
      inputTokens: 16,
      outputTokens: 300,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
    expect(folded.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
  });

  it('DeepSeek reasoning: reasoning_content becomes thinking, before the answer', () => {
    const folded = foldStreamEvents(decodeStream('deepseek/deepseek-reasoning.chunks.txt'));
    expect(folded.content.map((part) => part.type)).toEqual(['thinking', 'text']);
    const whole = openAiChat.decodeResponse(readFixtureJson('deepseek/deepseek-reasoning.json'));
    expect(whole.content.map((part) => part.type)).toEqual(['thinking', 'text']);
  });

  it('Mistral reasoning: array content with thinking parts', () => {
    const folded = foldStreamEvents(decodeStream('mistral/mistral-reasoning.chunks.txt'));
    expect(folded.content[0]).toMatchObject({ type: 'thinking' });
    expect(folded.content[1]).toMatchObject({ type: 'text', text: expect.stringContaining('4') });
    const whole = openAiChat.decodeResponse(readFixtureJson('mistral/mistral-reasoning.json'));
    expect(whole.content).toEqual([
      { type: 'thinking', text: 'The user is asking for 2+2. This is basic arithmetic. 2+2=4.' },
      { type: 'text', text: '2 + 2 = 4' },
    ]);
  });

  it('tool calls stream by index and reassemble into valid JSON arguments', () => {
    for (const path of streams.filter((name) => name.includes('tool-call'))) {
      const folded = foldStreamEvents(decodeStream(path));
      const calls = folded.content.filter((part) => part.type === 'tool-call');
      expect(calls.length, path).toBeGreaterThan(0);
      for (const call of calls) {
        expect(call.id, path).not.toBe('');
        expect(call.name, path).not.toBe('');
        expect(() => JSON.parse(call.arguments), path).not.toThrow();
      }
      expect(folded.finishReason.unified, path).toBe('tool-calls');
    }
  });

  it('Azure: the opening prompt-filter chunk starts nothing', () => {
    const events = decodeStream('openai/azure-model-router.1.chunks.txt');
    expect(events[0]).toMatchObject({ type: 'message-start', model: 'gpt-5-nano-2025-08-07' });
    expect(foldStreamEvents(events).usage?.reasoningTokens).toBe(64);
  });

  it('an error object inside a 200 stream becomes an error event', () => {
    const decoder = openAiChat.createStreamDecoder();
    const events = decoder.push({ data: '{"error":{"message":"overloaded","type":"server_error"}}' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error' });
  });
});
