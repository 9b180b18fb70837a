import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DialectName } from '../store/open-database.ts';
import pg from 'pg';
import { preparedRunner, type PreparedStatement, type RunPrepared } from '../store/prepared-query.ts';
import type { Database } from '../store/schema.ts';
import type { HoldInput, HoldOutcome } from './credit-ledger.ts';
import { readBalance } from './read-balance.ts';
import { inTransactionWithLockWait, isLockWaitTimeout, LOCK_WAIT_MS } from './bounded-lock-wait.ts';
import { decideHolds, type HoldDecisions, type KeySpending } from './decide-holds.ts';

/** The most holds one batch carries: its ledger rows go in one multi-row insert. */
const MAX_HOLDS_PER_BATCH = 500;

/**
 * credit_ledger.request_id's width (migration 010), as wide as the ids requests accept. A longer id fails its ledger insert; such a
 * hold is placed on its own, so it fails alone instead of failing the batch it would have joined.
 */
const REQUEST_ID_WIDTH = 128;

class HoldRefused extends Error {
  constructor(readonly reason: 'balance' | 'key_limit') {
    super(reason);
  }
}

interface QueuedHold {
  input: HoldInput;
  resolve: (outcome: HoldOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * PostgreSQL, one hold for a key without a credit limit: the conditional update, the key's count and
 * the ledger row. Parameters: amount, user id, key id, request id, now (ms), lock wait (ms). The lock
 * wait is set for this statement's transaction by a one-time filter, evaluated before the update
 * reads (and so before it waits for) the balance row.
 */
const HOLD_IN_ONE_STATEMENT: PreparedStatement = {
  name: 'switchboard_hold_v1',
  text: `WITH taken AS (
      UPDATE users SET balance = balance - $1::bigint
      WHERE (SELECT set_config('lock_timeout', $6::text, true)) IS NOT NULL
        AND id = $2::bigint AND balance >= $1::bigint
      RETURNING balance
    ), counted AS (
      UPDATE api_keys SET credit_used = credit_used + $1::bigint
      WHERE id = $3::bigint AND EXISTS (SELECT 1 FROM taken)
    ), entry AS (
      INSERT INTO credit_ledger (user_id, api_key_id, kind, amount, request_id, created_at)
      SELECT $2::bigint, $3::bigint, 'hold', -$1::bigint, $4::varchar, $5::bigint
      WHERE EXISTS (SELECT 1 FROM taken)
    )
    SELECT (SELECT balance FROM taken) AS balance`,
};

/**
 * PostgreSQL, all of one user's holds of a batch when none is checked against a key's limit: the
 * user's balance is taken for their sum in one conditional update, or not at all, and the keys'
 * counts and one ledger row per hold (in arrival order) go with it, in one statement. Parameters:
 * user id, key ids, amounts, request ids (the three arrays in arrival order), now (ms), lock wait
 * (ms). Sums are taken in SQL, where they cannot lose precision. The balance returned is the one
 * after the last hold; null if the holds did not all fit and nothing was written.
 */
const HOLDS_OF_ONE_USER: PreparedStatement = {
  name: 'switchboard_holds_of_one_user_v1',
  text: `WITH asked AS (
      SELECT key_id, amount, request_id, ord
      FROM unnest($2::bigint[], $3::bigint[], $4::varchar[]) WITH ORDINALITY AS a(key_id, amount, request_id, ord)
    ), taken AS (
      UPDATE users SET balance = balance - (SELECT sum(amount) FROM asked)
      WHERE (SELECT set_config('lock_timeout', $6::text, true)) IS NOT NULL
        AND id = $1::bigint AND balance >= (SELECT sum(amount) FROM asked)
      RETURNING balance
    ), counted AS (
      UPDATE api_keys SET credit_used = credit_used + per_key.amount
      FROM (SELECT key_id, sum(amount) AS amount FROM asked GROUP BY key_id) AS per_key
      WHERE api_keys.id = per_key.key_id AND EXISTS (SELECT 1 FROM taken)
    ), entries AS (
      INSERT INTO credit_ledger (user_id, api_key_id, kind, amount, request_id, created_at)
      SELECT $1::bigint, key_id, 'hold', -amount, request_id, $5::bigint FROM asked
      WHERE EXISTS (SELECT 1 FROM taken)
      ORDER BY ord
    )
    SELECT (SELECT balance FROM taken) AS balance`,
};

/** One queue of holds, with at most one batch of them in flight. */
interface Lane {
  queue: QueuedHold[];
  sending: boolean;
}

/**
 * How long a user whose balance row could not be locked in time stays in the slow lane, unless a
 * hold of theirs is placed before: long enough that a row held by a stuck session costs the other
 * users' holds one wait, not one per batch.
 */
const STUCK_FOR_MS = 60_000;

export interface BatchedHoldsOptions {
  /** How long a hold waits for a row lock; LOCK_WAIT_MS unless a test wants it short. */
  lockWaitMs?: number;
  /** PostgreSQL: the pool under `db`, so the single-hold statement runs prepared (see `preparedRunner`). */
  pgPool?: pg.Pool;
}

/**
 * Holds on PostgreSQL and MySQL/MariaDB, committed in groups. All holds of one user queue on that
 * user's balance row, and each committed alone waits for its own commit (a WAL flush) while holding
 * the lock. Here a node sends one batch at a time: holds asked for while a batch is in flight wait
 * for the next, which carries them all in one transaction with a fixed number of round trips. Alone,
 * a hold goes at once through the single-hold statements, so an idle node adds no wait.
 *
 * On PostgreSQL, the holds of a user none of whose holds in the batch is checked against a key's
 * limit are first tried all together, in one statement per user (the users' statements run side by
 * side): when the balance covers their sum, each of them fits whatever the order, so that one
 * conditional update decides them exactly as one by one, and the balance row is locked for one round
 * trip instead of a transaction's five. Holds that do not all fit are decided as below.
 *
 * A batch locks its users' balance rows (and, when a hold is checked against a key's limit, its
 * keys' rows) in id order, so two batches cannot deadlock; decides every hold in arrival order under
 * those locks, as the holds one by one would have been decided; and writes the result in one update
 * per table and one insert.
 *
 * Failures stay with the holds they belong to. Every wait for a row lock is bounded (LOCK_WAIT_MS).
 * A batch that fails before its commit wrote nothing, being one transaction: its holds are placed
 * again one by one, so only the holds that fail alone fail. A user whose row could not be locked in
 * time (a session holding it is stuck) has their holds sent, for a while, through a lane of their
 * own, the slow lane, so the batches of everyone else do not wait on that row again and again.
 */
export class BatchedHolds {
  readonly #lanes = { usual: newLane(), slow: newLane() };
  /** Users whose balance row could not be locked in time, with when they go back to the usual lane. */
  readonly #stuckUntil = new Map<number, number>();
  readonly #lockWaitMs: number;
  readonly #run: RunPrepared;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    options: BatchedHoldsOptions = {},
  ) {
    const { lockWaitMs = LOCK_WAIT_MS, pgPool } = options;
    this.#run = preparedRunner(db, pgPool);
    if (!Number.isSafeInteger(lockWaitMs) || lockWaitMs < 1)
      throw new Error('lockWaitMs: a positive integer');
    this.#lockWaitMs = lockWaitMs;
  }

  /** Takes `amount` from the user (and counts it against the key) or refuses, changing nothing. */
  hold(input: HoldInput): Promise<HoldOutcome> {
    if (input.requestId.length > REQUEST_ID_WIDTH) return this.#placeAlone(input);
    const lane = this.#isStuck(input.userId) ? this.#lanes.slow : this.#lanes.usual;
    return new Promise((resolve, reject) => {
      lane.queue.push({ input, resolve, reject });
      if (lane.sending) return;
      lane.sending = true;
      // Holds asked for in the same tick leave together.
      queueMicrotask(() => void this.#send(lane));
    });
  }

  #isStuck(userId: number): boolean {
    const until = this.#stuckUntil.get(userId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.#stuckUntil.delete(userId);
    return false;
  }

  #markStuck(userId: number): void {
    const now = Date.now();
    // Users who never come back leave here, not on their next hold.
    for (const [stuck, until] of this.#stuckUntil) if (until <= now) this.#stuckUntil.delete(stuck);
    this.#stuckUntil.set(userId, now + STUCK_FOR_MS);
  }

  async #send(lane: Lane): Promise<void> {
    while (lane.queue.length > 0) {
      const batch = lane.queue.splice(0, MAX_HOLDS_PER_BATCH);
      if (batch.length === 1) await this.#sendOneByOne(batch);
      else await this.#sendTogether(batch);
    }
    lane.sending = false;
  }

  async #sendTogether(whole: readonly QueuedHold[]): Promise<void> {
    const batch = this.dialect === 'postgres' ? await this.#placeUsersWhole(whole) : whole;
    if (batch.length === 0) return;
    if (batch.length === 1) {
      await this.#sendOneByOne(batch);
      return;
    }
    const inputs = batch.map((queued) => queued.input);
    // Set once the batch's writes are done: a failure after it (the commit itself, a lost connection)
    // leaves unknown whether the batch committed, and placing its holds again could apply them twice.
    let committing = false;
    const attempt = () =>
      inTransactionWithLockWait(this.db, this.dialect, this.#lockWaitMs, async (trx) => {
        const outcomes = await this.#placeAll(trx, inputs);
        committing = true;
        return outcomes;
      });
    let outcomes: HoldOutcome[];
    try {
      outcomes = await attempt().catch((error: unknown) => {
        // A deadlock rolled the whole attempt back, so it can be made again, at once.
        if (committing || !isDeadlock(error)) throw error;
        return attempt();
      });
    } catch (error) {
      if (committing) {
        for (const queued of batch) queued.reject(error);
        return;
      }
      await this.#sendOneByOne(batch);
      return;
    }
    batch.forEach((queued, index) => queued.resolve(outcomes[index]!));
    if (this.#stuckUntil.size > 0) for (const input of inputs) this.#stuckUntil.delete(input.userId);
  }

  /**
   * PostgreSQL: for each user whose holds here are all free of key limits, tries them all in one
   * statement (see HOLDS_OF_ONE_USER); returns the holds still to be decided: the other users', and
   * those of users whose balance did not cover their sum. A statement the database refused wrote
   * nothing, so its holds are placed one by one; one whose outcome is unknown (the connection broke)
   * fails its holds, as placing them again could apply them twice.
   */
  async #placeUsersWhole(batch: readonly QueuedHold[]): Promise<readonly QueuedHold[]> {
    const byUser = new Map<number, QueuedHold[]>();
    for (const queued of batch) {
      const holds = byUser.get(queued.input.userId);
      if (holds) holds.push(queued);
      else byUser.set(queued.input.userId, [queued]);
    }
    const whole = [...byUser.values()].filter((holds) =>
      holds.every((queued) => queued.input.keyLimit === null),
    );
    if (whole.length === 0) return batch;
    const undecided = new Set<QueuedHold>(batch);
    const refused: QueuedHold[] = [];
    await Promise.all(
      whole.map(async (holds) => {
        try {
          const placed = await this.#holdAllOfOneUser(holds.map((queued) => queued.input));
          if (placed === undefined) return;
          for (const [index, queued] of holds.entries()) queued.resolve(placed[index]!);
          this.#stuckUntil.delete(holds[0]!.input.userId);
        } catch (error) {
          if (error instanceof pg.DatabaseError) refused.push(...holds);
          else for (const queued of holds) queued.reject(error);
        }
        for (const queued of holds) undecided.delete(queued);
      }),
    );
    if (refused.length > 0) await this.#sendOneByOne(refused);
    return batch.filter((queued) => undecided.has(queued));
  }

  /** The outcomes of one user's holds, in order, if all fit; undefined (nothing written) if not. */
  async #holdAllOfOneUser(inputs: readonly HoldInput[]): Promise<HoldOutcome[] | undefined> {
    const rows = await this.#run<{ balance: number | string | null }>(HOLDS_OF_ONE_USER, [
      inputs[0]!.userId,
      inputs.map((input) => input.keyId),
      inputs.map((input) => input.amount),
      inputs.map((input) => input.requestId),
      Date.now(),
      String(this.#lockWaitMs),
    ]);
    const after = rows[0]?.balance;
    if (after === null || after === undefined) return undefined;
    // Each hold sees the balance right after it: the final one plus what the later holds took.
    const outcomes: HoldOutcome[] = [];
    let balance = Number(after);
    for (let index = inputs.length - 1; index >= 0; index -= 1) {
      outcomes[index] = { ok: true, balance };
      balance += inputs[index]!.amount;
    }
    return outcomes;
  }

  /**
   * Holds each in its own transaction (a batch of one, or the holds of a batch that failed having
   * written nothing): only the holds that fail alone fail. A user whose row could not be locked in
   * time would make each of their holds wait as long again, so their other holds here fail at once,
   * with that error, and their next holds go through the slow lane.
   */
  async #sendOneByOne(holds: readonly QueuedHold[]): Promise<void> {
    const locked = new Map<number, unknown>();
    for (const queued of holds) {
      const { userId } = queued.input;
      if (locked.has(userId)) {
        queued.reject(locked.get(userId));
        continue;
      }
      try {
        queued.resolve(await this.#placeAlone(queued.input));
        this.#stuckUntil.delete(userId);
      } catch (error) {
        if (isLockWaitTimeout(error)) {
          locked.set(userId, error);
          this.#markStuck(userId);
        }
        queued.reject(error);
      }
    }
  }

  #placeAlone(input: HoldInput): Promise<HoldOutcome> {
    return retryingDeadlockOnce(() => this.#placeOne(input));
  }

  #placeOne(input: HoldInput): Promise<HoldOutcome> {
    if (this.dialect === 'postgres' && input.keyLimit === null) return this.#holdInOneStatement(input);
    return this.#holdInTransaction(input);
  }

  /**
   * PostgreSQL, a key without a credit limit: the conditional update, the key's count and the ledger
   * row as one statement (data-modifying CTEs run all or nothing), so the balance row is locked for
   * one round trip, not a transaction's five. Its lock wait is bounded from within the statement.
   */
  async #holdInOneStatement(input: HoldInput): Promise<HoldOutcome> {
    const { userId, keyId, amount, requestId } = input;
    const rows = await this.#run<{ balance: number | string | null }>(HOLD_IN_ONE_STATEMENT, [
      amount,
      userId,
      keyId,
      requestId,
      Date.now(),
      String(this.#lockWaitMs),
    ]);
    const balance = rows[0]?.balance;
    if (balance === null || balance === undefined) {
      return { ok: false, reason: 'balance', balance: await readBalance(this.db, userId) };
    }
    return { ok: true, balance: Number(balance) };
  }

  /** One hold in its own transaction of conditional updates: any database, any key. */
  async #holdInTransaction(input: HoldInput): Promise<HoldOutcome> {
    try {
      const balance = await inTransactionWithLockWait(
        this.db,
        this.dialect,
        this.#lockWaitMs,
        async (trx) => {
          const taken = await trx
            .updateTable('users')
            .set((eb) => ({ balance: eb('balance', '-', input.amount) }))
            .where('id', '=', input.userId)
            .where('balance', '>=', input.amount)
            .executeTakeFirst();
          if (Number(taken.numUpdatedRows) !== 1) throw new HoldRefused('balance');
          let keyUpdate = trx
            .updateTable('api_keys')
            .set((eb) => ({ credit_used: eb('credit_used', '+', input.amount) }))
            .where('id', '=', input.keyId);
          if (input.keyLimit !== null) {
            keyUpdate = keyUpdate.where((eb) =>
              eb(eb('credit_used', '+', input.amount), '<=', eb.ref('credit_limit')),
            );
          }
          const counted = await keyUpdate.executeTakeFirst();
          if (input.keyLimit !== null && Number(counted.numUpdatedRows) !== 1)
            throw new HoldRefused('key_limit');
          await trx
            .insertInto('credit_ledger')
            .values({
              user_id: input.userId,
              api_key_id: input.keyId,
              kind: 'hold',
              amount: -input.amount,
              request_id: input.requestId,
              note: null,
              created_by: null,
              created_at: Date.now(),
            })
            .execute();
          const row = await trx
            .selectFrom('users')
            .select('balance')
            .where('id', '=', input.userId)
            .executeTakeFirst();
          return Number(row?.balance ?? 0);
        },
      );
      return { ok: true, balance };
    } catch (error) {
      if (!(error instanceof HoldRefused)) throw error;
      return { ok: false, reason: error.reason, balance: await readBalance(this.db, input.userId) };
    }
  }

  /**
   * Several holds in one transaction: lock, decide in arrival order, write. The round trips are the
   * same for 2 holds as for 500: the locking reads, then the writes (one statement on PostgreSQL,
   * three elsewhere).
   */
  async #placeAll(trx: Transaction<Database>, inputs: readonly HoldInput[]): Promise<HoldOutcome[]> {
    const locking = this.dialect !== 'sqlite';
    let users = trx
      .selectFrom('users')
      .select(['id', 'balance'])
      .where('id', 'in', sortedIds(inputs.map((input) => input.userId)))
      .orderBy('id');
    if (locking) users = users.forUpdate();
    const balances = new Map((await users.execute()).map((row) => [Number(row.id), Number(row.balance)]));
    // Keys are read only when a limit is to be checked. Their rows are locked after the users', as
    // every transaction that changes a key's use locks its user's balance row first.
    const keys = new Map<number, KeySpending>();
    if (inputs.some((input) => input.keyLimit !== null)) {
      let select = trx
        .selectFrom('api_keys')
        .select(['id', 'credit_used', 'credit_limit'])
        .where('id', 'in', sortedIds(inputs.map((input) => input.keyId)))
        .orderBy('id');
      if (locking) select = select.forUpdate();
      for (const row of await select.execute()) {
        const limit = row.credit_limit === null ? null : Number(row.credit_limit);
        keys.set(Number(row.id), { used: Number(row.credit_used), limit });
      }
    }
    const decisions = decideHolds(inputs, balances, keys);
    if (decisions.placed.length > 0) {
      if (this.dialect === 'postgres') await this.#writeInOneStatement(trx, decisions);
      else await this.#write(trx, decisions);
    }
    return decisions.outcomes;
  }

  async #write(trx: Transaction<Database>, decisions: HoldDecisions): Promise<void> {
    const taken = amountById(decisions.taken, this.dialect);
    // Guarded like a single hold's update: the locks make the guard always true; were they ever
    // wrong, the batch fails instead of a balance going below zero.
    const updated = await trx
      .updateTable('users')
      .set((eb) => ({ balance: eb('balance', '-', taken) }))
      .where('id', 'in', sortedIds([...decisions.taken.keys()]))
      .where('balance', '>=', taken)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== decisions.taken.size) throw new Error('a held balance changed');
    await trx
      .updateTable('api_keys')
      .set((eb) => ({ credit_used: eb('credit_used', '+', amountById(decisions.counted, this.dialect)) }))
      .where('id', 'in', sortedIds([...decisions.counted.keys()]))
      .execute();
    const now = Date.now();
    await trx
      .insertInto('credit_ledger')
      .values(
        decisions.placed.map((input) => ({
          user_id: input.userId,
          api_key_id: input.keyId,
          kind: 'hold' as const,
          amount: -input.amount,
          request_id: input.requestId,
          note: null,
          created_by: null,
          created_at: now,
        })),
      )
      .execute();
  }

  /** PostgreSQL: the same three writes as data-modifying CTEs of one statement, one round trip. */
  async #writeInOneStatement(trx: Transaction<Database>, decisions: HoldDecisions): Promise<void> {
    const taken = amountById(decisions.taken, this.dialect);
    const counted = amountById(decisions.counted, this.dialect);
    const userIds = sql.join(sortedIds([...decisions.taken.keys()]));
    const keyIds = sql.join(sortedIds([...decisions.counted.keys()]));
    const now = Date.now();
    const rows = sql.join(
      decisions.placed.map(
        (input) =>
          sql`(${input.userId}, ${input.keyId}, 'hold', ${-input.amount}, ${input.requestId}, ${now})`,
      ),
    );
    const { rows: result } = await sql<{ updated: number }>`
      WITH taken AS (
        UPDATE users SET balance = balance - ${taken}
        WHERE id IN (${userIds}) AND balance >= ${taken}
        RETURNING id
      ), counted AS (
        UPDATE api_keys SET credit_used = credit_used + ${counted} WHERE id IN (${keyIds})
      ), entries AS (
        INSERT INTO credit_ledger (user_id, api_key_id, kind, amount, request_id, created_at)
        VALUES ${rows}
      )
      SELECT count(*) AS updated FROM taken`.execute(trx);
    if (Number(result[0]?.updated) !== decisions.taken.size) throw new Error('a held balance changed');
  }
}

/** `CASE id WHEN … THEN … END`: each row's own amount, for one update over many rows. */
function amountById(amounts: ReadonlyMap<number, number>, dialect: DialectName): RawBuilder<number> {
  const cases = [...amounts].map(([id, amount]) =>
    // PostgreSQL gives an untyped parameter in a CASE result the type text.
    dialect === 'postgres' ? sql`WHEN ${id} THEN CAST(${amount} AS bigint)` : sql`WHEN ${id} THEN ${amount}`,
  );
  return sql<number>`(CASE id ${sql.join(cases, sql` `)} END)`;
}

function sortedIds(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

/**
 * A deadlock or serialization failure rolled the whole attempt back, so it can be made again; the
 * second is made at once, and its failure is the caller's.
 */
async function retryingDeadlockOnce<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isDeadlock(error)) throw error;
    return attempt();
  }
}

function isDeadlock(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  // PostgreSQL: deadlock_detected, serialization_failure. MySQL/MariaDB: the deadlock's error name.
  return error.code === '40P01' || error.code === '40001' || error.code === 'ER_LOCK_DEADLOCK';
}

function newLane(): Lane {
  return { queue: [], sending: false };
}
