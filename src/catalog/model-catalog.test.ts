import { describe, expect, it } from 'vitest';
import type { ModelRow } from '../store/schema.ts';
import type { CatalogModel } from './catalog-model.ts';
import { rowFromModel } from './catalog-row.ts';
import { testModel } from './channel-source.test-support.ts';
import { ModelCatalog } from './model-catalog.ts';

const row = (model: CatalogModel, createdAt = 1_750_000_000_000): ModelRow => ({
  ...rowFromModel(model),
  created_at: createdAt,
  updated_at: createdAt,
});

async function catalogWith(builtIns: CatalogModel[], rows: ModelRow[]): Promise<ModelCatalog> {
  const catalog = new ModelCatalog({ list: async () => rows }, builtIns);
  await catalog.reload();
  return catalog;
}

const builtIns = [
  testModel('sonnet', { aliases: ['sonnet-20250929', 'sonnet-latest'], created: 1_759_000_000 }),
  testModel('flash', {
    capabilities: { vision: true, tools: true, json: true, contextWindow: 1_048_576, maxOutput: 65_536 },
  }),
];

describe('ModelCatalog', () => {
  it('serves the built-in entries before any reload, by id and by alias', () => {
    const catalog = new ModelCatalog({ list: async () => [] }, builtIns);
    expect(catalog.get('sonnet')?.id).toBe('sonnet');
    expect(catalog.find('sonnet-latest')?.id).toBe('sonnet');
    expect(catalog.get('sonnet-latest')).toBeUndefined();
    expect(catalog.find('nothing')).toBeUndefined();
    expect(catalog.list().map((model) => model.id)).toEqual(['flash', 'sonnet']);
  });

  it("replaces a built-in entry with the operator's row of the same id, keeping its release date", async () => {
    const override = testModel('flash', {
      capabilities: { vision: false, tools: false, json: false, contextWindow: 32_000, maxOutput: null },
      groups: ['vip'],
      strategy: 'cheapest',
      ownedBy: 'acme',
      enabled: false,
      created: 0,
    });
    const catalog = await catalogWith(builtIns, [row(override)]);
    expect(catalog.get('flash')).toEqual({ ...override, created: builtIns[1]!.created });
    expect(catalog.isOverridden('flash')).toBe(true);
    expect(catalog.isOverridden('sonnet')).toBe(false);
    expect(catalog.builtIn('flash')).toBe(builtIns[1]);
  });

  it('adds a model the built-in list lacks, dated from its row', async () => {
    const catalog = await catalogWith(builtIns, [row(testModel('house-model'), 1_760_000_000_500)]);
    expect(catalog.get('house-model')?.created).toBe(1_760_000_000);
    expect(catalog.list().map((model) => model.id)).toEqual(['flash', 'house-model', 'sonnet']);
  });

  it('drops an override on reload once its row is gone', async () => {
    let rows = [row(testModel('sonnet', { aliases: [], ownedBy: 'me' }))];
    const catalog = new ModelCatalog({ list: async () => rows }, builtIns);
    await catalog.reload();
    expect(catalog.find('sonnet-latest')).toBeUndefined();
    rows = [];
    await catalog.reload();
    expect(catalog.find('sonnet-latest')?.ownedBy).toBe('test');
  });

  it('runs reloads one after another, so a writer sees its write once its reload resolves', async () => {
    let rows: ModelRow[] = [];
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const catalog = new ModelCatalog(
      {
        list: async () => {
          calls += 1;
          const seen = rows;
          if (calls === 1) await slow;
          return seen;
        },
      },
      builtIns,
    );
    const first = catalog.reload();
    rows = [row(testModel('written'))];
    const second = catalog.reload();
    release();
    await second;
    expect(catalog.get('written')).toBeDefined();
    await first;
    expect(catalog.get('written')).toBeDefined();
  });

  it("lets ids win over aliases and the operator's aliases over built-in ones", async () => {
    const catalog = await catalogWith(builtIns, [
      // An operator model whose id a built-in alias also uses, and one claiming a built-in alias.
      row(testModel('sonnet-latest')),
      row(testModel('house', { aliases: ['sonnet-20250929', 'flash'] })),
    ]);
    expect(catalog.find('sonnet-latest')?.id).toBe('sonnet-latest');
    expect(catalog.find('sonnet-20250929')?.id).toBe('house');
    expect(catalog.find('flash')?.id).toBe('flash');
  });

  it('reads a damaged row as empty values instead of failing', async () => {
    const damaged: ModelRow = {
      ...row(testModel('broken')),
      aliases: '{not json',
      capabilities: '{"vision":"yes","context_window":-5,"max_output":1.5}',
      groups: '"vip"',
      strategy: 'fastest',
    };
    const model = (await catalogWith([], [damaged])).get('broken')!;
    expect(model.aliases).toEqual([]);
    expect(model.capabilities).toEqual({
      vision: false,
      tools: false,
      json: false,
      contextWindow: null,
      maxOutput: null,
    });
    expect(model.groups).toEqual([]);
    expect(model.strategy).toBe('priority');
  });

  describe('nameConflict', () => {
    const catalog = new ModelCatalog({ list: async () => [] }, builtIns);

    it('finds an alias another entry uses as its id or alias', () => {
      expect(catalog.nameConflict([testModel('house', { aliases: ['sonnet-latest'] })])).toMatchObject({
        name: 'sonnet-latest',
        owner: 'sonnet',
      });
      expect(catalog.nameConflict([testModel('house', { aliases: ['flash'] })])).toMatchObject({
        name: 'flash',
        owner: 'flash',
      });
    });

    it('finds a new id that is already an alias', () => {
      expect(catalog.nameConflict([testModel('sonnet-20250929')])).toMatchObject({
        name: 'sonnet-20250929',
        owner: 'sonnet',
      });
    });

    it('judges against the catalog as it would be after the write', () => {
      // Moving an alias from one model to another in one write is fine.
      const moved = [
        testModel('sonnet', { aliases: [] }),
        testModel('house', { aliases: ['sonnet-latest', 'sonnet-20250929'] }),
      ];
      expect(catalog.nameConflict(moved)).toBeUndefined();
      // Two models of one write claiming the same name are not.
      const clash = [testModel('a', { aliases: ['x'] }), testModel('b', { aliases: ['x'] })];
      expect(catalog.nameConflict(clash)).toMatchObject({ name: 'x' });
      // Replacing a model with its own names is no conflict.
      expect(catalog.nameConflict([builtIns[0]!])).toBeUndefined();
    });
  });
});
