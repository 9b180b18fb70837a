import { MAX_BALANCE } from './max-balance.ts';
import type { ModelPrice } from './model-price.ts';

/** Tokens a charge is computed from. `cachedInputTokens` are part of `inputTokens`. */
export interface ChargeTokens {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /** How many times the per-request price applies (images: one per image made); default 1. */
  requests?: number;
}

const MILLION = 1_000_000;

/** `tokens × pricePerMillion / 1e6`, rounded up, in integers (no floating point in money). */
function perMillion(tokens: number, pricePerMillion: number): number {
  if (tokens <= 0 || pricePerMillion <= 0) return 0;
  // Both factors stay far below 2^53 for any real request (10^8 tokens × 10^9 micro-credits would
  // not), so the product is exact; the quotient is rounded up so a request never rounds to free.
  const product = tokens * pricePerMillion;
  return Number.isSafeInteger(product)
    ? Math.ceil(product / MILLION)
    : Number((BigInt(tokens) * BigInt(pricePerMillion) + BigInt(MILLION - 1)) / BigInt(MILLION));
}

/** Applies a group multiplier given in parts per million (1,000,000 = 1×, 0 = free), rounding up. */
export function applyMultiplier(amount: number, multiplierPpm: number): number {
  if (amount <= 0 || multiplierPpm <= 0) return 0;
  if (multiplierPpm === MILLION) return amount;
  return Number((BigInt(amount) * BigInt(multiplierPpm) + BigInt(MILLION - 1)) / BigInt(MILLION));
}

/**
 * What a request with this usage costs the user, in micro-credits: at most MAX_BALANCE, however
 * many tokens an upstream claims (a larger figure is one the ledger's columns cannot hold).
 */
export function computeCharge(price: ModelPrice, tokens: ChargeTokens, multiplierPpm: number): number {
  const cached = Math.min(Math.max(tokens.cachedInputTokens, 0), Math.max(tokens.inputTokens, 0));
  const uncached = Math.max(tokens.inputTokens, 0) - cached;
  const base =
    price.perRequest * Math.max(0, tokens.requests ?? 1) +
    perMillion(uncached, price.input) +
    perMillion(cached, price.cachedInput ?? price.input) +
    perMillion(tokens.outputTokens, price.output);
  if (!Number.isFinite(base)) return multiplierPpm > 0 ? MAX_BALANCE : 0;
  return Math.min(MAX_BALANCE, applyMultiplier(base, multiplierPpm));
}
