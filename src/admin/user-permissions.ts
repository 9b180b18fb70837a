import type { UserRole } from '../store/schema.ts';

interface Actor {
  role: UserRole;
}

/**
 * Why `actor` may not give a user `role` (on create or update), or null when it may. Only root makes
 * administrators and roots.
 */
export function roleGrantRefusal(actor: Actor, role: UserRole): string | null {
  if (actor.role === 'root' || role === 'user') return null;
  if (actor.role !== 'admin') return 'This route is for administrators';
  return role === 'root'
    ? 'Only root may create or promote a root user'
    : 'Only root may create or promote administrators';
}

/** Why `actor` may not change or delete `target`, or null when it may. Only root manages admins and roots. */
export function manageRefusal(actor: Actor, target: Actor): string | null {
  if (actor.role === 'root') return null;
  if (actor.role !== 'admin') return 'This route is for administrators';
  return target.role === 'user' ? null : 'Only root may change administrators and root users';
}
