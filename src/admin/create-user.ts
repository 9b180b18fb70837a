import { GatewayError } from '../core/gateway-error.ts';
import { hashPassword } from '../security/password.ts';
import type { UserRole, UserRow } from '../store/schema.ts';
import type { Store } from '../store/store.ts';

export interface UserToCreate {
  username: string;
  password: string;
  role: UserRole;
  groupName?: string;
  displayName: string | null;
  email: string | null;
  enabled?: boolean;
}

const taken = (username: string): GatewayError =>
  new GatewayError(409, 'conflict', `Invalid username: '${username}' is taken`, { param: 'username' });

/** Creates an account (registration or an admin's create); a name taken in any case is a 409. */
export async function createUser(store: Store, input: UserToCreate): Promise<UserRow> {
  if (input.password.toLowerCase() === input.username.toLowerCase()) {
    throw new GatewayError(422, 'invalid_request', 'Invalid password: must not be the username', {
      param: 'password',
    });
  }
  if (await store.users.usernameTaken(input.username)) throw taken(input.username);
  let id: number;
  try {
    id = await store.users.create({
      username: input.username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      groupName: input.groupName,
      displayName: input.displayName,
      email: input.email,
      enabled: input.enabled,
    });
  } catch (error) {
    // Someone took the name between the check and the insert (the unique index caught it).
    if (await store.users.usernameTaken(input.username)) throw taken(input.username);
    throw error;
  }
  return (await store.users.findById(id))!;
}
