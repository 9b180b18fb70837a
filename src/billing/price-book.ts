import type { ModelPriceRow } from '../store/credit-tables.ts';
import type { UserGroupRow } from '../store/schema.ts';
import { freePrice, type ModelPrice } from './model-price.ts';

/** Where the price book reads from: the operator's prices and the user groups. */
export interface PriceSource {
  listPrices(): Promise<ModelPriceRow[]>;
  listGroups(): Promise<UserGroupRow[]>;
}

const ONE_TIMES = 1_000_000;

export const toModelPrice = (row: ModelPriceRow): ModelPrice => ({
  perRequest: Number(row.per_request),
  input: Number(row.input),
  cachedInput: row.cached_input === null ? null : Number(row.cached_input),
  output: Number(row.output),
});

/**
 * Model prices and group multipliers, served from memory on the request path. A write reloads it on
 * this node, and (with Redis) a broadcast reloads it on the others. A model nobody priced is free; a
 * group without a row pays 1×.
 */
export class PriceBook {
  #prices = new Map<string, ModelPrice>();
  #multipliers = new Map<string, number>();
  #reloading: Promise<void> | undefined;
  #again = false;

  constructor(private readonly source: PriceSource) {}

  priceOf(model: string): ModelPrice {
    return this.#prices.get(model) ?? freePrice;
  }

  /** The group's multiplier in parts per million (1,000,000 = 1×). */
  multiplierOf(group: string): number {
    return this.#multipliers.get(group) ?? ONE_TIMES;
  }

  /** Reads everything again; calls during a reload cause one more pass, so the last write is seen. */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#again = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      do {
        this.#again = false;
        const [prices, groups] = await Promise.all([this.source.listPrices(), this.source.listGroups()]);
        this.#prices = new Map(prices.map((row) => [row.model, toModelPrice(row)]));
        this.#multipliers = new Map(groups.map((group) => [group.name, Number(group.multiplier_ppm)]));
      } while (this.#again);
    })().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }
}
