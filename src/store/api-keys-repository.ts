import type { Kysely } from 'kysely';
import { insertReturningId } from './insert-returning-id.ts';
import type { DialectName } from './open-database.ts';
import type { ApiKeyRow, ApiKeyUpdate, Database, UserRole } from './schema.ts';

/** A key joined with what the relay needs to know of its owner. */
export interface ApiKeyWithOwner extends ApiKeyRow {
  user_role: UserRole;
  user_group: string;
  user_enabled: number;
  user_plan: string | null;
  user_plan_expires_at: number | null;
}

export interface NewApiKey {
  userId: number;
  name: string;
  keyHash: string;
  masked: string;
  models: string[] | null;
  expiresAt: number | null;
  enabled?: boolean;
  creditLimit?: number | null;
  rpm?: number | null;
  tpm?: number | null;
  /** Defaults to `['llm-all']`. */
  scopes?: readonly string[];
  allowIps?: readonly string[] | null;
}

export class ApiKeysRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  create(input: NewApiKey): Promise<number> {
    const now = Date.now();
    return insertReturningId(
      this.dialect,
      this.db.insertInto('api_keys').values({
        user_id: input.userId,
        name: input.name,
        key_hash: input.keyHash,
        masked: input.masked,
        models: input.models === null ? null : JSON.stringify(input.models),
        enabled: input.enabled === false ? 0 : 1,
        expires_at: input.expiresAt,
        credit_limit: input.creditLimit ?? null,
        rpm: input.rpm ?? null,
        tpm: input.tpm ?? null,
        scopes: JSON.stringify(input.scopes ?? ['llm-all']),
        allow_ips: input.allowIps == null ? null : JSON.stringify(input.allowIps),
        created_at: now,
        updated_at: now,
      }),
    );
  }

  listByUser(userId: number): Promise<ApiKeyRow[]> {
    return this.db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  }

  findOwned(id: number, userId: number): Promise<ApiKeyRow | undefined> {
    return this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  findByHash(keyHash: string): Promise<ApiKeyWithOwner | undefined> {
    return this.db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .selectAll('api_keys')
      .select([
        'users.role as user_role',
        'users.group_name as user_group',
        'users.enabled as user_enabled',
        'users.plan_name as user_plan',
        'users.plan_expires_at as user_plan_expires_at',
      ])
      .where('api_keys.key_hash', '=', keyHash)
      .where('users.deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /** Changes a key its owner holds; false when there is no such key for that user. */
  async updateOwned(id: number, userId: number, changes: ApiKeyUpdate): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ ...changes, updated_at: Date.now() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    // MySQL counts only rows whose values changed; the row exists if the lookup finds it.
    return Number(result.numUpdatedRows) > 0 || (await this.findOwned(id, userId)) !== undefined;
  }

  /** Deletes a key its owner holds; false when there is no such key for that user. */
  async deleteOwned(id: number, userId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('api_keys')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
