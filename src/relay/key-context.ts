import type { IpAllowlist } from '../security/ip-allowlist.ts';
import type { UserRole } from '../store/schema.ts';
import type { KeyScope } from './key-scope.ts';

/** Who is calling, as resolved from an API key: everything the relay checks per request. */
export interface KeyContext {
  keyId: number;
  userId: number;
  role: UserRole;
  group: string;
  /** Models the key may use; null allows all. */
  models: ReadonlySet<string> | null;
  /** The key itself is enabled. */
  enabled: boolean;
  /** Its owner's account is enabled. */
  accountEnabled: boolean;
  expiresAt: number | null;
  /** What the key may be used for; empty refuses every route. */
  scopes: ReadonlySet<KeyScope>;
  /** Where the key may be used from; null: anywhere. */
  allowIps: IpAllowlist | null;
  /** Micro-credits the key may spend; null: no limit (enforced by billing). */
  creditLimit: number | null;
  /** The key's own requests and tokens per minute; null: none (enforced by the rate limiter). */
  rpm: number | null;
  tpm: number | null;
  /** The owner's plan (rate limits, models) and when it ends; null: the default plan. */
  plan: string | null;
  planExpiresAt: number | null;
}
