import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkipped, testBackends, type TestDatabase } from '../../test/support/test-databases.ts';
import { InlineSqliteWriter } from '../store/sqlite-writer.ts';
import { Store } from '../store/store.ts';
import { CreditLedger } from './credit-ledger.ts';
import { nameAttempt } from './settlement-attempts.ts';
import {
  createPayer,
  keyUsed as usedByKey,
  ledgerSum as sumOfLedger,
  storedBalance,
} from './ledger-accounts.test-support.ts';

// On SQLite the request path's writes are reservations and batches committed by the SQLite writer
// (its own thread for a file, the store's connection for a database in memory), or Kysely's path
// like the other databases: every way is held to the same rules.
type SqliteWrites = 'kysely' | 'writer thread' | 'inline writer';
const variants = testBackends.flatMap((backend) =>
  backend.name === 'sqlite'
    ? (['kysely', 'writer thread', 'inline writer'] as const).map((writes) => ({ backend, writes }))
    : [{ backend, writes: 'kysely' as SqliteWrites }],
);

function sqliteWrites(store: Store, writes: SqliteWrites) {
  if (writes === 'kysely' || !store.sqlite || !store.sqliteWriter) return undefined;
  const writer = writes === 'inline writer' ? new InlineSqliteWriter(store.sqlite) : store.sqliteWriter;
  return { database: store.sqlite, writer };
}

for (const { backend, writes } of variants) {
  announceSkipped(backend);
  const name = `credit ledger on ${backend.name}${writes === 'kysely' ? '' : ` (${writes})`}`;
  describe.skipIf(!backend.create)(name, () => {
    let database: TestDatabase;
    let store: Store;
    let ledger: CreditLedger;

    /** A fresh user with `balance` credited through the ledger, and one key (optionally capped). */
    async function account(balance: number, creditLimit: number | null = null) {
      const { userId, keyIds } = await createPayer(store, ledger, balance, [creditLimit]);
      return { userId, keyId: keyIds[0]! };
    }
    const ledgerSum = (userId: number) => sumOfLedger(store, userId);
    const dbBalance = (userId: number) => storedBalance(store, userId);
    const keyUsed = (keyId: number) => usedByKey(store, keyId);
    /** The balance, the ledger summing to it, and the key's use. */
    const expectAccount = async (
      userId: number,
      keyId: number,
      expected: { balance: number; keyUsed: number },
    ) => {
      expect(await ledger.balanceOf(userId)).toBe(expected.balance);
      expect(await ledgerSum(userId)).toBe(expected.balance);
      expect(await keyUsed(keyId)).toBe(expected.keyUsed);
    };

    beforeAll(async () => {
      database = await backend.create!();
      store = await Store.open(database.url);
      ledger = new CreditLedger(store.db, store.dialect, sqliteWrites(store, writes));
    });
    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    it('lets exactly as many concurrent holds through as the balance covers, never going below zero', async () => {
      const { userId, keyId } = await account(50 * 1_000);
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          ledger.hold({ userId, keyId, amount: 1_000, keyLimit: null, requestId: `r${index}` }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(50);
      expect(
        outcomes
          .filter((outcome) => !outcome.ok)
          .every((outcome) => !outcome.ok && outcome.reason === 'balance'),
      ).toBe(true);
      expect(await ledger.balanceOf(userId)).toBe(0);
      expect((await ledger.hold({ userId, keyId, amount: 1, keyLimit: null, requestId: 'late' })).ok).toBe(
        false,
      );
      const served = outcomes.flatMap((outcome, index) => (outcome.ok ? [`r${index}`] : []));
      await ledger.settle(
        served.map((requestId) => ({ userId, keyId, held: 1_000, charged: 1_000, requestId })),
      );
      await expectAccount(userId, keyId, { balance: 0, keyUsed: 50_000 });
    });

    it('settles to the real cost, refunds failures and keeps the ledger summing to the balance', async () => {
      const { userId, keyId } = await account(10_000);
      expect(await ledger.hold({ userId, keyId, amount: 4_000, keyLimit: null, requestId: 'a' })).toEqual({
        ok: true,
        balance: 6_000,
      });
      expect((await ledger.hold({ userId, keyId, amount: 3_000, keyLimit: null, requestId: 'b' })).ok).toBe(
        true,
      );
      await ledger.settle([
        { userId, keyId, held: 4_000, charged: 1_500, requestId: 'a' },
        { userId, keyId, held: 3_000, charged: 0, requestId: 'b' },
      ]);
      await expectAccount(userId, keyId, { balance: 8_500, keyUsed: 1_500 });
      const kinds = await store.db
        .selectFrom('credit_ledger')
        .select(['kind', 'amount', 'request_id'])
        .where('user_id', '=', userId)
        .orderBy('id')
        .execute();
      // Where holds are reservations (SQLite), a hold's row is written with its settlement: the
      // rows are the same, in another order.
      const rows = kinds.map((row) => [row.kind, Number(row.amount), row.request_id]);
      expect(rows[0]).toEqual(['top_up', 10_000, null]);
      expect(rows.slice(1).sort()).toEqual([
        ['hold', -3_000, 'b'],
        ['hold', -4_000, 'a'],
        ['refund', 3_000, 'b'],
        ['settle', 2_500, 'a'],
      ]);
    });

    it('takes a cost above the hold only as far as the balance goes', async () => {
      const { userId, keyId } = await account(1_000);
      await ledger.hold({ userId, keyId, amount: 600, keyLimit: null, requestId: 'over' });
      await ledger.settle([{ userId, keyId, held: 600, charged: 5_000, requestId: 'over' }]);
      await expectAccount(userId, keyId, { balance: 0, keyUsed: 1_000 });
    });

    it('settles a batch mixing users, refunds, failures and a cost above its hold', async () => {
      const first = await account(10_000);
      const second = await account(5_000);
      await ledger.hold({ ...first, amount: 3_000, keyLimit: null, requestId: 'm1' });
      await ledger.hold({ ...first, amount: 2_000, keyLimit: null, requestId: 'm2' });
      await ledger.hold({ ...second, amount: 1_000, keyLimit: null, requestId: 'm3' });
      await ledger.hold({ ...second, amount: 1_000, keyLimit: null, requestId: 'm4' });
      await ledger.settle([
        { ...first, held: 3_000, charged: 1_000, requestId: 'm1' },
        { ...second, held: 1_000, charged: 0, requestId: 'm3' },
        { ...first, held: 2_000, charged: 2_500, requestId: 'm2' },
        { ...second, held: 1_000, charged: 1_000, requestId: 'm4' },
      ]);
      expect(await ledger.balanceOf(first.userId)).toBe(10_000 - 1_000 - 2_500);
      expect(await ledgerSum(first.userId)).toBe(6_500);
      expect(await keyUsed(first.keyId)).toBe(3_500);
      expect(await ledger.balanceOf(second.userId)).toBe(4_000);
      expect(await ledgerSum(second.userId)).toBe(4_000);
      expect(await keyUsed(second.keyId)).toBe(1_000);
    });

    it('gives back a batch’s unused holds before taking a cost above its hold', async () => {
      const { userId, keyId } = await account(1_500);
      await ledger.hold({ userId, keyId, amount: 1_000, keyLimit: null, requestId: 'back' });
      await ledger.hold({ userId, keyId, amount: 500, keyLimit: null, requestId: 'over' });
      await ledger.settle([
        { userId, keyId, held: 500, charged: 1_000, requestId: 'over' },
        { userId, keyId, held: 1_000, charged: 0, requestId: 'back' },
      ]);
      await expectAccount(userId, keyId, { balance: 500, keyUsed: 1_000 });
    });

    // The batch writer writes a batch again after an attempt that failed, and an attempt can fail
    // after its commit (a connection lost during COMMIT): what that attempt wrote is not written twice.
    it('writes a settlement batch retried after a commit that seemed to fail only once', async () => {
      const { userId, keyId } = await account(10_000);
      await ledger.hold({ userId, keyId, amount: 1_000, keyLimit: null, requestId: 'same-id' });
      const first = { userId, keyId, held: 1_000, charged: 100, requestId: 'same-id' };
      await ledger.settle([first]);
      // Retried with what was queued since: another request the client sent under the same id.
      await ledger.hold({ userId, keyId, amount: 1_000, keyLimit: null, requestId: 'same-id' });
      await ledger.settle([first, { userId, keyId, held: 1_000, charged: 300, requestId: 'same-id' }]);
      await expectAccount(userId, keyId, { balance: 10_000 - 100 - 300, keyUsed: 400 });
      const settleRows = await store.db
        .selectFrom('credit_ledger')
        .select('amount')
        .where('user_id', '=', userId)
        .where('kind', '=', 'settle')
        .execute();
      expect(settleRows.map((row) => Number(row.amount)).sort((a, b) => a - b)).toEqual([700, 900]);
    });

    // A batch the database refused in part is written in halves: one half may commit and the other
    // fail, then come back with the half that did. Two settlements of one request id and key in it
    // are still told apart.
    it('writes the half of a batch that did not commit, whatever request ids it shares', async () => {
      const { userId, keyId } = await account(10_000);
      await ledger.hold({ userId, keyId, amount: 1_000, keyLimit: null, requestId: 'dup' });
      await ledger.hold({ userId, keyId, amount: 1_000, keyLimit: null, requestId: 'dup' });
      const charged = { userId, keyId, held: 1_000, charged: 100, requestId: 'dup' };
      const refunded = { userId, keyId, held: 1_000, charged: 0, requestId: 'dup' };
      // Both named by the first attempt, which committed only the first half.
      nameAttempt([charged, refunded]);
      await ledger.settle([charged]);
      await ledger.settle([charged, refunded]);
      await expectAccount(userId, keyId, { balance: 9_900, keyUsed: 100 });
    });

    it("refuses a hold over the key's credit limit and changes nothing", async () => {
      const { userId, keyId } = await account(100_000, 2_500);
      expect((await ledger.hold({ userId, keyId, amount: 2_000, keyLimit: 2_500, requestId: 'k1' })).ok).toBe(
        true,
      );
      const refused = await ledger.hold({ userId, keyId, amount: 1_000, keyLimit: 2_500, requestId: 'k2' });
      expect(refused).toEqual({ ok: false, reason: 'key_limit', balance: 98_000 });
      expect((await ledger.hold({ userId, keyId, amount: 500, keyLimit: 2_500, requestId: 'k3' })).ok).toBe(
        true,
      );
      await ledger.settle([
        { userId, keyId, held: 2_000, charged: 2_000, requestId: 'k1' },
        { userId, keyId, held: 500, charged: 500, requestId: 'k3' },
      ]);
      await expectAccount(userId, keyId, { balance: 97_500, keyUsed: 2_500 });
      expect((await ledger.hold({ userId, keyId, amount: 1, keyLimit: 2_500, requestId: 'k4' })).ok).toBe(
        false,
      );
    });

    // An upstream that ignored max_tokens costs more than was held: the key's limit still holds,
    // counting what its other requests in flight hold and what the batch gives back first.
    it("takes a cost above the hold only as far as the key's credit limit goes", async () => {
      const { userId, keyId } = await account(100_000, 1_000);
      const hold = (amount: number, requestId: string) =>
        ledger.hold({ userId, keyId, amount, keyLimit: 1_000, requestId });
      expect((await hold(300, 'a')).ok).toBe(true);
      expect((await hold(200, 'b')).ok).toBe(true);
      expect((await hold(100, 'c')).ok).toBe(true);
      await ledger.settle([
        { userId, keyId, held: 300, charged: 100, requestId: 'a' },
        { userId, keyId, held: 200, charged: 5_000, requestId: 'b' },
      ]);
      // b: what the limit leaves beside a's 100 and the 100 c holds.
      expect(await ledger.balanceOf(userId)).toBe(100_000 - 100 - 800 - 100);
      await ledger.settle([{ userId, keyId, held: 100, charged: 400, requestId: 'c' }]);
      await expectAccount(userId, keyId, { balance: 100_000 - 100 - 800 - 100, keyUsed: 1_000 });
      expect((await hold(1, 'd')).ok).toBe(false);
    });

    it('never lets a negative adjustment take credits that requests in flight hold', async () => {
      const { userId, keyId } = await account(1_000);
      expect((await ledger.hold({ userId, keyId, amount: 600, keyLimit: null, requestId: 'kept' })).ok).toBe(
        true,
      );
      const result = await ledger.change({
        userId,
        amount: -1_000,
        kind: 'adjustment',
        note: 'fix',
        createdBy: 1,
      });
      expect(result.applied).toBe(-400);
      await ledger.settle([{ userId, keyId, held: 600, charged: 600, requestId: 'kept' }]);
      await expectAccount(userId, keyId, { balance: 0, keyUsed: 600 });
    });

    it.skipIf(backend.name !== 'sqlite')(
      'never lets a settlement join another write’s transaction that then rolls back',
      async () => {
        // Kysely's transactions on SQLite span awaits on the same connection: a settlement written
        // while one is open would become its savepoint and vanish with its rollback.
        for (let ticks = 0; ticks <= 6; ticks += 1) {
          const { userId, keyId } = await account(1_000);
          await ledger.hold({ userId, keyId, amount: 400, keyLimit: null, requestId: `t${ticks}` });
          const rolledBack = store.db
            .transaction()
            .execute(async (trx) => {
              await trx.updateTable('users').set({ display_name: 'x' }).where('id', '=', userId).execute();
              await new Promise((resolve) => setTimeout(resolve, 5));
              throw new Error('rolled back');
            })
            .catch(() => undefined);
          for (let tick = 0; tick < ticks; tick += 1) await Promise.resolve();
          const settled = ledger.settle([{ userId, keyId, held: 400, charged: 300, requestId: `t${ticks}` }]);
          await Promise.all([rolledBack, settled]);
          expect(await ledgerSum(userId)).toBe(700);
          expect(await dbBalance(userId)).toBe(700);
          expect(await ledger.balanceOf(userId)).toBe(700);
        }
      },
    );

    it('applies negative adjustments only down to zero', async () => {
      const { userId } = await account(700);
      const result = await ledger.change({
        userId,
        amount: -1_000,
        kind: 'adjustment',
        note: 'fix',
        createdBy: 1,
      });
      expect(result).toEqual({ applied: -700, balance: 0 });
      expect(await ledgerSum(userId)).toBe(0);
    });
  });
}
