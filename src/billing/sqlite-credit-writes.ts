import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerKind } from '../store/credit-tables.ts';
import { SqliteMultiRowInsert } from '../store/sqlite-multi-row-insert.ts';
import type { HoldInput, HoldOutcome, Settlement } from './credit-ledger.ts';
import { Reservations } from './reservations.ts';

/**
 * The ledger's request-path writes on SQLite, where one gateway process is the database's only
 * writer. A hold is a reservation in this process's memory, checked against the balance read in the
 * same synchronous step: nothing can come between the read and the reservation, so the check is as
 * exact as a conditional UPDATE, and no request waits for a commit (SQLite commits on the event loop,
 * which every other request shares). A reservation stays until its settlement is written: then the
 * hold's ledger row, the charge and the settle row commit together in the settlement batch, and the
 * balance only ever falls by what requests really cost.
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
  readonly #balance: BetterSqlite3.Statement<[number], { balance: number }>;
  readonly #keyCredit: BetterSqlite3.Statement<
    [number],
    { credit_used: number; credit_limit: number | null }
  >;
  readonly #take: BetterSqlite3.Statement<[number, number], { balance: number }>;
  readonly #count: BetterSqlite3.Statement<[number, number]>;
  readonly #append: SqliteMultiRowInsert;
  readonly #settle: (settlements: readonly Settlement[]) => Map<number, number>;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.#balance = sqlite.prepare<[number], { balance: number }>('SELECT balance FROM users WHERE id = ?');
    this.#keyCredit = sqlite.prepare<[number], { credit_used: number; credit_limit: number | null }>(
      'SELECT credit_used, credit_limit FROM api_keys WHERE id = ?',
    );
    this.#take = sqlite.prepare<[number, number], { balance: number }>(
      'UPDATE users SET balance = balance - ? WHERE id = ? RETURNING balance',
    );
    this.#count = sqlite.prepare('UPDATE api_keys SET credit_used = credit_used + ? WHERE id = ?');
    this.#append = new SqliteMultiRowInsert(sqlite, 'credit_ledger', [
      'user_id',
      'api_key_id',
      'kind',
      'amount',
      'request_id',
      'note',
      'created_at',
    ]);
    this.#settle = sqlite.transaction((settlements: readonly Settlement[]) => this.#write(settlements));
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

  settle(settlements: readonly Settlement[]): Promise<void> {
    return this.#outsideOtherTransactions(() => {
      const written = this.#settle(settlements);
      for (const [userId, balance] of written) this.#balances.set(userId, balance);
      // Only once written: a batch that failed keeps its credits reserved until it is retried.
      for (const { userId, keyId, held } of settlements) this.#reserved.release(userId, keyId, held);
    });
  }

  /** The user's balance was changed by another write: read it afresh next time. */
  forget(userId: number): void {
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
  #write(settlements: readonly Settlement[]): Map<number, number> {
    const now = Date.now();
    // Read afresh, not from the cache: what is taken is decided on the stored balance.
    const balances = new Map<number, number>();
    const takenByUser = new Map<number, number>();
    const keyCharges = new Map<number, number>();
    const stillReserved = new Map<number, number>();
    const rows: [number, number, LedgerKind, number, string, string | null, number][] = [];
    // Costs above their hold come last, once the batch's other holds have given back what they did not use.
    const ordered = [
      ...settlements.filter((settlement) => settlement.charged <= settlement.held),
      ...settlements.filter((settlement) => settlement.charged > settlement.held),
    ];
    for (const { userId, keyId, held, charged, requestId, heldAt } of ordered) {
      let balance = balances.get(userId);
      if (balance === undefined) balance = Number(this.#balance.get(userId)?.balance ?? 0);
      const others = (stillReserved.get(userId) ?? this.#reserved.ofUser(userId)) - held;
      stillReserved.set(userId, others);
      const taken = Math.min(charged, Math.max(0, balance - Math.max(0, others)));
      balances.set(userId, balance - taken);
      takenByUser.set(userId, (takenByUser.get(userId) ?? 0) + taken);
      if (taken !== 0) keyCharges.set(keyId, (keyCharges.get(keyId) ?? 0) + taken);
      if (held !== 0) rows.push([userId, keyId, 'hold', -held, requestId, null, heldAt ?? now]);
      const kind = charged === 0 ? 'refund' : 'settle';
      rows.push([
        userId,
        keyId,
        kind,
        held - taken,
        requestId,
        charged === 0 ? null : `charged ${taken}`,
        now,
      ]);
    }
    this.#append.run(rows);
    const written = new Map<number, number>();
    for (const [userId, taken] of takenByUser) {
      written.set(userId, Number(this.#take.get(taken, userId)?.balance ?? 0));
    }
    for (const [keyId, charged] of keyCharges) this.#count.run(charged, keyId);
    return written;
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
   * see its uncommitted writes, and a write would join it (as a savepoint) and vanish with its
   * rollback. Runs `work` once none is open, checked in the same synchronous step as `work` runs,
   * so no transaction can begin in between.
   */
  async #outsideOtherTransactions<T>(work: () => T): Promise<T> {
    while (this.sqlite.inTransaction) await new Promise((resolve) => setImmediate(resolve));
    return work();
  }
}
