import type BetterSqlite3 from 'better-sqlite3';
import {
  SqliteWriteBatchBuilder,
  type SqliteValue,
  type SqliteWriteBatch,
  type SqliteWriteResult,
} from '../store/sqlite-write-batch.ts';
import type { SqliteWriter } from '../store/sqlite-writer.ts';
import type { HoldInput, HoldOutcome, Settlement } from './credit-ledger.ts';
import { Reservations } from './reservations.ts';
import { nameAttempt, unwritten } from './settlement-attempts.ts';

const LEDGER_COLUMNS = [
  'user_id',
  'api_key_id',
  'kind',
  'amount',
  'request_id',
  'note',
  'created_at',
  'attempt',
];
const SQLITE_TAKE = 'UPDATE users SET balance = balance - ? WHERE id = ? RETURNING id, balance';
const SQLITE_COUNT = 'UPDATE api_keys SET credit_used = credit_used + ? WHERE id = ?';

/** A settlement batch worked out on this thread, ready for the writer. */
interface SettlementPlan {
  batch: SqliteWriteBatch;
  /** Taken beyond their holds (costs above the hold), reserved until the batch is written. */
  extras: { userId: number; keyId: number; amount: number }[];
  /** `forget` calls before the plan was made: later ones mean the written balances may be stale. */
  forgets: number;
}

/**
 * The ledger's request-path writes on SQLite, where one gateway process is the database's only
 * writer. A hold is a reservation in this process's memory, checked against the balance read in the
 * same synchronous step: nothing can come between the read and the reservation, so the check is as
 * exact as a conditional UPDATE, and no request waits for a commit. A reservation stays until its
 * settlement is written: then the hold's ledger row, the charge and the settle row commit together
 * in the settlement batch (on the SQLite writer's thread), and the balance only ever falls by what
 * requests really cost.
 *
 * A process that dies with requests in flight has written nothing for them, so nothing was taken
 * for them either; credits reserved but not yet settled are simply not reserved any more.
 */
export class SqliteCreditWrites {
  readonly #reserved = new Reservations();
  /**
   * Balances as last read or written here. Every other write to a balance goes through the ledger,
   * which calls `forget`; a read costs a WAL lookup and its locks, about 25 µs, on every request.
   */
  readonly #balances = new Map<number, number>();
  #forgets = 0;
  readonly #balance: BetterSqlite3.Statement<[number], { balance: number }>;
  readonly #keyCredit: BetterSqlite3.Statement<
    [number],
    { credit_used: number; credit_limit: number | null }
  >;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    /** Commits settlement batches (on a thread of its own when the database is a file). */
    private readonly writer: SqliteWriter,
  ) {
    this.#balance = sqlite.prepare<[number], { balance: number }>('SELECT balance FROM users WHERE id = ?');
    this.#keyCredit = sqlite.prepare<[number], { credit_used: number; credit_limit: number | null }>(
      'SELECT credit_used, credit_limit FROM api_keys WHERE id = ?',
    );
  }

  /** Reserves `amount` for the user and the key, or refuses; writes nothing. */
  hold(input: HoldInput): Promise<HoldOutcome> {
    if (!this.sqlite.inTransaction) return Promise.resolve(this.#reserve(input));
    return this.#outsideOtherTransactions(() => this.#reserve(input));
  }

  /** What the user can spend now: the balance less what requests in flight have reserved. */
  available(userId: number): number {
    return Math.max(0, this.#balanceOf(userId) - this.#reserved.ofUser(userId));
  }

  /** Credits of the user's balance that requests in flight have reserved. */
  reservedFor(userId: number): number {
    return this.#reserved.ofUser(userId);
  }

  /**
   * What each settlement takes is decided here, on this thread, where the reservations are; the
   * writer then commits the rows and relative balance updates. Until it has, the batch's holds (and
   * anything taken beyond them) stay reserved, so nothing can promise those credits twice meanwhile.
   */
  async settle(settlements: readonly Settlement[]): Promise<void> {
    const retried = nameAttempt(settlements);
    const plan = await this.#outsideOtherTransactions(() =>
      this.#plan(
        retried.length === 0 ? settlements : unwritten(settlements, retried, this.#written(retried)),
      ),
    );
    let written: SqliteWriteResult;
    try {
      written = await this.writer.write(plan.batch);
    } catch (error) {
      // The batch may have committed all the same: the balances it touched are read afresh.
      for (const { userId } of settlements) this.#balances.delete(userId);
      throw error;
    } finally {
      for (const { userId, keyId, amount } of plan.extras) this.#reserved.release(userId, keyId, amount);
    }
    // Each user's balance as the batch left it, unless the ledger changed a balance meanwhile (the
    // batch's figure could then predate that change): read afresh next time.
    const current = plan.forgets === this.#forgets;
    for (const rows of written) {
      for (const row of rows as { id: number; balance: number }[]) {
        if (current) this.#balances.set(Number(row.id), Number(row.balance));
        else this.#balances.delete(Number(row.id));
      }
    }
    // Only once written: a batch that failed keeps its credits reserved until it is retried.
    for (const { userId, keyId, held } of settlements) this.#reserved.release(userId, keyId, held);
  }

  /** Which of these retried settlements' names their rows carry: what an earlier attempt committed. */
  #written(settlements: readonly Settlement[]): Set<string> {
    const written = new Set<string>();
    for (let at = 0; at < settlements.length; at += 400) {
      const slice = settlements.slice(at, at + 400);
      const marks = slice.map(() => '?').join(', ');
      const statement = this.sqlite.prepare<string[], { attempt: string }>(
        `SELECT attempt FROM credit_ledger WHERE request_id IN (${marks}) AND attempt IN (${marks})`,
      );
      const ids = slice.map((settlement) => settlement.requestId);
      const names = slice.map((settlement) => settlement.attempt!);
      for (const row of statement.all(...ids, ...names)) written.add(row.attempt);
    }
    return written;
  }

  /** The user's balance was changed by another write: read it afresh next time. */
  forget(userId: number): void {
    this.#forgets += 1;
    this.#balances.delete(userId);
  }

  #reserve({ userId, keyId, amount, keyLimit }: HoldInput): HoldOutcome {
    const available = this.#balanceOf(userId) - this.#reserved.ofUser(userId);
    if (available < amount) return { ok: false, reason: 'balance', balance: Math.max(0, available) };
    if (keyLimit !== null) {
      const key = this.#keyCredit.get(keyId);
      const limit = key?.credit_limit ?? null;
      if (limit !== null && Number(key!.credit_used) + this.#reserved.ofKey(keyId) + amount > Number(limit)) {
        return { ok: false, reason: 'key_limit', balance: available };
      }
    }
    this.#reserved.add(userId, keyId, amount);
    return { ok: true, balance: available - amount };
  }

  /**
   * A batch of settlements, per user in arrival order: the hold's row, the charge taken from the
   * balance, and the settle (or refund) row giving back the unused part. A cost above its hold (an
   * upstream that ignored `max_tokens`) takes the rest only as far as the balance goes without
   * touching what other requests in flight have reserved. One balance update per user and one count
   * per key, whatever the batch's size.
   */
  #plan(settlements: readonly Settlement[]): SettlementPlan {
    const now = Date.now();
    // Read afresh, not from the cache: what is taken is decided on the stored balance.
    const balances = new Map<number, number>();
    const takenByUser = new Map<number, number>();
    const keyCharges = new Map<number, number>();
    const stillReserved = new Map<number, number>();
    const extras: SettlementPlan['extras'] = [];
    const batch = new SqliteWriteBatchBuilder();
    const rows: SqliteValue[][] = [];
    // Costs above their hold come last, once the batch's other holds have given back what they did not use.
    const ordered = [
      ...settlements.filter((settlement) => settlement.charged <= settlement.held),
      ...settlements.filter((settlement) => settlement.charged > settlement.held),
    ];
    const keyStillReserved = new Map<number, number>();
    for (const { userId, keyId, held, charged, requestId, heldAt, attempt } of ordered) {
      let balance = balances.get(userId);
      if (balance === undefined) balance = Number(this.#balance.get(userId)?.balance ?? 0);
      const others = (stillReserved.get(userId) ?? this.#reserved.ofUser(userId)) - held;
      stillReserved.set(userId, others);
      const keyOthers = (keyStillReserved.get(keyId) ?? this.#reserved.ofKey(keyId)) - held;
      keyStillReserved.set(keyId, keyOthers);
      let taken = Math.min(charged, Math.max(0, balance - Math.max(0, others)));
      if (taken > held) {
        // Beyond its hold, a key with a credit limit is charged only as far as the limit goes, less
        // what the key's other requests in flight have reserved and what this batch took already.
        const key = this.#keyCredit.get(keyId);
        if (key !== undefined && key.credit_limit !== null) {
          const used = Number(key.credit_used) + (keyCharges.get(keyId) ?? 0) + Math.max(0, keyOthers);
          taken = Math.max(held, Math.min(taken, Number(key.credit_limit) - used));
        }
      }
      balances.set(userId, balance - taken);
      takenByUser.set(userId, (takenByUser.get(userId) ?? 0) + taken);
      if (taken !== 0) keyCharges.set(keyId, (keyCharges.get(keyId) ?? 0) + taken);
      if (taken > held) extras.push({ userId, keyId, amount: taken - held });
      if (held !== 0) rows.push([userId, keyId, 'hold', -held, requestId, null, heldAt ?? now, null]);
      const kind = charged === 0 ? 'refund' : 'settle';
      rows.push([
        userId,
        keyId,
        kind,
        held - taken,
        requestId,
        charged === 0 ? null : `charged ${taken}`,
        now,
        attempt ?? null,
      ]);
    }
    batch.addRows('credit_ledger', LEDGER_COLUMNS, rows);
    for (const [userId, taken] of takenByUser) batch.add(SQLITE_TAKE, [taken, userId]);
    for (const [keyId, charged] of keyCharges) batch.add(SQLITE_COUNT, [charged, keyId]);
    for (const { userId, keyId, amount } of extras) this.#reserved.add(userId, keyId, amount);
    return { batch: batch.build(), extras, forgets: this.#forgets };
  }

  #balanceOf(userId: number): number {
    const known = this.#balances.get(userId);
    if (known !== undefined) return known;
    const balance = Number(this.#balance.get(userId)?.balance ?? 0);
    // Read inside another write's transaction, it may yet roll back: not known, only seen.
    if (this.sqlite.inTransaction) return balance;
    if (this.#balances.size >= 100_000) this.#balances.clear();
    this.#balances.set(userId, balance);
    return balance;
  }

  /**
   * Kysely's transactions on this same connection span awaits: a read made while one is open would
   * see its uncommitted writes. Runs `work` once none is open, checked in the same synchronous step
   * as `work` runs, so no transaction can begin in between.
   */
  async #outsideOtherTransactions<T>(work: () => T): Promise<T> {
    while (this.sqlite.inTransaction) await new Promise((resolve) => setImmediate(resolve));
    return work();
  }
}
