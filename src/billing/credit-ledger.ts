import type pg from 'pg';
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely, type Transaction } from 'kysely';
import { BatchedHolds } from './batched-holds.ts';
import { MAX_BALANCE } from './max-balance.ts';
import { readBalance } from './read-balance.ts';
import { nameAttempt, unwritten } from './settlement-attempts.ts';
import { SqliteCreditWrites } from './sqlite-credit-writes.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { LedgerKind, LedgerRow } from '../store/credit-tables.ts';
import type { DialectName } from '../store/open-database.ts';
import type { Database } from '../store/schema.ts';
import type { SqliteWriter } from '../store/sqlite-writer.ts';

/** A hold placed before calling upstream: the request's worst case. */
export interface HoldInput {
  userId: number;
  keyId: number;
  amount: number;
  /** The key's own spending cap; null: only the user's balance bounds the hold. */
  keyLimit: number | null;
  requestId: string;
}

export type HoldOutcome =
  { ok: true; balance: number } | { ok: false; reason: 'balance' | 'key_limit'; balance: number };

/** Closing a hold: what the request really cost (0 for a failed request, which is refunded). */
export interface Settlement {
  userId: number;
  keyId: number;
  held: number;
  charged: number;
  requestId: string;
  /** When the hold was placed (ms since the epoch), where its ledger row is written late; else now. */
  heldAt?: number;
  /**
   * Named by the first attempt to write the settlement, and carried by its row: how a retry
   * recognises a row an attempt that seemed to fail did commit (see settlement-attempts.ts).
   */
  attempt?: string;
}

/** A settlement's ledger row. */
interface SettlementRow {
  user_id: number;
  api_key_id: number;
  kind: 'settle' | 'refund';
  amount: number;
  request_id: string;
  note: string | null;
  created_by: null;
  created_at: number;
  attempt: string | null;
}

/** A credit or debit outside requests: top-ups, signup credits, redemptions, adjustments. */
export interface CreditChange {
  userId: number;
  amount: number;
  kind: Extract<LedgerKind, 'top_up' | 'signup' | 'redemption' | 'adjustment'>;
  note: string | null;
  createdBy: number | null;
}

export { MAX_BALANCE };

/**
 * Balances and the ledger. Every balance change is a conditional UPDATE (`balance >= amount`) in
 * the same transaction as its ledger row, so no read-then-write race exists between requests or
 * gateway nodes: the database decides, and a balance never goes below zero.
 */
export class CreditLedger {
  readonly #sqlite: SqliteCreditWrites | undefined;
  /** Holds everywhere else: committed in groups, one batch in flight at a time. */
  readonly #holds: BatchedHolds;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    /**
     * On SQLite: holds are reservations checked on this connection, settlements are committed by
     * the writer (the request path's writes).
     */
    sqlite?: { database: BetterSqlite3.Database; writer: SqliteWriter },
    /** On PostgreSQL: the pool under `db`, so a single hold runs as a prepared statement. */
    pgPool?: pg.Pool,
  ) {
    this.#sqlite = sqlite ? new SqliteCreditWrites(sqlite.database, sqlite.writer) : undefined;
    this.#holds = new BatchedHolds(db, dialect, pgPool ? { pgPool } : {});
  }

  /** What the user can spend now (on SQLite, less what requests in flight have reserved). */
  async balanceOf(userId: number): Promise<number> {
    if (this.#sqlite) return this.#sqlite.available(userId);
    return readBalance(this.db, userId);
  }

  /** The user's ledger, newest first, keyset paged on id. */
  list(userId: number, beforeId: number | undefined, limit: number): Promise<LedgerRow[]> {
    let select = this.db.selectFrom('credit_ledger').selectAll().where('user_id', '=', userId);
    if (beforeId !== undefined) select = select.where('id', '<', beforeId);
    return select.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Takes `amount` from the user (and counts it against the key) or refuses, changing nothing. */
  async hold(input: HoldInput): Promise<HoldOutcome> {
    if (this.#sqlite) return this.#sqlite.hold(input);
    return this.#holds.hold(input);
  }

  /**
   * Closes holds in one transaction: the unused part of each goes back to the user and the key. A
   * request that cost more than its hold (an upstream that ignored `max_tokens`) takes the rest only
   * as far as the balance goes.
   */
  async settle(settlements: readonly Settlement[]): Promise<void> {
    if (settlements.length === 0) return;
    if (this.#sqlite) return this.#sqlite.settle(settlements);
    const retried = nameAttempt(settlements);
    await this.db.transaction().execute(async (trx) => {
      const written = new Set<string>();
      if (retried.length > 0) {
        const rows = await trx
          .selectFrom('credit_ledger')
          .select('attempt')
          .where('request_id', 'in', [...new Set(retried.map((settlement) => settlement.requestId))])
          .where(
            'attempt',
            'in',
            retried.map((settlement) => settlement.attempt!),
          )
          .execute();
        for (const row of rows) if (row.attempt !== null) written.add(row.attempt);
      }
      const pending = unwritten(settlements, retried, written);
      if (pending.length > 0) await this.#settleBatch(trx, pending);
    });
  }

  /** Adds (or, for a negative adjustment, takes as far as the balance goes) credits, with a ledger row. */
  async change(change: CreditChange): Promise<{ applied: number; balance: number }> {
    return this.db.transaction().execute(async (trx) => {
      if (change.amount >= 0) return { applied: change.amount, balance: await this.changeIn(trx, change) };
      const applied = -(await this.#take(trx, change.userId, -change.amount));
      this.#sqlite?.forget(change.userId);
      await this.#append(trx, { ...change, keyId: null, amount: applied, requestId: null });
      return { applied, balance: await readBalance(trx, change.userId) };
    });
  }

  /**
   * Credits a user inside a caller's transaction (redemptions: the code and the credit commit
   * together). Refused, changing nothing, if the balance would pass MAX_BALANCE.
   */
  async changeIn(trx: Transaction<Database>, change: CreditChange): Promise<number> {
    const credited = await trx
      .updateTable('users')
      .set((eb) => ({ balance: eb('balance', '+', change.amount) }))
      .where('id', '=', change.userId)
      .where('balance', '<=', MAX_BALANCE - change.amount)
      .executeTakeFirst();
    this.#sqlite?.forget(change.userId);
    if (Number(credited.numUpdatedRows) !== 1) {
      throw new GatewayError(
        422,
        'invalid_request',
        `Invalid amount: the balance would pass the largest allowed, ${MAX_BALANCE} micro-credits`,
        { param: 'amount' },
      );
    }
    await this.#append(trx, { ...change, keyId: null, requestId: null });
    return readBalance(trx, change.userId);
  }

  /**
   * A batch in a handful of statements, whatever its size: refunds summed into one update per user
   * and one per key, the ledger rows in multi-row inserts. Balance rows are locked only that long
   * (holds on them wait meanwhile), and always in id order, so two nodes' batches cannot deadlock.
   */
  async #settleBatch(trx: Transaction<Database>, settlements: readonly Settlement[]): Promise<void> {
    const refunds = new Map<number, number>();
    const keyChanges = new Map<number, number>();
    const amounts = new Map<Settlement, number>();
    const add = (map: Map<number, number>, id: number, amount: number) =>
      map.set(id, (map.get(id) ?? 0) + amount);
    const over = new Map<number, Settlement[]>();
    for (const settlement of settlements) {
      if (settlement.charged > settlement.held) {
        over.set(settlement.userId, [...(over.get(settlement.userId) ?? []), settlement]);
        continue;
      }
      const refund = settlement.held - settlement.charged;
      amounts.set(settlement, refund);
      if (refund === 0) continue;
      add(refunds, settlement.userId, refund);
      add(keyChanges, settlement.keyId, -refund);
    }
    // Balance rows in one id order, as hold batches lock them, so the two cannot deadlock.
    const userIds = [...new Set([...refunds.keys(), ...over.keys()])].sort((a, b) => a - b);
    const changeBalances = async () => {
      const balances = new Map<number, number>();
      for (const userId of userIds) {
        const refund = refunds.get(userId);
        if (refund !== undefined) {
          await trx
            .updateTable('users')
            .set((eb) => ({ balance: eb('balance', '+', refund) }))
            .where('id', '=', userId)
            .execute();
        }
        if (over.has(userId)) balances.set(userId, await this.#lockBalance(trx, userId));
      }
      // A cost above the hold (rare) takes from the balance as far as it goes, after the batch's
      // refunds to the same user have come back, and from a key with a credit limit only as far as
      // the limit goes. Keys are locked after every user, in id order, as holds lock them.
      const room = await this.#keyRoom(trx, [...over.values()].flat(), keyChanges);
      for (const userId of userIds) {
        for (const settlement of over.get(userId) ?? []) {
          const balance = balances.get(userId)!;
          const keyRoom = room.get(settlement.keyId) ?? Number.POSITIVE_INFINITY;
          const taken = Math.max(0, Math.min(settlement.charged - settlement.held, balance, keyRoom));
          balances.set(userId, balance - taken);
          if (room.has(settlement.keyId)) room.set(settlement.keyId, keyRoom - taken);
          await this.#lower(trx, userId, taken);
          amounts.set(settlement, -taken);
          add(keyChanges, settlement.keyId, taken);
        }
      }
      for (const [keyId, change] of [...keyChanges].sort((a, b) => a[0] - b[0])) {
        if (change === 0) continue;
        await trx
          .updateTable('api_keys')
          .set((eb) => ({ credit_used: eb('credit_used', '+', change) }))
          .where('id', '=', keyId)
          .execute();
      }
    };
    const now = Date.now();
    const appendRows = () =>
      this.#appendSettlements(
        trx,
        settlements.map((settlement) => {
          const amount = amounts.get(settlement)!;
          const refunded = settlement.charged === 0;
          return {
            user_id: settlement.userId,
            api_key_id: settlement.keyId,
            kind: refunded ? ('refund' as const) : ('settle' as const),
            amount,
            request_id: settlement.requestId,
            note: refunded ? null : `charged ${settlement.held - amount}`,
            created_by: null,
            created_at: now,
            attempt: settlement.attempt ?? null,
          };
        }),
      );
    // Where every amount is known up front, the ledger rows (which lock no balance row) go first, so
    // the balance rows are locked only for the updates and the commit: holds wait on them meanwhile.
    if (over.size === 0) {
      await appendRows();
      await changeBalances();
    } else {
      await changeBalances();
      await appendRows();
    }
  }

  /** Settlement rows: on PostgreSQL one statement of array parameters, whatever their number. */
  async #appendSettlements(trx: Transaction<Database>, rows: readonly SettlementRow[]): Promise<void> {
    if (this.dialect === 'postgres') {
      const column = <K extends keyof SettlementRow>(key: K) => rows.map((row) => row[key]);
      await sql`INSERT INTO credit_ledger (user_id, api_key_id, kind, amount, request_id, note, created_at, attempt)
        SELECT user_id, api_key_id, kind, amount, request_id, note, ${rows[0]?.created_at ?? 0}::bigint, attempt
        FROM unnest(${column('user_id')}::bigint[], ${column('api_key_id')}::bigint[],
          ${column('kind')}::varchar[], ${column('amount')}::bigint[], ${column('request_id')}::varchar[],
          ${column('note')}::varchar[], ${column('attempt')}::varchar[])
          WITH ORDINALITY AS s(user_id, api_key_id, kind, amount, request_id, note, attempt, ord)
        ORDER BY ord`.execute(trx);
      return;
    }
    for (let at = 0; at < rows.length; at += 500) {
      await trx
        .insertInto('credit_ledger')
        .values(rows.slice(at, at + 500))
        .execute();
    }
  }

  /** The user's balance, its row locked until the transaction ends (SQLite has one writer: no lock). */
  async #lockBalance(trx: Transaction<Database>, userId: number): Promise<number> {
    let select = trx.selectFrom('users').select('balance').where('id', '=', userId);
    if (this.dialect !== 'sqlite') select = select.forUpdate();
    const row = await select.executeTakeFirst();
    return Number(row?.balance ?? 0);
  }

  /**
   * What each key with a credit limit may still be charged beyond its holds, its row locked (in id
   * order): the limit less what it has used, holds in flight included, less the batch's changes to it
   * so far (refunds give room back). Keys without a limit are not in the map.
   */
  async #keyRoom(
    trx: Transaction<Database>,
    settlements: readonly Settlement[],
    keyChanges: ReadonlyMap<number, number>,
  ): Promise<Map<number, number>> {
    const room = new Map<number, number>();
    const keyIds = [...new Set(settlements.map((settlement) => settlement.keyId))].sort((a, b) => a - b);
    for (const keyId of keyIds) {
      let select = trx.selectFrom('api_keys').select(['credit_used', 'credit_limit']).where('id', '=', keyId);
      if (this.dialect !== 'sqlite') select = select.forUpdate();
      const key = await select.executeTakeFirst();
      if (key === undefined || key.credit_limit === null) continue;
      const used = Number(key.credit_used) + (keyChanges.get(keyId) ?? 0);
      room.set(keyId, Math.max(0, Number(key.credit_limit) - used));
    }
    return room;
  }

  /** Takes up to `wanted` from the balance, never below zero; returns what was taken. */
  async #take(trx: Transaction<Database>, userId: number, wanted: number): Promise<number> {
    // On SQLite, credits reserved by requests in flight are not the balance's to give.
    if (this.#sqlite) return this.#takeUnreserved(trx, userId, wanted, this.#sqlite.reservedFor(userId));
    const whole = await trx
      .updateTable('users')
      .set((eb) => ({ balance: eb('balance', '-', wanted) }))
      .where('id', '=', userId)
      .where('balance', '>=', wanted)
      .executeTakeFirst();
    if (Number(whole.numUpdatedRows) === 1) return wanted;
    // Not enough: lock the row, then take what is there. SQLite has one writer, so no lock is needed.
    let select = trx.selectFrom('users').select('balance').where('id', '=', userId);
    if (this.dialect !== 'sqlite') select = select.forUpdate();
    const row = await select.executeTakeFirst();
    return this.#lower(trx, userId, Math.max(0, Math.min(wanted, Number(row?.balance ?? 0))));
  }

  async #takeUnreserved(
    trx: Transaction<Database>,
    userId: number,
    wanted: number,
    reserved: number,
  ): Promise<number> {
    return this.#lower(
      trx,
      userId,
      Math.max(0, Math.min(wanted, (await readBalance(trx, userId)) - reserved)),
    );
  }

  /** Takes `amount` (already known to be there) from the balance; returns it. */
  async #lower(trx: Transaction<Database>, userId: number, amount: number): Promise<number> {
    if (amount > 0) {
      await trx
        .updateTable('users')
        .set((eb) => ({ balance: eb('balance', '-', amount) }))
        .where('id', '=', userId)
        .execute();
    }
    return amount;
  }

  async #append(
    trx: Transaction<Database>,
    row: {
      userId: number;
      keyId: number | null;
      kind: LedgerKind;
      amount: number;
      requestId: string | null;
      note: string | null;
      createdBy: number | null;
    },
  ): Promise<void> {
    await trx
      .insertInto('credit_ledger')
      .values({
        user_id: row.userId,
        api_key_id: row.keyId,
        kind: row.kind,
        amount: row.amount,
        request_id: row.requestId,
        note: row.note,
        created_by: row.createdBy,
        created_at: Date.now(),
      })
      .execute();
  }
}
