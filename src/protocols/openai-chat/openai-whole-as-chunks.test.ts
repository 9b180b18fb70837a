import { describe, expect, it } from 'vitest';
import { openAiWholeAsChunks } from './openai-whole-as-chunks.ts';

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_760_000_000,
  model: 'gpt-4o-mini',
  system_fingerprint: 'fp_1',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'A' }, logprobs: null, finish_reason: 'stop' },
    { index: 1, message: { role: 'assistant', content: 'B' }, logprobs: null, finish_reason: 'length' },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};

const chunksOf = (sse: string): unknown[] =>
  sse
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: {'))
    .map((frame) => JSON.parse(frame.slice(6)) as unknown);

describe('openAiWholeAsChunks', () => {
  it('streams every choice as a delta, then every finish, then [DONE]', () => {
    const sse = openAiWholeAsChunks(completion, false);
    expect(sse.endsWith('data: [DONE]\n\n')).toBe(true);
    const envelope = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1_760_000_000,
      model: 'gpt-4o-mini',
      system_fingerprint: 'fp_1',
    };
    expect(chunksOf(sse)).toEqual([
      {
        ...envelope,
        choices: [
          { index: 0, delta: { role: 'assistant', content: 'A' }, logprobs: null, finish_reason: null },
        ],
      },
      {
        ...envelope,
        choices: [
          { index: 1, delta: { role: 'assistant', content: 'B' }, logprobs: null, finish_reason: null },
        ],
      },
      { ...envelope, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
      { ...envelope, choices: [{ index: 1, delta: {}, logprobs: null, finish_reason: 'length' }] },
    ]);
  });

  it('ends with the usage-only chunk when the client asked for usage', () => {
    const chunks = chunksOf(openAiWholeAsChunks(completion, true)) as {
      choices: unknown[];
      usage: unknown;
    }[];
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: completion.usage });
  });
});
