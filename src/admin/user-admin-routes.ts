import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import { hashPassword } from '../security/password.ts';
import type { UserRow, UserUpdate } from '../store/schema.ts';
import type { GuardedWrite } from '../store/users-repository.ts';
import type { AdminDeps } from './admin-deps.ts';
import { createUser } from './create-user.ts';
import { ok } from './envelope.ts';
import { idParam } from './id-param.ts';
import { parseInput } from './parse-input.ts';
import { publicUser } from './public-user.ts';
import { requireAdmin } from './session-auth.ts';
import {
  displayNameField,
  emailField,
  groupField,
  passwordField,
  roleField,
  usernameField,
} from './user-fields.ts';
import { manageRefusal, roleGrantRefusal } from './user-permissions.ts';
import { microCreditsField, signedMicroCreditsField, tariffNameField } from './credit-fields.ts';
import { timeInput } from './time-input.ts';
import { noControlCharacters, noControlCharactersMessage } from './text-checks.ts';
import type { Store } from '../store/store.ts';

/** The plan columns a `PUT /api/user/{id}` writes: a named plan must exist; its duration sets the end. */
async function planUpdate(
  store: Store,
  plan: string | null | undefined,
  expiresAt: number | null | undefined,
): Promise<UserUpdate> {
  if (plan === undefined) return expiresAt === undefined ? {} : { plan_expires_at: expiresAt };
  if (plan === null) return { plan_name: null, plan_expires_at: null };
  const row = (await store.groupsPlans.listPlans()).find((candidate) => candidate.name === plan);
  if (!row)
    throw new GatewayError(422, 'invalid_request', `Invalid plan: no plan named '${plan}'`, {
      param: 'plan',
    });
  const fromDuration = row.duration_days === null ? null : Date.now() + row.duration_days * 86_400_000;
  return { plan_name: plan, plan_expires_at: expiresAt === undefined ? fromDuration : expiresAt };
}

const integerText = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a whole number')
  .transform(Number);

const listQuery = z.strictObject({
  q: z.string().min(1).max(64).optional(),
  role: roleField.optional(),
  after_id: integerText.optional(),
  limit: integerText.pipe(z.number().int().min(1).max(200)).optional(),
});

const createBody = z.strictObject({
  username: usernameField,
  password: passwordField,
  role: roleField.default('user'),
  group: groupField.default('default'),
  display_name: displayNameField.nullable().optional(),
  email: emailField.nullable().optional(),
  enabled: z.boolean().default(true),
});

const updateBody = z.strictObject({
  role: roleField.optional(),
  group: groupField.optional(),
  enabled: z.boolean().optional(),
  display_name: displayNameField.nullable().optional(),
  email: emailField.nullable().optional(),
  password: passwordField.optional(),
  /** Micro-credits added to the balance (a `top_up` ledger row). */
  top_up: microCreditsField.min(1).optional(),
  /** Micro-credits added or (negative) taken, down to zero at most (an `adjustment` ledger row). */
  adjustment: signedMicroCreditsField.optional(),
  /** Why, on the ledger row. */
  note: z.string().trim().max(255).refine(noControlCharacters, noControlCharactersMessage).optional(),
  /** The user's plan (null: the default plan); its duration sets `plan_expires_at` unless given. */
  plan: tariffNameField.nullable().optional(),
  plan_expires_at: timeInput.nullable().optional(),
});

const forbidden = (reason: string | null): void => {
  if (reason !== null) throw new GatewayError(403, 'forbidden', reason);
};

const lastRoot = (): GatewayError =>
  new GatewayError(
    409,
    'conflict',
    'This is the last enabled root: it cannot be demoted, disabled or deleted',
  );

const checkWrite = (result: GuardedWrite, rawId: string): void => {
  if (result === 'not-found') throw new GatewayError(404, 'not_found', `No user with id '${rawId}'`);
  if (result === 'last-root') throw lastRoot();
};

/**
 * `/api/user/` and `/api/user/{id}` (admins): list, read, create, change and delete users. An admin
 * manages plain users only; root manages everyone; nobody removes the last enabled root. Every write
 * that can change what a key may do clears the key cache, so it takes effect on the next request.
 */
export function registerUserAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;

  const findOr404 = async (rawId: string): Promise<UserRow> => {
    const user = await store.users.findActive(idParam(rawId, 'user'));
    if (!user) throw new GatewayError(404, 'not_found', `No user with id '${rawId}'`);
    return user;
  };

  app.get('/user/', async (request) => {
    await requireAdmin(store, request);
    const query = parseInput(listQuery, request.query, 'query');
    const limit = query.limit ?? 50;
    const users = await store.users.list({
      search: query.q,
      role: query.role,
      afterId: query.after_id,
      limit,
    });
    return ok({
      items: users.map(publicUser),
      next_after_id: users.length === limit ? users.at(-1)!.id : null,
    });
  });

  app.post('/user/', async (request) => {
    const actor = await requireAdmin(store, request);
    const input = parseInput(createBody, request.body);
    forbidden(roleGrantRefusal(actor, input.role));
    const user = await createUser(store, {
      username: input.username,
      password: input.password,
      role: input.role,
      groupName: input.group,
      displayName: input.display_name ?? null,
      email: input.email ?? null,
      enabled: input.enabled,
    });
    return ok(publicUser(user), 'User created');
  });

  app.get<{ Params: { id: string } }>('/user/:id', async (request) => {
    await requireAdmin(store, request);
    return ok(publicUser(await findOr404(request.params.id)));
  });

  app.put<{ Params: { id: string } }>('/user/:id', async (request) => {
    const actor = await requireAdmin(store, request);
    const target = await findOr404(request.params.id);
    forbidden(manageRefusal(actor, target));
    const input = parseInput(updateBody, request.body);
    if (input.role !== undefined) forbidden(roleGrantRefusal(actor, input.role));
    if (input.password !== undefined && input.password.toLowerCase() === target.username.toLowerCase()) {
      throw new GatewayError(422, 'invalid_request', 'Invalid password: must not be the username', {
        param: 'password',
      });
    }
    const planChanges = await planUpdate(store, input.plan, input.plan_expires_at);
    const changes: UserUpdate = {
      ...planChanges,
      role: input.role,
      group_name: input.group,
      enabled: input.enabled === undefined ? undefined : input.enabled ? 1 : 0,
      display_name: input.display_name,
      email: input.email,
      password_hash: input.password === undefined ? undefined : await hashPassword(input.password),
    };
    checkWrite(await store.users.update(target.id, changes), request.params.id);
    // A disabled account or a reset password ends the user's sessions; keys re-read role, group, state.
    if (input.enabled === false || input.password !== undefined) await store.sessions.deleteByUser(target.id);
    for (const [kind, amount] of [
      ['top_up', input.top_up],
      ['adjustment', input.adjustment],
    ] as const) {
      if (amount === undefined || amount === 0) continue;
      await deps.ledger.change({
        userId: target.id,
        amount,
        kind,
        note: input.note ?? null,
        createdBy: actor.id,
      });
    }
    await deps.caches.changed('keys');
    return ok(publicUser((await store.users.findById(target.id))!));
  });

  /**
   * Deletion is soft: the row stays for logs and the ledger, its name stays taken, the user can no
   * longer log in, and their keys and sessions are removed.
   */
  app.delete<{ Params: { id: string } }>('/user/:id', async (request) => {
    const actor = await requireAdmin(store, request);
    const target = await findOr404(request.params.id);
    forbidden(manageRefusal(actor, target));
    checkWrite(await store.users.softDelete(target.id), request.params.id);
    await deps.caches.changed('keys');
    return ok(null, 'User deleted; their keys and sessions no longer work');
  });
}
