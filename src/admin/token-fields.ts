import { z } from 'zod';
import { keyScopes } from '../relay/key-scope.ts';
import { parseIpRule } from '../security/ip-allowlist.ts';
import { parseJsonColumn } from '../store/json-column.ts';
import type { ApiKeyRow } from '../store/schema.ts';
import { noControlCharacters, noControlCharactersMessage } from './text-checks.ts';
import { isoTime, timeInput } from './time-input.ts';

const ipRule = z
  .string()
  .trim()
  .max(64, 'must be at most 64 characters')
  .refine(
    (rule) => parseIpRule(rule) !== undefined,
    'must be an IP address or CIDR block, such as 203.0.113.0/24 or 2001:db8::/32',
  );

/** What a key's owner may set. Limits are stored here and enforced by billing and the rate limiter. */
export const keyFields = {
  name: z.string().trim().min(1).max(128).refine(noControlCharacters, noControlCharactersMessage),
  models: z.array(z.string().min(1).max(255)).max(1000).nullable(),
  expires_at: timeInput.nullable(),
  /** Micro-credits. */
  credit_limit: z.number().int().min(0).max(1_000_000_000_000_000).nullable(),
  rpm: z.number().int().min(1).max(1_000_000).nullable(),
  tpm: z.number().int().min(1).max(1_000_000_000).nullable(),
  scopes: z
    .array(z.enum(keyScopes))
    .min(1, 'must name at least one scope')
    .max(keyScopes.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope'),
  // An empty list would refuse every address; null (the default) allows any.
  allow_ips: z.array(ipRule).min(1, 'must list at least one address, or be null for any').max(100).nullable(),
  enabled: z.boolean(),
};

/** A key as the API shows it: after creation, only its masked form. */
export const publicKey = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  key: row.masked,
  models: parseJsonColumn<string[] | null>(row.models, null),
  enabled: row.enabled === 1,
  expires_at: isoTime(row.expires_at),
  credit_limit: row.credit_limit,
  /**
   * Micro-credits spent through this key (with, on PostgreSQL and MySQL, what requests in flight hold;
   * on SQLite those are counted in memory until settled). `credit_limit` bounds both.
   */
  credit_used: Number(row.credit_used),
  rpm: row.rpm,
  tpm: row.tpm,
  scopes: parseJsonColumn<string[]>(row.scopes, []),
  allow_ips: parseJsonColumn<string[] | null>(row.allow_ips, null),
  created_at: isoTime(row.created_at),
  updated_at: isoTime(row.updated_at),
});
