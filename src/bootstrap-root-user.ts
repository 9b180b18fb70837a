import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { hashPassword } from './security/password.ts';
import { randomBase62 } from './security/random-token.ts';
import type { Store } from './store/store.ts';

/**
 * On the first start (no root user yet), creates the root user from ADMIN_USERNAME and
 * ADMIN_PASSWORD. Without a password one is generated and printed once, on stdout.
 */
export async function bootstrapRootUser(store: Store, config: Config, logger: Logger): Promise<void> {
  if ((await store.users.countByRole('root')) > 0) return;
  const password = config.ADMIN_PASSWORD ?? randomBase62(20);
  try {
    await store.users.create({
      username: config.ADMIN_USERNAME,
      passwordHash: await hashPassword(password),
      role: 'root',
    });
  } catch (error) {
    // Another node created it at the same moment: theirs stands.
    if ((await store.users.countByRole('root')) > 0) return;
    throw error;
  }
  logger.info({ username: config.ADMIN_USERNAME }, 'created the root user');
  if (!config.ADMIN_PASSWORD) {
    process.stdout.write(
      `\nRoot user '${config.ADMIN_USERNAME}' created with the generated password:\n\n    ${password}\n\n` +
        'It is shown only this once. Log in and keep it safe.\n\n',
    );
  }
}
