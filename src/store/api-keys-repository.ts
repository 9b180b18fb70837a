import type { Kysely } from 'kysely';
import { insertReturningId } from './insert-returning-id.ts';
import type { DialectName } from './open-database.ts';
import type { ApiKeyRow, Database, UserRole } from './schema.ts';

/** A key joined with what the relay needs to know of its owner. */
export interface ApiKeyWithOwner extends ApiKeyRow {
  user_role: UserRole;
  user_group: string;
  user_enabled: number;
}

export interface NewApiKey {
  userId: number;
  name: string;
  keyHash: string;
  masked: string;
  models: string[] | null;
  expiresAt: number | null;
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
        enabled: 1,
        expires_at: input.expiresAt,
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
      .select(['users.role as user_role', 'users.group_name as user_group', 'users.enabled as user_enabled'])
      .where('api_keys.key_hash', '=', keyHash)
      .executeTakeFirst();
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
