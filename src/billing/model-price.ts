/**
 * What a model costs, in integer micro-credits (1 credit = 1,000,000): per request, and per million
 * input, cached-input and output tokens (API.md 4).
 */
export interface ModelPrice {
  perRequest: number;
  input: number;
  /** Per million cached input tokens; null: the input price. */
  cachedInput: number | null;
  output: number;
}

/** The price of a model nobody priced: free. */
export const freePrice: ModelPrice = { perRequest: 0, input: 0, cachedInput: null, output: 0 };

export const isFree = (price: ModelPrice): boolean =>
  price.perRequest === 0 && price.input === 0 && price.output === 0 && (price.cachedInput ?? 0) === 0;
