import { describe, expect, it } from 'vitest';
import { findProvider } from '../providers/provider-catalog.ts';
import { matchesModelPrefixes } from './matches-model-prefixes.ts';

describe('matchesModelPrefixes', () => {
  it("matches a model by the provider's prefixes, dated snapshots included", () => {
    const openai = findProvider('openai')!;
    expect(matchesModelPrefixes(openai, 'gpt-4o')).toBe(true);
    expect(matchesModelPrefixes(openai, 'gpt-4o-2024-08-06')).toBe(true);
    expect(matchesModelPrefixes(openai, 'o3-mini')).toBe(true);
    expect(matchesModelPrefixes(openai, 'claude-sonnet-4-5')).toBe(false);
    expect(matchesModelPrefixes(findProvider('anthropic')!, 'claude-sonnet-4-5')).toBe(true);
    expect(matchesModelPrefixes(findProvider('xai')!, 'grok-4-latest')).toBe(true);
  });

  it('takes any model for a provider without a list', () => {
    expect(matchesModelPrefixes(findProvider('openrouter')!, 'anthropic/claude-sonnet-4.5')).toBe(true);
    expect(matchesModelPrefixes(findProvider('ollama')!, 'llama3.3:70b')).toBe(true);
  });
});
