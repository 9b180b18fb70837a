import { z } from 'zod';
import type { SettingsRepository } from '../store/settings-repository.ts';

/** Settings an operator changes at run time, each with its default. */
export const operatorSettingFields = {
  /** Micro-credits a new account starts with (granted by the credits issue's ledger at registration). */
  signup_credits: z.number().int().min(0).max(1_000_000_000_000_000),
  /** The plan of users on no plan (or whose plan ended); null: no plan limits for them. */
  default_plan: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a plan name')
    .nullable(),
  /** Keep request and response bodies with log rows (never for `X-Switchboard-No-Log: 1`). */
  log_bodies: z.boolean(),
  /** Each body is cut at this many bytes (the cut is marked on the row). */
  log_body_max_bytes: z
    .number()
    .int()
    .min(256)
    .max(4 * 1024 * 1024),
};

export const operatorSettingsSchema = z.strictObject(operatorSettingFields);

export type OperatorSettings = z.infer<typeof operatorSettingsSchema>;

export const defaultOperatorSettings: OperatorSettings = {
  signup_credits: 0,
  default_plan: null,
  log_bodies: false,
  log_body_max_bytes: 64 * 1024,
};

type SettingName = keyof OperatorSettings;
const settingNames = Object.keys(operatorSettingFields) as SettingName[];

/** Every setting, stored values over defaults; a stored value that no longer validates reads as its default. */
export async function readOperatorSettings(settings: SettingsRepository): Promise<OperatorSettings> {
  const stored = await settings.getAll();
  const result: Record<SettingName, unknown> = { ...defaultOperatorSettings };
  for (const name of settingNames) {
    const text = stored.get(name);
    if (text === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    const parsed = operatorSettingFields[name].safeParse(value);
    if (parsed.success) result[name] = parsed.data;
  }
  // Each value is its own field's default or passed that field's schema.
  return result as OperatorSettings;
}

export async function writeOperatorSettings(
  settings: SettingsRepository,
  changes: Partial<OperatorSettings>,
): Promise<void> {
  const values = new Map<string, string>();
  for (const name of settingNames) {
    const value = changes[name];
    if (value !== undefined) values.set(name, JSON.stringify(value));
  }
  if (values.size > 0) await settings.set(values);
}
