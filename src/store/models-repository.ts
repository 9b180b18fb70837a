import type { Kysely } from 'kysely';
import type { DialectName } from './open-database.ts';
import type { Database, ModelRow } from './schema.ts';

export type ModelWrite = Omit<ModelRow, 'created_at' | 'updated_at'>;

/** The operator's catalog rows (src/catalog merges them over the built-in entries). */
export class ModelsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  list(): Promise<ModelRow[]> {
    return this.db.selectFrom('models').selectAll().orderBy('id').execute();
  }

  findById(id: string): Promise<ModelRow | undefined> {
    return this.db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Creates or replaces each row (one transaction: all or none); a replaced row keeps its created_at. */
  async upsert(rows: readonly ModelWrite[]): Promise<void> {
    const now = Date.now();
    await this.db.transaction().execute(async (transaction) => {
      for (const row of rows) {
        const { id: _id, ...changes } = row;
        const update = { ...changes, updated_at: now };
        const insert = transaction.insertInto('models').values({ ...row, created_at: now, updated_at: now });
        await (
          this.dialect === 'mysql'
            ? insert.onDuplicateKeyUpdate(update)
            : insert.onConflict((conflict) => conflict.column('id').doUpdateSet(update))
        ).execute();
      }
    });
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('models').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
