import { describe, expect, it } from 'vitest';
import { splitProviderPin } from './split-provider-pin.ts';

describe('splitProviderPin', () => {
  it('splits a known provider id off the front', () => {
    expect(splitProviderPin('openai/gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(splitProviderPin('anthropic/claude-sonnet-4-5')).toEqual({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
    });
    expect(splitProviderPin('OpenAI/gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o' });
    // Only the first slash splits: OpenRouter's names keep theirs.
    expect(splitProviderPin('openrouter/meta-llama/llama-3.3-70b-instruct')).toEqual({
      provider: 'openrouter',
      model: 'meta-llama/llama-3.3-70b-instruct',
    });
  });

  it('leaves anything else alone', () => {
    for (const model of ['gpt-4o', 'meta-llama/llama-3.3-70b-instruct', '/gpt-4o', 'openai/', 'qwen/qwen3']) {
      expect(splitProviderPin(model), model).toBeUndefined();
    }
  });
});
