import type { ApiKeysRepository } from '../store/api-keys-repository.ts';
import { parseJsonColumn } from '../store/json-column.ts';
import type { KeyContext } from './key-context.ts';

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
    const context: KeyContext | null = row
      ? {
          keyId: row.id,
          userId: row.user_id,
          role: row.user_role,
          group: row.user_group,
          models: row.models === null ? null : new Set(parseJsonColumn<string[]>(row.models, [])),
          enabled: row.enabled === 1 && row.user_enabled === 1,
          expiresAt: row.expires_at,
        }
      : null;
    if (generation !== this.#generation) return context;
    if (this.#entries.size >= this.options.maxEntries) this.#entries.clear();
    const ttl = context ? this.options.ttlMs : this.options.negativeTtlMs;
    this.#entries.set(keyHash, { context, expiresAt: Date.now() + ttl });
    return context;
  }
}
