import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';
import { hashSecret } from '../security/api-key.ts';
import { hashPassword, verifyPassword } from '../security/password.ts';
import { randomBase62 } from '../security/random-token.ts';
import type { UserRow, UserUpdate } from '../store/schema.ts';
import type { AdminDeps } from './admin-deps.ts';
import { createUser } from './create-user.ts';
import { ok } from './envelope.ts';
import { LoginLimiter } from './login-limiter.ts';
import { readOperatorSettings } from './operator-settings.ts';
import { parseInput } from './parse-input.ts';
import { publicUser } from './public-user.ts';
import { requireUser, sessionToken } from './session-auth.ts';
import { isoTime } from './time-input.ts';
import { displayNameField, emailField, passwordField, usernameField } from './user-fields.ts';

const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

const registerBody = z.strictObject({
  username: usernameField,
  password: passwordField,
  display_name: displayNameField.nullable().optional(),
  email: emailField.nullable().optional(),
});

const selfUpdateBody = z.strictObject({
  display_name: displayNameField.nullable().optional(),
  email: emailField.nullable().optional(),
  password: passwordField.optional(),
  current_password: z.string().min(1).max(1024).optional(),
});

// A constant hash to verify against when the user does not exist, so timing does not reveal names.
const decoyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const tooManyAttempts = (retryAfterMs: number): GatewayError => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GatewayError(429, 'rate_limited', `Too many failed logins; try again in ${seconds} s`, {
    headers: { 'retry-after': String(seconds) },
  });
};

/**
 * The account's own routes: register, log in and out, read and change the profile and password,
 * end other sessions. Admin routes over other users are in user-admin-routes.ts.
 */
export function registerUserRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, config } = deps;
  const limiter = new LoginLimiter({
    maxFailuresPerUser: config.LOGIN_MAX_FAILURES,
    maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_IP,
    windowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000,
    cooldownMs: config.LOGIN_COOLDOWN_SECONDS * 1000,
  });

  /** Checks a password for `username`, counting a wrong one against the name and the address. */
  const checkPassword = async (request: FastifyRequest, username: string, password: string, hash: string) => {
    const wait = limiter.retryAfterMs(username, request.ip);
    if (wait > 0) throw tooManyAttempts(wait);
    const valid = await verifyPassword(password, hash);
    if (valid) limiter.recordSuccess(username);
    else limiter.recordFailure(username, request.ip);
    return valid;
  };

  app.post('/user/register', async (request) => {
    if (!config.REGISTRATION_ENABLED) {
      throw new GatewayError(
        403,
        'forbidden',
        'Registration is closed on this gateway; ask an administrator',
      );
    }
    const input = parseInput(registerBody, request.body);
    const user = await createUser(store, {
      username: input.username,
      password: input.password,
      role: 'user',
      displayName: input.display_name ?? null,
      email: input.email ?? null,
    });
    const { signup_credits: signupCredits } = await readOperatorSettings(store.settings);
    if (signupCredits > 0) {
      await deps.ledger.change({
        userId: user.id,
        amount: signupCredits,
        kind: 'signup',
        note: null,
        createdBy: null,
      });
    }
    const created = signupCredits > 0 ? (await store.users.findById(user.id))! : user;
    return ok(publicUser(created), 'Account created; log in with POST /api/user/login');
  });

  app.post('/user/login', async (request) => {
    const input = parseInput(loginBody, request.body);
    const user = await store.users.findByUsername(input.username);
    const valid = await checkPassword(
      request,
      input.username,
      input.password,
      user?.password_hash ?? decoyHash,
    );
    if (!user || !valid) throw new GatewayError(401, 'unauthorized', 'Wrong username or password');
    if (user.enabled !== 1) throw new GatewayError(403, 'forbidden', 'This account is disabled');
    const token = randomBase62(48);
    const expiresAt = Date.now() + config.SESSION_TTL_HOURS * 3_600_000;
    await store.sessions.create(hashSecret(token), user.id, expiresAt);
    return ok({ token, expires_at: isoTime(expiresAt), user: publicUser(user) });
  });

  app.post('/user/logout', async (request) => {
    await requireUser(store, request);
    await store.sessions.delete(hashSecret(sessionToken(request)!));
    return ok(null);
  });

  app.get('/user/self', async (request) => ok(publicUser(await requireUser(store, request))));

  app.put('/user/self', async (request) => {
    const user = await requireUser(store, request);
    const input = parseInput(selfUpdateBody, request.body);
    const changes: UserUpdate = { display_name: input.display_name, email: input.email };
    if (input.password !== undefined || input.current_password !== undefined) {
      await checkPasswordChange(user, input.password, input.current_password, (current) =>
        checkPassword(request, user.username, current, user.password_hash),
      );
      changes.password_hash = await hashPassword(input.password!);
    }
    // `update` refuses only to remove the last root, which a profile change cannot do.
    await store.users.update(user.id, changes);
    let message = '';
    if (changes.password_hash !== undefined) {
      // A new password ends every other session: whoever knew the old one is logged out.
      await store.sessions.deleteByUser(user.id, hashSecret(sessionToken(request)!));
      message = 'Password changed; your other sessions were ended';
    }
    return ok(publicUser((await store.users.findById(user.id))!), message);
  });

  app.delete('/user/self/sessions', async (request) => {
    const user = await requireUser(store, request);
    const ended = await store.sessions.deleteByUser(user.id, hashSecret(sessionToken(request)!));
    return ok({ ended }, 'Every other session of yours was ended');
  });
}

/** A password change needs the new password, the current one, and the current one right. */
async function checkPasswordChange(
  user: UserRow,
  password: string | undefined,
  currentPassword: string | undefined,
  verify: (current: string) => Promise<boolean>,
): Promise<void> {
  if (password === undefined) {
    throw new GatewayError(
      422,
      'invalid_request',
      'Invalid password: give the new password with current_password',
      {
        param: 'password',
      },
    );
  }
  if (currentPassword === undefined) {
    throw new GatewayError(
      422,
      'invalid_request',
      'Invalid current_password: required to change the password',
      {
        param: 'current_password',
      },
    );
  }
  if (password.toLowerCase() === user.username.toLowerCase()) {
    throw new GatewayError(422, 'invalid_request', 'Invalid password: must not be the username', {
      param: 'password',
    });
  }
  if (!(await verify(currentPassword))) {
    throw new GatewayError(403, 'forbidden', 'Invalid current_password: it is not your password', {
      param: 'current_password',
    });
  }
}
