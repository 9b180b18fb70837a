import type { Kysely, Transaction } from 'kysely';
import type { RedemptionCodeRow } from './credit-tables.ts';
import { insertReturningId } from './insert-returning-id.ts';
import type { DialectName } from './open-database.ts';
import type { Database } from './schema.ts';

export interface NewRedemptionCode {
  codeHash: string;
  masked: string;
  name: string;
  amount: number;
  createdBy: number;
  expiresAt: number | null;
}

/** Single-use credit codes, stored by hash. */
export class RedemptionCodesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async createMany(codes: readonly NewRedemptionCode[]): Promise<number[]> {
    const now = Date.now();
    return this.db.transaction().execute(async (trx) => {
      const ids: number[] = [];
      for (const code of codes) {
        ids.push(
          await insertReturningId(
            this.dialect,
            trx.insertInto('redemption_codes').values({
              code_hash: code.codeHash,
              masked: code.masked,
              name: code.name,
              amount: code.amount,
              created_by: code.createdBy,
              created_at: now,
              expires_at: code.expiresAt,
            }),
          ),
        );
      }
      return ids;
    });
  }

  /** Newest first, keyset paged on id. */
  list(options: { beforeId?: number; limit: number; redeemed?: boolean }): Promise<RedemptionCodeRow[]> {
    let select = this.db.selectFrom('redemption_codes').selectAll();
    if (options.beforeId !== undefined) select = select.where('id', '<', options.beforeId);
    if (options.redeemed !== undefined) {
      select = select.where('redeemed_by', options.redeemed ? 'is not' : 'is', null);
    }
    return select.orderBy('id', 'desc').limit(options.limit).execute();
  }

  /** Deletes a code nobody redeemed yet; false when there is none such. */
  async deleteUnredeemed(id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('redemption_codes')
      .where('id', '=', id)
      .where('redeemed_by', 'is', null)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Marks the code redeemed by `userId` if it is still open and unexpired: a conditional UPDATE, so
   * two concurrent redemptions of one code cannot both succeed. Returns the amount, or undefined.
   */
  async claim(
    trx: Transaction<Database>,
    codeHash: string,
    userId: number,
    now: number,
  ): Promise<number | undefined> {
    const claimed = await trx
      .updateTable('redemption_codes')
      .set({ redeemed_by: userId, redeemed_at: now })
      .where('code_hash', '=', codeHash)
      .where('redeemed_by', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return undefined;
    const row = await trx
      .selectFrom('redemption_codes')
      .select('amount')
      .where('code_hash', '=', codeHash)
      .executeTakeFirstOrThrow();
    return Number(row.amount);
  }
}
