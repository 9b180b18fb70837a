import type { Kysely } from 'kysely';
import type { DialectName } from './open-database.ts';
import type { Database } from './schema.ts';

/** Operator settings: one JSON text value per name. What a name means is up to its reader. */
export class SettingsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async getAll(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('settings').select(['name', 'value']).execute();
    return new Map(rows.map((row) => [row.name, row.value]));
  }

  async get(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }

  /** Creates or replaces each value, all in one transaction. */
  async set(values: ReadonlyMap<string, string>): Promise<void> {
    const now = Date.now();
    await this.db.transaction().execute(async (transaction) => {
      for (const [name, value] of values) {
        const insert = transaction.insertInto('settings').values({ name, value, updated_at: now });
        const update = { value, updated_at: now };
        await (
          this.dialect === 'mysql'
            ? insert.onDuplicateKeyUpdate(update)
            : insert.onConflict((conflict) => conflict.column('name').doUpdateSet(update))
        ).execute();
      }
    });
  }
}
