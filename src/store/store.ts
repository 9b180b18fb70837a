import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { ApiKeysRepository } from './api-keys-repository.ts';
import { ChannelsRepository } from './channels-repository.ts';
import { GroupsPlansRepository } from './groups-plans-repository.ts';
import { migrateToLatest } from './migrate.ts';
import { ModelPricesRepository } from './model-prices-repository.ts';
import { ModelsRepository } from './models-repository.ts';
import { openDatabase, type DialectName } from './open-database.ts';
import { RedemptionCodesRepository } from './redemption-codes-repository.ts';
import { RequestLogsRepository } from './request-logs-repository.ts';
import { RequestRollupsRepository } from './request-rollups-repository.ts';
import type { Database } from './schema.ts';
import type { SqliteWriter } from './sqlite-writer.ts';
import { SessionsRepository } from './sessions-repository.ts';
import { SettingsRepository } from './settings-repository.ts';
import { SystemLogsRepository } from './system-logs-repository.ts';
import { UsersRepository } from './users-repository.ts';

/** The database and one repository per aggregate. */
export class Store {
  readonly users: UsersRepository;
  readonly sessions: SessionsRepository;
  readonly apiKeys: ApiKeysRepository;
  readonly channels: ChannelsRepository;
  readonly requestLogs: RequestLogsRepository;
  readonly requestRollups: RequestRollupsRepository;
  readonly settings: SettingsRepository;
  readonly systemLogs: SystemLogsRepository;
  readonly models: ModelsRepository;
  readonly modelPrices: ModelPricesRepository;
  readonly redemptionCodes: RedemptionCodesRepository;
  readonly groupsPlans: GroupsPlansRepository;

  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    /** The SQLite connection itself, for cached statements on hot paths; undefined on other backends. */
    readonly sqlite: BetterSqlite3.Database | undefined,
    /** The PostgreSQL pool under `db`, for named prepared statements on hot paths; undefined elsewhere. */
    readonly pgPool: pg.Pool | undefined,
    /** SQLite: where the request path's batched writes (log rows, settlements) commit. */
    readonly sqliteWriter: SqliteWriter | undefined,
  ) {
    this.users = new UsersRepository(db, dialect);
    this.sessions = new SessionsRepository(db);
    this.apiKeys = new ApiKeysRepository(db, dialect);
    this.channels = new ChannelsRepository(db, dialect);
    this.requestLogs = new RequestLogsRepository(db, dialect, sqliteWriter);
    this.requestRollups = new RequestRollupsRepository(db);
    this.settings = new SettingsRepository(db, dialect);
    this.systemLogs = new SystemLogsRepository(db);
    this.models = new ModelsRepository(db, dialect);
    this.modelPrices = new ModelPricesRepository(db, dialect);
    this.redemptionCodes = new RedemptionCodesRepository(db, dialect);
    this.groupsPlans = new GroupsPlansRepository(db, dialect);
  }

  /** Opens the database at `url` and migrates it to the latest schema. */
  static async open(url: string): Promise<Store> {
    const { db, dialect, sqlite, pgPool, sqliteWriter } = openDatabase(url);
    try {
      await migrateToLatest(db, dialect);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new Store(db, dialect, sqlite, pgPool, sqliteWriter);
  }

  async close(): Promise<void> {
    await this.sqliteWriter?.close();
    await this.db.destroy();
  }
}
