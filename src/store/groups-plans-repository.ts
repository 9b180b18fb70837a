import type { Kysely } from 'kysely';
import type { DialectName } from './open-database.ts';
import type { Database, PlanRow, UserGroupRow } from './schema.ts';

export type GroupWrite = Omit<UserGroupRow, 'created_at' | 'updated_at'>;
export type PlanWrite = Omit<PlanRow, 'created_at' | 'updated_at'>;

/** User groups and plans, keyed by name; writes create or replace (idempotent, safe from several nodes). */
export class GroupsPlansRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  listGroups(): Promise<UserGroupRow[]> {
    return this.db.selectFrom('user_groups').selectAll().orderBy('name').execute();
  }

  listPlans(): Promise<PlanRow[]> {
    return this.db.selectFrom('plans').selectAll().orderBy('name').execute();
  }

  async upsertGroup(group: GroupWrite): Promise<void> {
    const now = Date.now();
    const { name: _name, ...changes } = group;
    const update = { ...changes, updated_at: now };
    const insert = this.db.insertInto('user_groups').values({ ...group, created_at: now, updated_at: now });
    await (
      this.dialect === 'mysql'
        ? insert.onDuplicateKeyUpdate(update)
        : insert.onConflict((conflict) => conflict.column('name').doUpdateSet(update))
    ).execute();
  }

  async upsertPlan(plan: PlanWrite): Promise<void> {
    const now = Date.now();
    const { name: _name, ...changes } = plan;
    const update = { ...changes, updated_at: now };
    const insert = this.db.insertInto('plans').values({ ...plan, created_at: now, updated_at: now });
    await (
      this.dialect === 'mysql'
        ? insert.onDuplicateKeyUpdate(update)
        : insert.onConflict((conflict) => conflict.column('name').doUpdateSet(update))
    ).execute();
  }

  async deleteGroup(name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('user_groups').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deletePlan(name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('plans').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
