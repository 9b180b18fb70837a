import { afterAll, beforeAll } from 'vitest';
import type { TestBackend, TestDatabase } from '../../test/support/test-databases.ts';
import { Store } from '../store/store.ts';
import { CreditLedger } from './credit-ledger.ts';
import { readBalance } from './read-balance.ts';

/** A fresh database of `backend` with a store and a ledger, for one describe block. */
export interface LedgerDatabase {
  database: TestDatabase;
  store: Store;
  ledger: CreditLedger;
}

/**
 * Registers the describe block's setup and teardown: a fresh database opened before its tests,
 * dropped after. Its fields are set once `beforeAll` has run.
 */
export function useLedgerDatabase(backend: TestBackend): LedgerDatabase {
  const opened: Partial<LedgerDatabase> = {};
  beforeAll(async () => {
    const database = await backend.create!();
    opened.database = database;
    const store = await Store.open(database.url);
    opened.store = store;
    opened.ledger = new CreditLedger(store.db, store.dialect);
  });
  afterAll(async () => {
    await opened.store?.close();
    await opened.database?.drop();
  });
  return opened as LedgerDatabase;
}

let serial = 0;

/**
 * A fresh user credited `balance` through the ledger, with one key per entry of `creditLimits`
 * (null: uncapped; none given: one uncapped key).
 */
export async function createPayer(
  store: Store,
  ledger: CreditLedger,
  balance: number,
  creditLimits: readonly (number | null)[] = [],
): Promise<{ userId: number; keyIds: number[] }> {
  serial += 1;
  const userId = await store.users.create({ username: `payer${serial}`, passwordHash: 'h', role: 'user' });
  const keyIds: number[] = [];
  for (const [index, creditLimit] of (creditLimits.length > 0 ? creditLimits : [null]).entries()) {
    keyIds.push(
      await store.apiKeys.create({
        userId,
        name: `k${index}`,
        keyHash: `hash-${serial}-${index}`,
        masked: 'sk-…',
        models: null,
        expiresAt: null,
        creditLimit,
      }),
    );
  }
  if (balance > 0)
    await ledger.change({ userId, amount: balance, kind: 'top_up', note: null, createdBy: null });
  return { userId, keyIds };
}

/** What the user's ledger rows add up to (it must be the stored balance). */
export async function ledgerSum(store: Store, userId: number): Promise<number> {
  const rows = await store.db
    .selectFrom('credit_ledger')
    .select('amount')
    .where('user_id', '=', userId)
    .execute();
  return rows.reduce((sum, row) => sum + Number(row.amount), 0);
}

/** The key's `credit_used` as stored. */
export async function keyUsed(store: Store, keyId: number): Promise<number> {
  const row = await store.db
    .selectFrom('api_keys')
    .select('credit_used')
    .where('id', '=', keyId)
    .executeTakeFirstOrThrow();
  return Number(row.credit_used);
}

/** The user's balance as stored. */
export const storedBalance = (store: Store, userId: number): Promise<number> => readBalance(store.db, userId);
