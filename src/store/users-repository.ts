import { sql, type Kysely, type Transaction } from 'kysely';
import { insertReturningId } from './insert-returning-id.ts';
import type { DialectName } from './open-database.ts';
import type { Database, UserRole, UserRow, UserUpdate } from './schema.ts';

export interface NewUser {
  username: string;
  passwordHash: string;
  role: UserRole;
  groupName?: string;
  displayName?: string | null;
  email?: string | null;
  enabled?: boolean;
}

export interface UserQuery {
  /** Part of the username, any case. */
  search?: string;
  role?: UserRole;
  /** Keyset paging: users with an id above this one. */
  afterId?: number;
  limit: number;
}

/** What a guarded write did: `last-root` when it would have left no enabled root, and so did nothing. */
export type GuardedWrite = 'done' | 'not-found' | 'last-root';

/** `!` escapes LIKE wildcards: the one escape character every backend reads the same way. */
const likePattern = (text: string): string => `%${text.replace(/[!%_]/g, (char) => `!${char}`)}%`;

export class UsersRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  create(input: NewUser): Promise<number> {
    const now = Date.now();
    return insertReturningId(
      this.dialect,
      this.db.insertInto('users').values({
        username: input.username,
        password_hash: input.passwordHash,
        role: input.role,
        group_name: input.groupName ?? 'default',
        display_name: input.displayName ?? null,
        email: input.email ?? null,
        enabled: input.enabled === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      }),
    );
  }

  /** Any user, deleted ones included. */
  findById(id: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A user that has not been deleted. */
  findActive(id: number): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /** The user who logs in with this exact name; deleted users cannot. */
  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /**
   * Whether a name is taken, ignoring case (so `Admin` cannot pose as `admin`), deleted users
   * included (their name stays in logs).
   */
  async usernameTaken(username: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where(sql`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Users that are not deleted, by id ascending. */
  list(query: UserQuery): Promise<UserRow[]> {
    let select = this.db.selectFrom('users').selectAll().where('deleted_at', 'is', null);
    if (query.search !== undefined) {
      select = select.where(
        sql<boolean>`lower(username) like ${likePattern(query.search.toLowerCase())} escape '!'`,
      );
    }
    if (query.role !== undefined) select = select.where('role', '=', query.role);
    if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
    return select.orderBy('id').limit(query.limit).execute();
  }

  async countByRole(role: UserRole): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('role', '=', role)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /**
   * Applies `changes` to a user that is not deleted, unless that would leave no enabled root. The
   * check and the write share a transaction that locks the user and every root first (one
   * statement, in id order, so two roots demoting each other queue rather than deadlock).
   */
  update(id: number, changes: UserUpdate): Promise<GuardedWrite> {
    return this.db.transaction().execute(async (transaction) => {
      const { target, otherRoot } = await this.#lockWithRoots(transaction, id);
      if (!target) return 'not-found';
      // Fields left undefined keep their value: spreading `changes` would blank them.
      const after = {
        role: changes.role ?? target.role,
        enabled: changes.enabled ?? target.enabled,
        deleted_at: changes.deleted_at === undefined ? target.deleted_at : changes.deleted_at,
      };
      if (isActiveRoot(target) && !isActiveRoot(after) && !otherRoot) return 'last-root';
      await transaction
        .updateTable('users')
        .set({ ...changes, updated_at: Date.now() })
        .where('id', '=', id)
        .execute();
      return 'done';
    });
  }

  /**
   * Deletes a user softly: the row stays (logs and the ledger point at it) but is disabled and
   * marked, and the user's API keys and sessions are removed, all at once. Refused for the last root.
   */
  softDelete(id: number): Promise<GuardedWrite> {
    return this.db.transaction().execute(async (transaction) => {
      const { target, otherRoot } = await this.#lockWithRoots(transaction, id);
      if (!target) return 'not-found';
      if (isActiveRoot(target) && !otherRoot) return 'last-root';
      const now = Date.now();
      await transaction
        .updateTable('users')
        .set({ enabled: 0, deleted_at: now, updated_at: now })
        .where('id', '=', id)
        .execute();
      await transaction.deleteFrom('api_keys').where('user_id', '=', id).execute();
      await transaction.deleteFrom('sessions').where('user_id', '=', id).execute();
      return 'done';
    });
  }

  async #lockWithRoots(
    transaction: Transaction<Database>,
    id: number,
  ): Promise<{ target: UserRow | undefined; otherRoot: boolean }> {
    const select = transaction
      .selectFrom('users')
      .selectAll()
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('id', '=', id), eb.and([eb('role', '=', 'root'), eb('enabled', '=', 1)])]))
      .orderBy('id');
    // SQLite has no row locks; its write transactions already run one at a time.
    const rows = await (this.dialect === 'sqlite' ? select : select.forUpdate()).execute();
    return {
      target: rows.find((row) => row.id === id),
      otherRoot: rows.some((row) => row.id !== id && isActiveRoot(row)),
    };
  }
}

const isActiveRoot = (user: Pick<UserRow, 'role' | 'enabled' | 'deleted_at'>): boolean =>
  user.role === 'root' && user.enabled === 1 && user.deleted_at === null;
