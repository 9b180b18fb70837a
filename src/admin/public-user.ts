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
  // Filled in by the credits issue; null until then.
  balance: null,
  plan: null,
  created_at: isoTime(user.created_at),
  updated_at: isoTime(user.updated_at),
});
