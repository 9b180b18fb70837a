import type { Kysely } from 'kysely';
import type { Database, UserRow } from './schema.ts';

export class SessionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(tokenHash: string, userId: number, expiresAt: number): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ token_hash: tokenHash, user_id: userId, created_at: Date.now(), expires_at: expiresAt })
      .execute();
  }

  /** The enabled user behind an unexpired session, or nothing. */
  findUser(tokenHash: string, now: number): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', now)
      .where('users.enabled', '=', 1)
      .where('users.deleted_at', 'is', null)
      .executeTakeFirst();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Ends every session of a user, or every one but `keepTokenHash`; returns how many ended. */
  async deleteByUser(userId: number, keepTokenHash?: string): Promise<number> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepTokenHash !== undefined) query = query.where('token_hash', '<>', keepTokenHash);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }
}
