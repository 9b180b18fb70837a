import type { UserRow } from '../store/schema.ts';
import { isoTime } from './time-input.ts';

/** A user as the management API shows it; never the password hash. */
export const publicUser = (user: UserRow) => ({
  id: user.id,
  username: user.username,
  display_name: user.display_name,
  email: user.email,
  role: user.role,
  group: user.group_name,
  enabled: user.enabled === 1,
  /** Micro-credits. */
  balance: Number(user.balance),
  plan: user.plan_name,
  plan_expires_at: isoTime(user.plan_expires_at === null ? null : Number(user.plan_expires_at)),
  created_at: isoTime(user.created_at),
  updated_at: isoTime(user.updated_at),
});
