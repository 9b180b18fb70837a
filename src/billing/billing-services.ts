import type { Logger } from 'pino';
import { refusedByDatabase } from '../store/refused-by-database.ts';
import { readOperatorSettings } from '../admin/operator-settings.ts';
import { BatchWriter } from '../observability/batch-writer.ts';
import type { Store } from '../store/store.ts';
import { Billing } from './billing.ts';
import { CreditLeases } from './credit-leases.ts';
import { CreditLedger, type Settlement } from './credit-ledger.ts';
import { PlanBook } from './plan-book.ts';
import { PriceBook } from './price-book.ts';

export interface BillingServices {
  ledger: CreditLedger;
  prices: PriceBook;
  plans: PlanBook;
  billing: Billing;
  /** Settlements queued off the request path; `close()` writes them all. */
  settlements: BatchWriter<Settlement>;
  /** PostgreSQL/MySQL with leases on: give them all back (`closeAll`) before the settlements close. */
  leases: CreditLeases | undefined;
  /** Re-reads prices, group multipliers, plans and the default plan. */
  reload(): Promise<void>;
}

/** Credits and plans over the store, loaded and ready for the request path. */
export async function createBillingServices(
  store: Store,
  logger: Logger,
  batch: { batchSize: number; flushIntervalMs: number },
  options: { creditLeases: boolean } = { creditLeases: true },
): Promise<BillingServices> {
  const sqlite =
    store.sqlite && store.sqliteWriter ? { database: store.sqlite, writer: store.sqliteWriter } : undefined;
  const ledger = new CreditLedger(store.db, store.dialect, sqlite, store.pgPool);
  const prices = new PriceBook({
    listPrices: () => store.modelPrices.list(),
    listGroups: () => store.groupsPlans.listGroups(),
  });
  const plans = new PlanBook(() => store.groupsPlans.listPlans());
  // A settlement the database refuses goes whole into the operator's log rather than holding every
  // settlement queued behind it (and every hold they would give back).
  const settlementSink = {
    insertMany: (rows: readonly Settlement[]) => ledger.settle(rows),
    refusesRows: refusedByDatabase,
  };
  const settlements = new BatchWriter<Settlement>(settlementSink, logger, {
    ...batch,
    label: 'credit settlement',
  });
  // SQLite holds are in memory already; elsewhere each would be a committed write.
  const leases =
    store.dialect !== 'sqlite' && options.creditLeases
      ? new CreditLeases(
          (input) => ledger.hold(input),
          (settlement) => settlements.enqueue(settlement),
        )
      : undefined;
  const billing = new Billing(ledger, prices, settlements, leases);
  const reload = async () => {
    const { default_plan: defaultPlan } = await readOperatorSettings(store.settings);
    await Promise.all([prices.reload(), plans.reload(defaultPlan)]);
  };
  await reload();
  return { ledger, prices, plans, billing, settlements, leases, reload };
}
