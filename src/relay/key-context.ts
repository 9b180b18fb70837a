import type { UserRole } from '../store/schema.ts';

/** Who is calling, as resolved from an API key: everything the relay checks per request. */
export interface KeyContext {
  keyId: number;
  userId: number;
  role: UserRole;
  group: string;
  /** Models the key may use; null allows all. */
  models: ReadonlySet<string> | null;
  enabled: boolean;
  expiresAt: number | null;
}
