import type { Generated, Insertable, Selectable } from 'kysely';

/** What a ledger row records. `hold` and `settle` come in pairs per priced request. */
export const ledgerKinds = [
  'top_up',
  'signup',
  'redemption',
  'hold',
  'settle',
  'refund',
  'adjustment',
] as const;

export type LedgerKind = (typeof ledgerKinds)[number];

/**
 * The append-only credit ledger: every change of a user's balance is one row, so a user's rows
 * sum to their balance. Amounts are signed micro-credits.
 */
export interface CreditLedgerTable {
  id: Generated<number>;
  user_id: number;
  /** The key a hold or settlement was for; null for top-ups and the like. */
  api_key_id: number | null;
  kind: LedgerKind;
  amount: number;
  request_id: string | null;
  note: string | null;
  /** The admin who made a top-up or adjustment. */
  created_by: number | null;
  created_at: number;
  /** Settle and refund rows: the write attempt that made them (see settlement-attempts.ts). */
  attempt: string | null;
}

/** An operator's price for a model, in micro-credits: per request, and per million tokens. */
export interface ModelPricesTable {
  model: string;
  per_request: number;
  input: number;
  /** Per million cached input tokens; null: the input price. */
  cached_input: number | null;
  output: number;
  updated_at: number;
}

/** A single-use credit code; only its SHA-256 is stored. */
export interface RedemptionCodesTable {
  id: Generated<number>;
  code_hash: string;
  /** `rc-abcd…wxyz`, for listings. */
  masked: string;
  name: string;
  amount: number;
  created_by: number;
  created_at: number;
  expires_at: number | null;
  redeemed_by: number | null;
  redeemed_at: number | null;
}

export type LedgerRow = Selectable<CreditLedgerTable>;
export type NewLedgerRow = Insertable<CreditLedgerTable>;
export type ModelPriceRow = Selectable<ModelPricesTable>;
export type RedemptionCodeRow = Selectable<RedemptionCodesTable>;
