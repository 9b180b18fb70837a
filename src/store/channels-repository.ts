import type { Kysely } from 'kysely';
import { insertReturningId } from './insert-returning-id.ts';
import type { DialectName } from './open-database.ts';
import { storableText } from './storable-text.ts';
import type { ChannelRow, ChannelUpdate, Database } from './schema.ts';

/** Health columns the gateway maintains: a new channel starts without them. */
type HealthColumns = 'disabled_reason' | 'last_checked_at' | 'last_check_error' | 'costs';

export type NewChannel = Omit<ChannelRow, 'id' | 'created_at' | 'updated_at' | HealthColumns> &
  Partial<Pick<ChannelRow, HealthColumns>>;

export class ChannelsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  create(input: NewChannel): Promise<number> {
    const now = Date.now();
    return insertReturningId(
      this.dialect,
      this.db.insertInto('channels').values({ ...input, created_at: now, updated_at: now }),
    );
  }

  list(): Promise<ChannelRow[]> {
    return this.db.selectFrom('channels').selectAll().orderBy('id').execute();
  }

  findById(id: number): Promise<ChannelRow | undefined> {
    return this.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async update(id: number, changes: ChannelUpdate): Promise<boolean> {
    const result = await this.db
      .updateTable('channels')
      .set({ ...changes, updated_at: Date.now() })
      .where('id', '=', id)
      .executeTakeFirst();
    // MySQL counts only rows whose values changed; the row exists if the lookup finds it.
    return Number(result.numUpdatedRows) > 0 || (await this.findById(id)) !== undefined;
  }

  /**
   * The gateway disables an enabled channel, saying why. False when the channel was not enabled
   * (already disabled, by an admin or by another node): nothing changed.
   */
  async disableAutomatically(id: number, reason: string): Promise<boolean> {
    const result = await this.db
      .updateTable('channels')
      .set({ enabled: 0, disabled_reason: storableText(reason, 255), updated_at: Date.now() })
      .where('id', '=', id)
      .where('enabled', '=', 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Re-enables a channel the gateway disabled; never one an admin disabled. False if nothing changed. */
  async enableAutomatically(id: number): Promise<boolean> {
    const result = await this.db
      .updateTable('channels')
      .set({ enabled: 1, disabled_reason: null, updated_at: Date.now() })
      .where('id', '=', id)
      .where('enabled', '=', 0)
      .where('disabled_reason', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Notes a test of the channel (null error: it passed). Not a change of its settings: `updated_at` stays. */
  async recordCheck(id: number, checkedAt: number, error: string | null): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({
        last_checked_at: checkedAt,
        last_check_error: error === null ? null : storableText(error, 1000),
      })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('channels').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
