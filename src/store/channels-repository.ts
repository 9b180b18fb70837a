import type { Kysely } from 'kysely';
import { insertReturningId } from './insert-returning-id.ts';
import type { DialectName } from './open-database.ts';
import type { ChannelRow, ChannelUpdate, Database } from './schema.ts';

export type NewChannel = Omit<ChannelRow, 'id' | 'created_at' | 'updated_at'>;

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

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('channels').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
