// The SQLite writer thread's entry (see ThreadedSqliteWriter): its own connection to the database
// file, committing each batch it is sent and answering with the batch's returned rows or its error.
import BetterSqlite3 from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { configureSqliteConnection } from './configure-sqlite-connection.ts';
import { applySqliteWriteBatch, type SqliteWriteBatch } from './sqlite-write-batch.ts';
import type { WriterReply, WriterRequest } from './threaded-sqlite-writer.ts';

const { path } = workerData as { path: string };
const database = new BetterSqlite3(path);
configureSqliteConnection(database);
const prepared = new Map<string, BetterSqlite3.Statement>();

parentPort!.on('message', ({ id, batch }: WriterRequest) => {
  let reply: WriterReply;
  try {
    reply = { id, rows: applySqliteWriteBatch(database, prepared, batch as SqliteWriteBatch) };
  } catch (error) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    reply = {
      id,
      error: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined },
    };
  }
  parentPort!.postMessage(reply);
});
