import { z } from 'zod';
import type { GroupWrite, PlanWrite } from '../store/groups-plans-repository.ts';
import type { PlanRow, UserGroupRow } from '../store/schema.ts';
import { noControlCharacters, noControlCharactersMessage } from './text-checks.ts';
import { parseJsonColumn } from '../store/json-column.ts';

const name = z.string().trim().min(1).max(64).refine(noControlCharacters, noControlCharactersMessage);
const count = z.number().int().min(1).max(1_000_000_000);

/** A group as `PUT /api/group/{name}` and the config file take it (the name from the path or entry). */
export const groupFields = {
  /** Price multiplier: 1 is list price, 0.8 a 20% discount, 0 free. */
  multiplier: z
    .number()
    .min(0)
    .max(1000)
    .refine(
      (multiplier) => multiplier === 0 || multiplier >= 0.000001,
      'must be 0 (free) or at least 0.000001',
    ),
  description: z.string().max(1000).refine(noControlCharacters, noControlCharactersMessage).optional(),
};

/** A plan: RPM and TPM limits, the models (or the groups' models) it allows, and how long it lasts. */
export const planFields = {
  rpm: count.nullable().optional(),
  tpm: count.nullable().optional(),
  models: z.array(z.string().min(1).max(255)).max(5000).nullable().optional(),
  groups: z.array(name).max(100).nullable().optional(),
  duration_days: z.number().int().min(1).max(36_500).nullable().optional(),
  description: z.string().max(1000).refine(noControlCharacters, noControlCharactersMessage).optional(),
};

export const groupEntry = z.strictObject({ name, ...groupFields });
export const planEntry = z.strictObject({ name, ...planFields });

type GroupInput = z.infer<typeof groupEntry>;
type PlanInput = z.infer<typeof planEntry>;

/** A multiplier as parts per million, so prices stay integer arithmetic. */
const ppm = (multiplier: number): number => Math.round(multiplier * 1_000_000);

export const toGroupWrite = (group: GroupInput): GroupWrite => ({
  name: group.name,
  multiplier_ppm: ppm(group.multiplier),
  description: group.description ?? null,
});

export const toPlanWrite = (plan: PlanInput): PlanWrite => ({
  name: plan.name,
  rpm: plan.rpm ?? null,
  tpm: plan.tpm ?? null,
  models: plan.models ? JSON.stringify(plan.models) : null,
  groups: plan.groups ? JSON.stringify(plan.groups) : null,
  duration_days: plan.duration_days ?? null,
  description: plan.description ?? null,
});

export const publicGroup = (row: UserGroupRow) => ({
  name: row.name,
  multiplier: Number(row.multiplier_ppm) / 1_000_000,
  multiplier_ppm: Number(row.multiplier_ppm),
  description: row.description,
});

export const publicPlan = (row: PlanRow) => ({
  name: row.name,
  rpm: row.rpm,
  tpm: row.tpm,
  models: row.models === null ? null : parseJsonColumn<string[]>(row.models, []),
  groups: row.groups === null ? null : parseJsonColumn<string[]>(row.groups, []),
  duration_days: row.duration_days,
  description: row.description,
});
