import type { Kysely } from 'kysely';
import { GatewayError } from '../core/gateway-error.ts';
import { hashSecret } from '../security/api-key.ts';
import type { RedemptionCodesRepository } from '../store/redemption-codes-repository.ts';
import type { Database } from '../store/schema.ts';
import type { CreditLedger } from './credit-ledger.ts';

/**
 * Redeems a code for `userId`: the claim and the credit commit in one transaction, so a code is
 * spent exactly once and always with its ledger row.
 */
export async function redeemCode(
  db: Kysely<Database>,
  codes: RedemptionCodesRepository,
  ledger: CreditLedger,
  code: string,
  userId: number,
): Promise<{ amount: number; balance: number }> {
  const codeHash = hashSecret(code.trim());
  const result = await db.transaction().execute(async (trx) => {
    const amount = await codes.claim(trx, codeHash, userId, Date.now());
    if (amount === undefined) return undefined;
    const balance = await ledger.changeIn(trx, {
      userId,
      amount,
      kind: 'redemption',
      note: null,
      createdBy: null,
    });
    return { amount, balance };
  });
  if (!result) {
    throw new GatewayError(
      404,
      'not_found',
      'No such redemption code, or it was already used or has expired',
      {
        param: 'code',
      },
    );
  }
  return result;
}
