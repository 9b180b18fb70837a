import type { Kysely } from 'kysely';
import { insertReturningId } from './insert-returning-id.ts';
import type { DialectName } from './open-database.ts';
import type { Database, UserRole, UserRow } from './schema.ts';

export class UsersRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  create(input: {
    username: string;
    passwordHash: string;
    role: UserRole;
    groupName?: string;
  }): Promise<number> {
    const now = Date.now();
    return insertReturningId(
      this.dialect,
      this.db.insertInto('users').values({
        username: input.username,
        password_hash: input.passwordHash,
        role: input.role,
        group_name: input.groupName ?? 'default',
        enabled: 1,
        created_at: now,
        updated_at: now,
      }),
    );
  }

  findById(id: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async countByRole(role: UserRole): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('role', '=', role)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}
