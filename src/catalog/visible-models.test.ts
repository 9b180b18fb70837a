import { describe, expect, it } from 'vitest';
import { channelSource, testChannel, testKey, testModel } from './channel-source.test-support.ts';
import { ModelCatalog } from './model-catalog.ts';
import { visibleModel, visibleModels } from './visible-models.ts';

const catalog = new ModelCatalog({ list: async () => [] }, [
  testModel('sonnet-4-5', { aliases: ['sonnet-4-5-20250929'], ownedBy: 'anthropic', created: 1_759_000_000 }),
  testModel('vip-model', { groups: ['vip'] }),
  testModel('retired', { enabled: false }),
  testModel('unserved'),
]);

const source = channelSource([
  testChannel('anthropic', ['sonnet-4-5-20250929']),
  testChannel('openrouter', ['sonnet-4-5', 'house-model']),
  testChannel('openai', ['vip-model', 'retired'], { groups: ['default', 'vip'] }),
]);

const ids = (key: Parameters<typeof visibleModels>[2]) =>
  visibleModels(catalog, source, key).map((model) => model.id);

describe('visibleModels', () => {
  it('lists each served model once, by catalog id, with its owner and release date', () => {
    expect(visibleModels(catalog, source, testKey())).toEqual([
      { id: 'house-model', ownedBy: 'openrouter', created: 1_700_000_000, entry: undefined },
      {
        id: 'sonnet-4-5',
        ownedBy: 'anthropic',
        created: 1_759_000_000,
        entry: catalog.get('sonnet-4-5'),
      },
    ]);
  });

  it("adds what the caller's group may see, never what is disabled", () => {
    expect(ids(testKey({ group: 'vip' }))).toEqual(['vip-model']);
  });

  it("keeps to the key's allowlist, whichever name it uses", () => {
    expect(ids(testKey({ models: ['sonnet-4-5-20250929'] }))).toEqual(['sonnet-4-5']);
    expect(ids(testKey({ models: ['house-model', 'vip-model', 'unserved'] }))).toEqual(['house-model']);
    expect(ids(testKey({ models: [] }))).toEqual([]);
  });
});

describe('visibleModel', () => {
  it('finds a model by id, alias or pin, as its catalog id', () => {
    for (const name of ['sonnet-4-5', 'sonnet-4-5-20250929', 'anthropic/sonnet-4-5']) {
      expect(visibleModel(catalog, source, testKey(), name)?.id, name).toBe('sonnet-4-5');
    }
  });

  it('finds nothing the caller may not use', () => {
    expect(visibleModel(catalog, source, testKey(), 'vip-model')).toBeUndefined();
    expect(visibleModel(catalog, source, testKey(), 'unserved')).toBeUndefined();
    expect(visibleModel(catalog, source, testKey({ models: ['house-model'] }), 'sonnet-4-5')).toBeUndefined();
  });
});
