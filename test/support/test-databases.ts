import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { randomBase62 } from '../../src/security/random-token.ts';

export interface TestDatabase {
  /** A database URL for a fresh, empty database of its own. */
  url: string;
  drop(): Promise<void>;
}

export interface TestBackend {
  name: 'sqlite' | 'postgres' | 'mysql';
  /** Undefined when the backend's TEST_*_URL is not set: suites over it are skipped. */
  create: (() => Promise<TestDatabase>) | undefined;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

const freshName = () => `sb_test_${randomBase62(10).toLowerCase()}`;

async function createSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-db-'));
  return {
    url: `sqlite:${join(dir, 'test.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresFactory(adminUrl: string) {
  return async (): Promise<TestDatabase> => {
    const name = freshName();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return {
      url: withDatabaseName(adminUrl, name),
      drop: async () => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  };
}

/** `charset`: the new database's default character set, when not the server's. */
function mysqlFactory(adminUrl: string, charset?: string) {
  return async (): Promise<TestDatabase> => {
    const name = freshName();
    const admin = await createConnection(adminUrl.replace(/^mariadb:/, 'mysql:'));
    await admin.query(`CREATE DATABASE ${name}${charset === undefined ? '' : ` CHARACTER SET ${charset}`}`);
    await admin.end();
    return {
      url: withDatabaseName(adminUrl, name),
      drop: async () => {
        const connection = await createConnection(adminUrl.replace(/^mariadb:/, 'mysql:'));
        await connection.query(`DROP DATABASE IF EXISTS ${name}`);
        await connection.end();
      },
    };
  };
}

const postgresUrl = process.env.TEST_POSTGRES_URL;
const mysqlUrl = process.env.TEST_MYSQL_URL;

/** SQLite always; PostgreSQL and MySQL/MariaDB when TEST_POSTGRES_URL / TEST_MYSQL_URL are set. */
export const testBackends: TestBackend[] = [
  { name: 'sqlite', create: createSqlite },
  { name: 'postgres', create: postgresUrl ? postgresFactory(postgresUrl) : undefined },
  { name: 'mysql', create: mysqlUrl ? mysqlFactory(mysqlUrl) : undefined },
];

/** A MySQL database whose default character set is `charset` (older installs: latin1, utf8mb3). */
export const createMysqlDatabaseIn = (
  charset: 'latin1' | 'utf8mb3',
): (() => Promise<TestDatabase>) | undefined => (mysqlUrl ? mysqlFactory(mysqlUrl, charset) : undefined);

const announced = new Set<string>();
/** Says once per test file that a backend was skipped, so a green run never hides it. */
export function announceSkipped(backend: TestBackend): void {
  if (backend.create || announced.has(backend.name)) return;
  announced.add(backend.name);
  const variable = backend.name === 'postgres' ? 'TEST_POSTGRES_URL' : 'TEST_MYSQL_URL';
  console.warn(`[skipped] ${backend.name} tests: set ${variable} to run them`);
}
