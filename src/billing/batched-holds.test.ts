import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { announceSkipped, testBackends } from '../../test/support/test-databases.ts';
import { Store } from '../store/store.ts';
import { BatchedHolds } from './batched-holds.ts';
import { isLockWaitTimeout } from './bounded-lock-wait.ts';
import { CreditLedger, type HoldInput, type HoldOutcome } from './credit-ledger.ts';
import { createPayer, keyUsed as usedByKey, useLedgerDatabase } from './ledger-accounts.test-support.ts';

// SQLite runs here through Kysely (no cached statements): the same batches, without row locks.
for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`batched holds on ${backend.name}`, () => {
    const db = useLedgerDatabase(backend);

    /** A fresh user with `balance` credited through the ledger, and keys with these credit limits. */
    const account = (balance: number, ...creditLimits: (number | null)[]) =>
      createPayer(db.store, db.ledger, balance, creditLimits);

    const ledgerRows = (userId: number) =>
      db.store.db
        .selectFrom('credit_ledger')
        .select(['kind', 'amount', 'request_id', 'api_key_id', 'note', 'created_by'])
        .where('user_id', '=', userId)
        .orderBy('id')
        .execute()
        .then((rows) =>
          rows.map((row) => ({
            ...row,
            amount: Number(row.amount),
            api_key_id: row.api_key_id === null ? null : Number(row.api_key_id),
          })),
        );
    const ledgerSum = async (userId: number) =>
      (await ledgerRows(userId)).reduce((sum, row) => sum + row.amount, 0);
    const keyUsed = (keyId: number) => usedByKey(db.store, keyId);
    const hold = (
      onLedger: CreditLedger,
      userId: number,
      keyId: number,
      amount: number,
      keyLimit: number | null,
      requestId: string,
    ) => onLedger.hold({ userId, keyId, amount, keyLimit, requestId });

    /** `callers` concurrent loops, each placing its holds one after another: batches of every size. */
    async function fromCallers(
      callers: number,
      total: number,
      place: (index: number) => Promise<HoldOutcome>,
    ) {
      const outcomes: HoldOutcome[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: callers }, async () => {
          while (next < total) {
            const index = next++;
            outcomes[index] = await place(index);
          }
        }),
      );
      return outcomes;
    }

    it('lets exactly as many of 200 concurrent holds through as the balance covers', async () => {
      const { userId, keyIds } = await account(50 * 1_000);
      const keyId = keyIds[0]!;
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, index) => hold(db.ledger, userId, keyId, 1_000, null, `c${index}`)),
      );
      const placed = outcomes.filter((outcome) => outcome.ok);
      expect(placed).toHaveLength(50);
      // Each placed hold saw the balance right after it: every step from 49,000 down to 0 once.
      expect(placed.map((outcome) => outcome.balance).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, index) => index * 1_000),
      );
      expect(outcomes.every((outcome) => outcome.ok || outcome.reason === 'balance')).toBe(true);
      expect(await db.ledger.balanceOf(userId)).toBe(0);
      expect(await ledgerSum(userId)).toBe(0);
      expect(await keyUsed(keyId)).toBe(50_000);
      const rows = await ledgerRows(userId);
      expect(rows.filter((row) => row.kind === 'hold')).toHaveLength(50);
    });

    it('stays exact for 32 callers placing holds one after another', async () => {
      const { userId, keyIds } = await account(300 * 7, null, 150 * 7);
      const [free, capped] = [keyIds[0]!, keyIds[1]!];
      const outcomes = await fromCallers(32, 600, (index) =>
        index % 2 === 0
          ? hold(db.ledger, userId, free, 7, null, `f${index}`)
          : hold(db.ledger, userId, capped, 7, 150 * 7, `f${index}`),
      );
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(300);
      expect(await keyUsed(capped)).toBeLessThanOrEqual(150 * 7);
      expect((await keyUsed(free)) + (await keyUsed(capped))).toBe(300 * 7);
      expect(await db.ledger.balanceOf(userId)).toBe(0);
      expect(await ledgerSum(userId)).toBe(0);
    });

    it("decides a mixed batch in arrival order: two users, a key's limit, a refused hold then a smaller one", async () => {
      const first = await account(10_000, null, 3_000);
      const second = await account(1_000);
      const [firstFree, firstCapped] = [first.keyIds[0]!, first.keyIds[1]!];
      const secondKey = second.keyIds[0]!;
      const outcomes = await Promise.all([
        hold(db.ledger, first.userId, firstCapped, 2_000, 3_000, 'm1'),
        hold(db.ledger, second.userId, secondKey, 5_000, null, 'm2'),
        hold(db.ledger, first.userId, firstCapped, 2_000, 3_000, 'm3'),
        hold(db.ledger, second.userId, secondKey, 600, null, 'm4'),
        hold(db.ledger, first.userId, firstCapped, 1_000, 3_000, 'm5'),
        hold(db.ledger, first.userId, firstFree, 7_500, null, 'm6'),
        hold(db.ledger, first.userId, firstFree, 6_000, null, 'm7'),
        hold(db.ledger, second.userId, secondKey, 400, null, 'm8'),
        hold(db.ledger, first.userId, firstCapped, 1, 3_000, 'm9'),
      ]);
      expect(outcomes).toEqual([
        { ok: true, balance: 8_000 },
        { ok: false, reason: 'balance', balance: 1_000 },
        { ok: false, reason: 'key_limit', balance: 8_000 },
        { ok: true, balance: 400 },
        { ok: true, balance: 7_000 },
        { ok: false, reason: 'balance', balance: 7_000 },
        { ok: true, balance: 1_000 },
        { ok: true, balance: 0 },
        { ok: false, reason: 'key_limit', balance: 1_000 },
      ]);
      expect(await db.ledger.balanceOf(first.userId)).toBe(1_000);
      expect(await db.ledger.balanceOf(second.userId)).toBe(0);
      expect(await keyUsed(firstCapped)).toBe(3_000);
      expect(await keyUsed(firstFree)).toBe(6_000);
      expect(await keyUsed(secondKey)).toBe(1_000);
      const holdRow = (keyId: number, amount: number, requestId: string) => ({
        kind: 'hold',
        amount: -amount,
        request_id: requestId,
        api_key_id: keyId,
        note: null,
        created_by: null,
      });
      expect((await ledgerRows(first.userId)).slice(1)).toEqual([
        holdRow(firstCapped, 2_000, 'm1'),
        holdRow(firstCapped, 1_000, 'm5'),
        holdRow(firstFree, 6_000, 'm7'),
      ]);
      expect((await ledgerRows(second.userId)).slice(1)).toEqual([
        holdRow(secondKey, 600, 'm4'),
        holdRow(secondKey, 400, 'm8'),
      ]);
      expect(await ledgerSum(first.userId)).toBe(1_000);
    });

    it("gives each hold of a batch its own balance, whether the user's balance covers them all or not", async () => {
      const covered = await account(10_000, null, null);
      const short = await account(5_000);
      const capped = await account(10_000, 1_500, null);
      const [a1, a2] = [covered.keyIds[0]!, covered.keyIds[1]!];
      const b1 = short.keyIds[0]!;
      const [c1, c2] = [capped.keyIds[0]!, capped.keyIds[1]!];
      // Asked for in one tick: one batch.
      const outcomes = await Promise.all([
        hold(db.ledger, covered.userId, a1, 1_000, null, 'w1'),
        hold(db.ledger, short.userId, b1, 3_000, null, 'w2'),
        hold(db.ledger, capped.userId, c2, 1_000, null, 'w3'),
        hold(db.ledger, covered.userId, a2, 2_000, null, 'w4'),
        hold(db.ledger, short.userId, b1, 4_000, null, 'w5'),
        hold(db.ledger, capped.userId, c1, 1_000, 1_500, 'w6'),
        hold(db.ledger, covered.userId, a1, 3_000, null, 'w7'),
        hold(db.ledger, short.userId, b1, 2_000, null, 'w8'),
        hold(db.ledger, capped.userId, c1, 1_000, 1_500, 'w9'),
      ]);
      expect(outcomes).toEqual([
        { ok: true, balance: 9_000 },
        { ok: true, balance: 2_000 },
        { ok: true, balance: 9_000 },
        { ok: true, balance: 7_000 },
        { ok: false, reason: 'balance', balance: 2_000 },
        { ok: true, balance: 8_000 },
        { ok: true, balance: 4_000 },
        { ok: true, balance: 0 },
        { ok: false, reason: 'key_limit', balance: 8_000 },
      ]);
      const holds = async (userId: number) =>
        (await ledgerRows(userId))
          .slice(1)
          .map((row) => [row.kind, row.api_key_id, row.amount, row.request_id]);
      expect(await holds(covered.userId)).toEqual([
        ['hold', a1, -1_000, 'w1'],
        ['hold', a2, -2_000, 'w4'],
        ['hold', a1, -3_000, 'w7'],
      ]);
      expect(await holds(short.userId)).toEqual([
        ['hold', b1, -3_000, 'w2'],
        ['hold', b1, -2_000, 'w8'],
      ]);
      expect(await holds(capped.userId)).toEqual([
        ['hold', c2, -1_000, 'w3'],
        ['hold', c1, -1_000, 'w6'],
      ]);
      expect([
        await keyUsed(a1),
        await keyUsed(a2),
        await keyUsed(b1),
        await keyUsed(c1),
        await keyUsed(c2),
      ]).toEqual([4_000, 2_000, 5_000, 1_000, 1_000]);
      for (const { userId } of [covered, short, capped]) {
        expect(await ledgerSum(userId)).toBe(await db.ledger.balanceOf(userId));
      }
    });

    it('decides holds together exactly as it decides them one by one', async () => {
      // Two identical sets of accounts: one gets the holds one after another, the other all at once.
      const sets: Awaited<ReturnType<typeof account>>[][] = [];
      for (let set = 0; set < 2; set += 1) {
        sets.push([await account(20_000, null, 9_000), await account(5_000, 4_000), await account(0)]);
      }
      let seed = 7;
      const random = (below: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % below;
      };
      const plan = Array.from({ length: 120 }, (_, index) => {
        const who = random(3);
        const key = random(who === 0 ? 2 : 1);
        return { who, key, amount: 1 + random(1_500), requestId: `e${index}` };
      });
      const inputs = (accounts: (typeof sets)[number]): HoldInput[] =>
        plan.map(({ who, key, amount, requestId }) => {
          const { userId, keyIds } = accounts[who]!;
          const keyLimit = who === 0 ? (key === 1 ? 9_000 : null) : who === 1 ? 4_000 : null;
          return { userId, keyId: keyIds[key]!, amount, keyLimit, requestId };
        });
      const oneByOne: HoldOutcome[] = [];
      for (const input of inputs(sets[0]!)) oneByOne.push(await db.ledger.hold(input));
      const together = await Promise.all(inputs(sets[1]!).map((input) => db.ledger.hold(input)));
      expect(together).toEqual(oneByOne);
      expect(oneByOne.some((outcome) => !outcome.ok && outcome.reason === 'key_limit')).toBe(true);
      for (const [index, alone] of sets[0]!.entries()) {
        const batched = sets[1]![index]!;
        expect(await db.ledger.balanceOf(batched.userId)).toBe(await db.ledger.balanceOf(alone.userId));
        const rows = async (accounts: typeof alone) =>
          (await ledgerRows(accounts.userId)).map((row) => ({
            ...row,
            api_key_id: row.api_key_id === null ? null : accounts.keyIds.indexOf(row.api_key_id),
          }));
        expect(await rows(batched)).toEqual(await rows(alone));
        for (const [keyIndex, keyId] of batched.keyIds.entries()) {
          expect(await keyUsed(keyId)).toBe(await keyUsed(alone.keyIds[keyIndex]!));
        }
      }
    });

    it('places the holds of a batch that fails one by one, so only the failing hold fails', async () => {
      await createPoisonTrigger(db.store);
      const first = await account(10_000);
      const second = await account(10_000);
      const [firstKey, secondKey] = [first.keyIds[0]!, second.keyIds[0]!];
      const failed = Promise.allSettled([
        hold(db.ledger, first.userId, firstKey, 1_000, null, 'p1'),
        hold(db.ledger, second.userId, secondKey, 2_000, null, 'poison'),
        hold(db.ledger, first.userId, firstKey, 3_000, null, 'p3'),
      ]);
      // The batch above has left; these wait for the next.
      await Promise.resolve();
      const next = [
        hold(db.ledger, first.userId, firstKey, 500, null, 'n1'),
        hold(db.ledger, second.userId, secondKey, 700, null, 'n2'),
      ];
      const [p1, poison, p3] = await failed;
      expect(p1).toEqual({ status: 'fulfilled', value: { ok: true, balance: 9_000 } });
      expect(poison?.status).toBe('rejected');
      expect(String(poison?.status === 'rejected' && poison.reason)).toMatch(/poisoned/);
      expect(p3).toEqual({ status: 'fulfilled', value: { ok: true, balance: 6_000 } });
      expect(await Promise.all(next)).toEqual([
        { ok: true, balance: 5_500 },
        { ok: true, balance: 9_300 },
      ]);
      // Alone, the poisoned hold fails alone.
      await expect(hold(db.ledger, second.userId, secondKey, 1, null, 'poison')).rejects.toThrow(/poisoned/);
      expect(await db.ledger.balanceOf(first.userId)).toBe(5_500);
      expect(await db.ledger.balanceOf(second.userId)).toBe(9_300);
      expect(await ledgerSum(first.userId)).toBe(5_500);
      expect(await ledgerSum(second.userId)).toBe(9_300);
      expect(await keyUsed(firstKey)).toBe(4_500);
      expect(await keyUsed(secondKey)).toBe(700);
      expect((await ledgerRows(first.userId)).map((row) => row.request_id)).toEqual([null, 'p1', 'p3', 'n1']);
      expect((await ledgerRows(second.userId)).map((row) => row.request_id)).toEqual([null, 'n2']);
    });

    it.skipIf(backend.name === 'sqlite')(
      "fails a hold whose user's row another session keeps locked after the lock wait, and places the others",
      async () => {
        // MariaDB counts its lock wait in whole seconds.
        const lockWaitMs = backend.name === 'mysql' ? 1_000 : 300;
        const holds = new BatchedHolds(db.store.db, db.store.dialect, { lockWaitMs });
        const stuck = await account(10_000, null, 5_000);
        const other = await account(10_000);
        const [stuckFree, stuckCapped] = [stuck.keyIds[0]!, stuck.keyIds[1]!];
        const otherKey = other.keyIds[0]!;
        const timed = async (outcome: Promise<HoldOutcome>) => {
          const start = performance.now();
          const settled = await outcome.then(
            (value) => ({ value, error: undefined }),
            (error: unknown) => ({ value: undefined, error }),
          );
          return { ...settled, ms: performance.now() - start };
        };
        const place = (userId: number, keyId: number, keyLimit: number | null, requestId: string) =>
          timed(holds.hold({ userId, keyId, amount: 1_000, keyLimit, requestId }));

        const lock = await lockRow(db.database.url, stuck.userId);
        try {
          // One batch: it waits on the stuck user's row, fails, and its holds are placed one by one.
          const first = await Promise.all([
            place(stuck.userId, stuckFree, null, 's1'),
            place(other.userId, otherKey, null, 'o1'),
            place(stuck.userId, stuckCapped, 5_000, 's2'),
            place(other.userId, otherKey, null, 'o2'),
          ]);
          expect(first.map((result) => result.value)).toEqual([
            undefined,
            { ok: true, balance: 9_000 },
            undefined,
            { ok: true, balance: 8_000 },
          ]);
          for (const index of [0, 2]) {
            expect(isLockWaitTimeout(first[index]!.error)).toBe(true);
            expect(first[index]!.ms).toBeGreaterThanOrEqual(lockWaitMs * 0.9);
          }
          // The batch's wait, then the stuck user's first hold's own; never the lock's whole life.
          for (const index of [1, 3]) expect(first[index]!.ms).toBeLessThan(lockWaitMs * 2 + 1_500);

          // Now known to be stuck, the user's holds wait in a lane of their own: the others' do not.
          const second = await Promise.all([
            place(stuck.userId, stuckCapped, 5_000, 's3'),
            place(other.userId, otherKey, null, 'o3'),
          ]);
          expect(isLockWaitTimeout(second[0]!.error)).toBe(true);
          expect(second[0]!.ms).toBeGreaterThanOrEqual(lockWaitMs * 0.9);
          expect(second[1]!.value).toEqual({ ok: true, balance: 7_000 });
          expect(second[1]!.ms).toBeLessThan(lockWaitMs * 0.9);
        } finally {
          await lock.release();
        }
        // Nothing of the failed holds was written.
        expect(await db.ledger.balanceOf(stuck.userId)).toBe(10_000);
        expect(await ledgerSum(stuck.userId)).toBe(10_000);
        expect(await keyUsed(stuckFree)).toBe(0);
        expect(await keyUsed(stuckCapped)).toBe(0);

        // Released, the user's holds are placed again, alone and then in a batch with others'.
        expect((await place(stuck.userId, stuckCapped, 5_000, 's4')).value).toEqual({
          ok: true,
          balance: 9_000,
        });
        const after = await Promise.all([
          place(stuck.userId, stuckFree, null, 's5'),
          place(other.userId, otherKey, null, 'o4'),
        ]);
        expect(after.map((result) => result.value)).toEqual([
          { ok: true, balance: 8_000 },
          { ok: true, balance: 6_000 },
        ]);
        expect((await ledgerRows(stuck.userId)).map((row) => row.request_id)).toEqual([null, 's4', 's5']);
        expect(await ledgerSum(other.userId)).toBe(6_000);

        // The pooled connections keep their own lock wait.
        const settings = await Promise.all(
          Array.from({ length: 10 }, () =>
            db.store.dialect === 'postgres'
              ? sql<{ value: string }>`SELECT current_setting('lock_timeout') AS value`.execute(db.store.db)
              : sql<{ value: string }>`SELECT @@SESSION.innodb_lock_wait_timeout AS value`.execute(
                  db.store.db,
                ),
          ),
        );
        for (const { rows } of settings)
          expect(String(rows[0]?.value)).toBe(db.store.dialect === 'postgres' ? '0' : '50');
      },
    );

    it.skipIf(backend.name === 'sqlite')(
      'places a hold whose request id does not fit the ledger alone, so it fails alone',
      async () => {
        const { userId, keyIds } = await account(10_000);
        const keyId = keyIds[0]!;
        const outcomes = await Promise.allSettled([
          hold(db.ledger, userId, keyId, 1_000, null, 'w1'),
          hold(db.ledger, userId, keyId, 1_000, null, 'x'.repeat(129)),
          hold(db.ledger, userId, keyId, 1_000, null, 'w3'),
          // As long as a request id may be (X-Request-Id up to 128 characters).
          hold(db.ledger, userId, keyId, 1_000, null, 'y'.repeat(128)),
        ]);
        expect(outcomes.map((outcome) => outcome.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
        ]);
        expect(await db.ledger.balanceOf(userId)).toBe(7_000);
        expect(await ledgerSum(userId)).toBe(7_000);
      },
    );

    it.skipIf(backend.name === 'sqlite')(
      'stays exact with two nodes placing holds on one user at once',
      async () => {
        const other = await Store.open(db.database.url);
        try {
          const otherLedger = new CreditLedger(other.db, other.dialect);
          const { userId, keyIds } = await account(250 * 9, null, 100 * 9);
          const [free, capped] = [keyIds[0]!, keyIds[1]!];
          const [onFirst, onSecond] = await Promise.all([
            fromCallers(16, 200, (index) => hold(db.ledger, userId, free, 9, null, `a${index}`)),
            fromCallers(16, 200, (index) => hold(otherLedger, userId, capped, 9, 100 * 9, `b${index}`)),
          ]);
          const placed = [...onFirst, ...onSecond].filter((outcome) => outcome.ok);
          // The key's limit stops the second node at 100; the balance stops both at 250 together.
          expect(placed).toHaveLength(250);
          expect(onSecond.filter((outcome) => outcome.ok).length).toBeLessThanOrEqual(100);
          expect(placed.map((outcome) => outcome.balance).sort((a, b) => a - b)).toEqual(
            Array.from({ length: 250 }, (_, index) => index * 9),
          );
          expect(await keyUsed(capped)).toBeLessThanOrEqual(100 * 9);
          expect((await keyUsed(free)) + (await keyUsed(capped))).toBe(250 * 9);
          expect(await db.ledger.balanceOf(userId)).toBe(0);
          expect(await ledgerSum(userId)).toBe(0);
        } finally {
          await other.close();
        }
      },
    );
  });
}

/**
 * Another session, on a connection of its own, holding the user's balance row locked (as a stuck
 * session would) until released.
 */
async function lockRow(url: string, userId: number): Promise<{ release: () => Promise<void> }> {
  const other = await Store.open(url);
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked = () => {};
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const transaction = other.db.transaction().execute(async (trx) => {
    await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
    locked();
    await released;
  });
  try {
    await Promise.race([isLocked, transaction]);
  } catch (error) {
    await other.close();
    throw error;
  }
  return {
    release: async () => {
      release();
      await transaction;
      await other.close();
    },
  };
}

/** A ledger insert with request id 'poison' fails inside the database, after the balance updates. */
async function createPoisonTrigger(store: Store): Promise<void> {
  switch (store.dialect) {
    case 'postgres':
      await sql`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.request_id = 'poison' THEN RAISE EXCEPTION 'poisoned'; END IF;
          RETURN NEW;
        END $$`.execute(store.db);
      await sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON credit_ledger
        FOR EACH ROW EXECUTE FUNCTION refuse_poison()`.execute(store.db);
      return;
    case 'mysql':
      await sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON credit_ledger FOR EACH ROW
        BEGIN
          IF NEW.request_id = 'poison' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poisoned'; END IF;
        END`.execute(store.db);
      return;
    case 'sqlite':
      await sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON credit_ledger
        WHEN NEW.request_id = 'poison'
        BEGIN SELECT RAISE(ABORT, 'poisoned'); END`.execute(store.db);
      return;
    default: {
      const unreachable: never = store.dialect;
      throw new Error(`unknown dialect ${String(unreachable)}`);
    }
  }
}
