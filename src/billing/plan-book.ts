import type { PlanRow } from '../store/schema.ts';
import { parseJsonColumn } from '../store/json-column.ts';

/** A plan as the relay applies it: limits per minute and what it allows. */
export interface Plan {
  name: string;
  rpm: number | null;
  tpm: number | null;
  /** Model ids the plan allows; null: any. */
  models: ReadonlySet<string> | null;
  /** Groups whose models the plan allows; null: any. */
  groups: readonly string[] | null;
}

export const toPlan = (row: PlanRow): Plan => ({
  name: row.name,
  rpm: row.rpm,
  tpm: row.tpm,
  models: row.models === null ? null : new Set(parseJsonColumn<string[]>(row.models, [])),
  groups: row.groups === null ? null : parseJsonColumn<string[]>(row.groups, []),
});

/**
 * The plans, served from memory. A user on no plan, on one that ended, or on one since removed, is
 * on the default plan (the `default_plan` setting), or on none: no plan limits.
 */
export class PlanBook {
  #plans = new Map<string, Plan>();
  #defaultPlan: string | null = null;

  constructor(private readonly listPlans: () => Promise<PlanRow[]>) {}

  async reload(defaultPlan: string | null): Promise<void> {
    this.#plans = new Map((await this.listPlans()).map((row) => [row.name, toPlan(row)]));
    this.#defaultPlan = defaultPlan;
  }

  planFor(name: string | null, expiresAt: number | null, now = Date.now()): Plan | null {
    const own = name !== null && (expiresAt === null || expiresAt > now) ? this.#plans.get(name) : undefined;
    if (own) return own;
    return this.#defaultPlan === null ? null : (this.#plans.get(this.#defaultPlan) ?? null);
  }
}
