import type { ModelsRepository } from '../store/models-repository.ts';
import type { ModelRow } from '../store/schema.ts';
import { builtInModels } from './built-in-models.ts';
import type { CatalogModel } from './catalog-model.ts';
import { modelFromRow } from './catalog-row.ts';

interface Index {
  byId: Map<string, CatalogModel>;
  /** Ids and aliases. */
  byName: Map<string, CatalogModel>;
  overridden: ReadonlySet<string>;
}

/**
 * The model catalog: the built-in entries with the operator's rows laid over them by id, held in
 * memory so that resolving a model reads no database. Reloaded whenever a row is written.
 *
 * A name means one model. Should two entries claim one name (a later built-in alias meeting an
 * operator's id), ids win over aliases and the operator's aliases over built-in ones.
 */
export class ModelCatalog {
  #index: Index;
  #builtIns: ReadonlyMap<string, CatalogModel>;
  #reloading: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: Pick<ModelsRepository, 'list'>,
    builtIns: readonly CatalogModel[] = builtInModels,
  ) {
    this.#builtIns = new Map(builtIns.map((model) => [model.id, model]));
    this.#index = this.#build([]);
  }

  /**
   * Reloads the operator's rows. Reloads run one after another, so once a writer's reload resolves
   * the catalog shows its write (and every earlier one).
   */
  reload(): Promise<void> {
    const next = this.#reloading.then(async () => {
      this.#index = this.#build(await this.repository.list());
    });
    this.#reloading = next.catch(() => undefined);
    return next;
  }

  /** The entry `name` names, as its id or one of its aliases. */
  find(name: string): CatalogModel | undefined {
    return this.#index.byName.get(name);
  }

  /** The entry whose id is `id`. */
  get(id: string): CatalogModel | undefined {
    return this.#index.byId.get(id);
  }

  /** Every entry, by id. */
  list(): CatalogModel[] {
    return [...this.#index.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  builtIn(id: string): CatalogModel | undefined {
    return this.#builtIns.get(id);
  }

  /** Whether an operator's row replaces (or adds) the entry `id`. */
  isOverridden(id: string): boolean {
    return this.#index.overridden.has(id);
  }

  /**
   * The first name the catalog would give two models if `models` were written: one of their ids or
   * aliases that another entry (or another of `models`) also uses as its id or alias.
   */
  nameConflict(
    models: readonly CatalogModel[],
  ): { model: CatalogModel; name: string; owner: string } | undefined {
    const prospective = new Map(this.#index.byId);
    for (const model of models) prospective.set(model.id, model);
    const owners = new Map<string, string[]>();
    for (const entry of prospective.values()) {
      for (const name of new Set([entry.id, ...entry.aliases])) {
        const list = owners.get(name) ?? [];
        list.push(entry.id);
        owners.set(name, list);
      }
    }
    for (const model of models) {
      for (const name of [model.id, ...model.aliases]) {
        const owner = owners.get(name)?.find((id) => id !== model.id);
        if (owner !== undefined) return { model, name, owner };
      }
    }
    return undefined;
  }

  #build(rows: readonly ModelRow[]): Index {
    const byId = new Map(this.#builtIns);
    const overridden = new Set<string>();
    for (const row of rows) {
      byId.set(row.id, modelFromRow(row, this.#builtIns.get(row.id)));
      overridden.add(row.id);
    }
    const byName = new Map(byId);
    const claimAliases = (models: Iterable<CatalogModel>) => {
      for (const model of models) {
        for (const alias of model.aliases) if (!byName.has(alias)) byName.set(alias, model);
      }
    };
    const entries = [...byId.values()];
    claimAliases(entries.filter((model) => overridden.has(model.id)));
    claimAliases(entries.filter((model) => !overridden.has(model.id)));
    return { byId, byName, overridden };
  }
}
