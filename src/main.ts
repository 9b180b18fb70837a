import { ConfigError, loadConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { createLogger } from './observability/logger.ts';
import { dialectOf, sqlitePath } from './store/open-database.ts';
import { lockSqliteForThisProcess } from './store/sqlite-process-lock.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  if (dialectOf(config.DATABASE_URL) === 'sqlite' && sqlitePath(config.DATABASE_URL) !== ':memory:') {
    process.once('exit', lockSqliteForThisProcess(sqlitePath(config.DATABASE_URL)));
  }
  const gateway = await createGateway(config, logger);
  const url = await gateway.listen();
  logger.info({ url, database: gateway.store.dialect }, 'switchboard is listening');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing in-flight requests and writing logs');
    // A stuck client must not keep the process alive forever.
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 60_000).unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `switchboard failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
