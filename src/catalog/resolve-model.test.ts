import { describe, expect, it } from 'vitest';
import { channelSource, testChannel, testKey, testModel } from './channel-source.test-support.ts';
import { ModelCatalog } from './model-catalog.ts';
import { resolveModel, type ModelResolution, type ModelRoute } from './resolve-model.ts';

const catalog = new ModelCatalog({ list: async () => [] }, [
  testModel('sonnet-4-5', { aliases: ['sonnet-4-5-20250929', 'sonnet-4.5'], strategy: 'cheapest' }),
  testModel('gpt-4o'),
  testModel('vip-model', { groups: ['vip'] }),
  testModel('retired', { enabled: false }),
  testModel('unserved'),
]);

function routeOf(resolution: ModelResolution): ModelRoute {
  if (resolution.kind !== 'route') throw new Error(`expected a route, got ${resolution.kind}`);
  return resolution.route;
}

const served = (route: ModelRoute) => route.channels.map((channel) => [channel.name, route.nameFor(channel)]);

describe('resolveModel', () => {
  it('resolves a catalog id to the channels listing it, with the model as its id', () => {
    const openai = testChannel('openai', ['gpt-4o']);
    const route = routeOf(resolveModel(catalog, channelSource([openai]), testKey(), 'gpt-4o'));
    expect(route).toMatchObject({ requested: 'gpt-4o', model: 'gpt-4o', pinnedProvider: undefined });
    expect(route.strategy).toBe('priority');
    expect(served(route)).toEqual([[openai.name, 'gpt-4o']]);
  });

  it('serves an alias by whichever of the names the channels list, asked-for name first', () => {
    const dated = testChannel('anthropic', ['sonnet-4-5-20250929'], { priority: 5 });
    const plain = testChannel('openrouter', ['sonnet-4-5'], { priority: 1 });
    const both = testChannel('anthropic', ['sonnet-4-5', 'sonnet-4.5'], { priority: 1 });
    const source = channelSource([dated, plain, both]);

    const route = routeOf(resolveModel(catalog, source, testKey(), 'sonnet-4.5'));
    expect(route.model).toBe('sonnet-4-5');
    expect(route.strategy).toBe('cheapest');
    // Highest priority first; within a priority the asked-for name's channels lead, and a channel
    // listing several names serves under the first of them.
    expect(served(route)).toEqual([
      [dated.name, 'sonnet-4-5-20250929'],
      [both.name, 'sonnet-4.5'],
      [plain.name, 'sonnet-4-5'],
    ]);

    const byId = routeOf(resolveModel(catalog, source, testKey(), 'sonnet-4-5'));
    expect(served(byId)).toEqual([
      [dated.name, 'sonnet-4-5-20250929'],
      [plain.name, 'sonnet-4-5'],
      [both.name, 'sonnet-4-5'],
    ]);
  });

  it('still serves a model only channels know, under its own name', () => {
    const channel = testChannel('openai', ['house-model']);
    const route = routeOf(resolveModel(catalog, channelSource([channel]), testKey(), 'house-model'));
    expect(route).toMatchObject({ model: 'house-model', entry: undefined, strategy: 'priority' });
    expect(served(route)).toEqual([[channel.name, 'house-model']]);
  });

  it('pins the provider with provider/model, serving the model part by that provider only', () => {
    const openai = testChannel('openai', ['gpt-4o']);
    const router = testChannel('openrouter', ['gpt-4o'], { priority: 10 });
    const anthropic = testChannel('anthropic', ['sonnet-4-5-20250929']);
    const source = channelSource([openai, router, anthropic]);

    const pinned = routeOf(resolveModel(catalog, source, testKey(), 'openai/gpt-4o'));
    expect(pinned).toMatchObject({ requested: 'openai/gpt-4o', model: 'gpt-4o', pinnedProvider: 'openai' });
    expect(served(pinned)).toEqual([[openai.name, 'gpt-4o']]);

    const viaAlias = routeOf(resolveModel(catalog, source, testKey(), 'anthropic/sonnet-4.5'));
    expect(served(viaAlias)).toEqual([[anthropic.name, 'sonnet-4-5-20250929']]);

    expect(resolveModel(catalog, source, testKey(), 'mistral/gpt-4o').kind).toBe('not-found');
    // Unpinned, every provider's channel serves.
    expect(routeOf(resolveModel(catalog, source, testKey(), 'gpt-4o')).channels).toHaveLength(2);
  });

  it('never reinterprets a name a channel lists verbatim, nor a slash before an unknown provider', () => {
    const anthropic = testChannel('anthropic', ['sonnet-4-5']);
    const router = testChannel('openrouter', ['anthropic/sonnet-4.5', 'meta-llama/llama-3.3-70b-instruct']);
    const source = channelSource([anthropic, router]);

    const literal = routeOf(resolveModel(catalog, source, testKey(), 'anthropic/sonnet-4.5'));
    expect(literal).toMatchObject({ model: 'anthropic/sonnet-4.5', pinnedProvider: undefined });
    expect(served(literal)).toEqual([[router.name, 'anthropic/sonnet-4.5']]);

    const llama = routeOf(resolveModel(catalog, source, testKey(), 'meta-llama/llama-3.3-70b-instruct'));
    expect(llama.pinnedProvider).toBeUndefined();
    expect(resolveModel(catalog, source, testKey(), 'meta-llama/other').kind).toBe('not-found');
  });

  it('hides a model from groups its catalog entry excludes, and a disabled one from all', () => {
    const channel = testChannel('openai', ['vip-model', 'retired'], { groups: ['default', 'vip'] });
    const source = channelSource([channel]);
    expect(resolveModel(catalog, source, testKey({ group: 'default' }), 'vip-model').kind).toBe('not-found');
    expect(resolveModel(catalog, source, testKey({ group: 'default' }), 'openai/vip-model').kind).toBe(
      'not-found',
    );
    expect(resolveModel(catalog, source, testKey({ group: 'vip' }), 'vip-model').kind).toBe('route');
    expect(resolveModel(catalog, source, testKey({ group: 'vip' }), 'retired').kind).toBe('not-found');
  });

  it("takes channels of the caller's group only", () => {
    const source = channelSource([testChannel('openai', ['gpt-4o'], { groups: ['vip'] })]);
    expect(resolveModel(catalog, source, testKey({ group: 'default' }), 'gpt-4o').kind).toBe('not-found');
    expect(resolveModel(catalog, source, testKey({ group: 'vip' }), 'gpt-4o').kind).toBe('route');
  });

  it('is not found when the catalog knows the model but no channel serves it', () => {
    const source = channelSource([testChannel('openai', ['gpt-4o'])]);
    expect(resolveModel(catalog, source, testKey(), 'unserved').kind).toBe('not-found');
    expect(resolveModel(catalog, source, testKey(), 'no-such-model').kind).toBe('not-found');
  });

  it("lets the key's allowlist name the model by any of its names", () => {
    const source = channelSource([
      testChannel('anthropic', ['sonnet-4-5-20250929']),
      testChannel('openai', ['gpt-4o', 'house-model']),
    ]);
    const byAlias = testKey({ models: ['sonnet-4.5'] });
    expect(resolveModel(catalog, source, byAlias, 'sonnet-4-5').kind).toBe('route');
    expect(resolveModel(catalog, source, byAlias, 'sonnet-4-5-20250929').kind).toBe('route');
    expect(resolveModel(catalog, source, byAlias, 'anthropic/sonnet-4-5').kind).toBe('route');
    expect(resolveModel(catalog, source, byAlias, 'gpt-4o').kind).toBe('not-allowed');
    expect(resolveModel(catalog, source, byAlias, 'house-model').kind).toBe('not-allowed');
    const pinnedOnly = testKey({ models: ['openai/gpt-4o'] });
    expect(resolveModel(catalog, source, pinnedOnly, 'openai/gpt-4o').kind).toBe('route');
    expect(resolveModel(catalog, source, pinnedOnly, 'gpt-4o').kind).toBe('not-allowed');
  });

  describe('restricted to one provider (the provider-scoped routes)', () => {
    const openai = testChannel('openai', ['gpt-4o']);
    const router = testChannel('openrouter', ['gpt-4o', 'gpt-4o-mini']);
    const source = channelSource([openai, router]);

    it('serves only channels of that provider', () => {
      const route = routeOf(resolveModel(catalog, source, testKey(), 'gpt-4o', 'openai'));
      expect(served(route)).toEqual([[openai.name, 'gpt-4o']]);
    });

    it('is not found when the provider has channels but none for the model', () => {
      expect(resolveModel(catalog, source, testKey(), 'gpt-4o-mini', 'openai').kind).toBe('not-found');
    });

    it('is provider-unavailable when the provider has no channel for the caller', () => {
      expect(resolveModel(catalog, source, testKey(), 'grok-4', 'xai')).toEqual({
        kind: 'provider-unavailable',
        provider: 'xai',
      });
      expect(resolveModel(catalog, source, testKey({ group: 'vip' }), 'gpt-4o', 'openai').kind).toBe(
        'provider-unavailable',
      );
    });

    it('accepts a pin naming the same provider, and no other', () => {
      expect(resolveModel(catalog, source, testKey(), 'openai/gpt-4o', 'openai').kind).toBe('route');
      expect(resolveModel(catalog, source, testKey(), 'openrouter/gpt-4o', 'openai').kind).toBe('not-found');
    });
  });
});
