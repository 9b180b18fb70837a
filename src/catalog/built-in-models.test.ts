import { describe, expect, it } from 'vitest';
import { builtInModels } from './built-in-models.ts';
import { kindOf, type ModelKind } from './catalog-model.ts';

describe('builtInModels', () => {
  it('gives every name to one model only', () => {
    const owners = new Map<string, string>();
    for (const model of builtInModels) {
      for (const name of [model.id, ...model.aliases]) {
        expect(owners.get(name), `${name} is claimed twice`).toBeUndefined();
        owners.set(name, model.id);
      }
    }
  });

  it('describes each model whole: a context window, a release date, visible to every group', () => {
    for (const model of builtInModels) {
      // Image and speech models publish their input limits in characters, if at all.
      if (kindOf(model) === 'chat' || kindOf(model) === 'embedding') {
        expect(model.capabilities.contextWindow, model.id).toBeGreaterThan(1000);
      }
      // DALL·E 2 (2022) is what OpenAI's images API serves when a request names no model.
      expect(model.created, model.id).toBeGreaterThan(Date.parse('2022-06-01') / 1000);
      expect(model.created, model.id).toBeLessThan(Date.now() / 1000);
      expect(model.groups, model.id).toBeNull();
      expect(model.enabled, model.id).toBe(true);
      expect(model.id).toMatch(/^\S+$/);
    }
  });

  it('covers the well-known families', () => {
    const ids = new Set(builtInModels.map((model) => model.id));
    for (const id of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-5',
      'o3',
      'o4-mini',
      'claude-opus-4-5',
      'claude-sonnet-4-5',
      'claude-haiku-4-5',
      'gemini-2.0-flash',
      'gemini-2.5-flash',
      'gemini-2.5-pro',
      'gemini-3-pro-preview',
      'gemini-3-flash-preview',
      'deepseek-chat',
      'deepseek-reasoner',
      'grok-3',
      'grok-4',
      'mistral-large-latest',
      'mistral-small-latest',
      'magistral-medium-latest',
      'llama-3.3-70b-instruct',
      'qwen-max',
    ]) {
      expect(ids, id).toContain(id);
    }
    const owners = new Set(builtInModels.map((model) => model.ownedBy));
    expect([...owners].sort()).toEqual([
      'alibaba',
      'anthropic',
      'deepseek',
      'google',
      'meta',
      'mistralai',
      'openai',
      'xai',
    ]);
  });

  it('marks the models of the non-chat routes with their kind', () => {
    const kinds = new Map(builtInModels.map((model) => [model.id, kindOf(model)]));
    const expected: Record<string, ModelKind> = {
      'text-embedding-3-small': 'embedding',
      'text-embedding-3-large': 'embedding',
      'gemini-embedding-001': 'embedding',
      'text-embedding-004': 'embedding',
      'dall-e-2': 'image',
      'dall-e-3': 'image',
      'gpt-image-1': 'image',
      'gemini-2.5-flash-image': 'image',
      'tts-1': 'speech',
      'tts-1-hd': 'speech',
      'gpt-4o-mini-tts': 'speech',
      'gpt-4o': 'chat',
      'gemini-2.5-flash': 'chat',
    };
    for (const [id, kind] of Object.entries(expected)) expect(kinds.get(id), id).toBe(kind);
  });
});
