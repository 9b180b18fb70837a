import type { Kysely } from 'kysely';
import type { ModelPriceRow } from './credit-tables.ts';
import type { DialectName } from './open-database.ts';
import type { Database } from './schema.ts';

export type ModelPriceWrite = Omit<ModelPriceRow, 'updated_at'>;

/** Operators' model prices (micro-credits), one row per model id. */
export class ModelPricesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  list(): Promise<ModelPriceRow[]> {
    return this.db.selectFrom('model_prices').selectAll().orderBy('model').execute();
  }

  /** Creates or replaces the price of `row.model`. */
  async upsert(row: ModelPriceWrite): Promise<void> {
    const now = Date.now();
    const { model: _model, ...changes } = row;
    const update = { ...changes, updated_at: now };
    const insert = this.db.insertInto('model_prices').values({ ...row, updated_at: now });
    await (
      this.dialect === 'mysql'
        ? insert.onDuplicateKeyUpdate(update)
        : insert.onConflict((conflict) => conflict.column('model').doUpdateSet(update))
    ).execute();
  }

  async delete(model: string): Promise<boolean> {
    const result = await this.db.deleteFrom('model_prices').where('model', '=', model).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
