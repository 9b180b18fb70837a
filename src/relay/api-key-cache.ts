import { IpAllowlist } from '../security/ip-allowlist.ts';
import type { ApiKeysRepository, ApiKeyWithOwner } from '../store/api-keys-repository.ts';
import { parseJsonColumn } from '../store/json-column.ts';
import type { KeyContext } from './key-context.ts';
import { isKeyScope } from './key-scope.ts';

interface Entry {
  context: KeyContext | null;
  expiresAt: number;
}

export interface ApiKeyCacheOptions {
  /** How long a found key is trusted without a database read (other nodes' revocations show after this). */
  ttlMs: number;
  /** How long an unknown hash is remembered, so a flood of bad keys does not reach the database. */
  negativeTtlMs: number;
  maxEntries: number;
}

/**
 * Key lookups by hash, served from memory. Local writes call `invalidate`; entries also age out so a
 * change made elsewhere is picked up. Concurrent misses for one hash share one database read.
 */
export class ApiKeyCache {
  #entries = new Map<string, Entry>();
  #loading = new Map<string, Promise<KeyContext | null>>();
  /** Bumped by `invalidate`: a lookup that started before it must not cache what it read. */
  #generation = 0;

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly options: ApiKeyCacheOptions,
  ) {}

  async lookup(keyHash: string, now = Date.now()): Promise<KeyContext | null> {
    const cached = this.#entries.get(keyHash);
    if (cached && cached.expiresAt > now) return cached.context;
    let loading = this.#loading.get(keyHash);
    if (!loading) {
      const started: Promise<KeyContext | null> = this.#load(keyHash).finally(() => {
        if (this.#loading.get(keyHash) === started) this.#loading.delete(keyHash);
      });
      loading = started;
      this.#loading.set(keyHash, loading);
    }
    return loading;
  }

  /** Forget every cached key (after any write to keys or users). */
  invalidate(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#loading.clear();
  }

  async #load(keyHash: string): Promise<KeyContext | null> {
    const generation = this.#generation;
    const row = await this.repository.findByHash(keyHash);
    const context = row ? toKeyContext(row) : null;
    if (generation !== this.#generation) return context;
    if (this.#entries.size >= this.options.maxEntries) this.#entries.clear();
    const ttl = context ? this.options.ttlMs : this.options.negativeTtlMs;
    this.#entries.set(keyHash, { context, expiresAt: Date.now() + ttl });
    return context;
  }
}

/**
 * The relay's view of a key row. A damaged JSON column reads as the narrowest value (no models, no
 * scopes, no addresses), so damage refuses rather than opens.
 */
function toKeyContext(row: ApiKeyWithOwner): KeyContext {
  const allowIps = row.allow_ips === null ? null : parseJsonColumn<unknown>(row.allow_ips, []);
  const scopes = parseJsonColumn<unknown>(row.scopes, []);
  return {
    keyId: row.id,
    userId: row.user_id,
    role: row.user_role,
    group: row.user_group,
    models: row.models === null ? null : new Set(parseJsonColumn<string[]>(row.models, [])),
    enabled: row.enabled === 1,
    accountEnabled: row.user_enabled === 1,
    expiresAt: nullableNumber(row.expires_at),
    scopes: new Set(Array.isArray(scopes) ? scopes.filter(isString).filter(isKeyScope) : []),
    allowIps:
      allowIps === null
        ? null
        : IpAllowlist.fromText(Array.isArray(allowIps) ? allowIps.filter(isString) : []),
    creditLimit: nullableNumber(row.credit_limit),
    rpm: row.rpm,
    tpm: row.tpm,
    plan: row.user_plan,
    planExpiresAt: nullableNumber(row.user_plan_expires_at),
  };
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** PostgreSQL returns bigint columns as text. */
const nullableNumber = (value: number | string | null): number | null =>
  value === null ? null : Number(value);
