import { Worker } from 'node:worker_threads';
import type { SqliteWriteBatch, SqliteWriteResult } from './sqlite-write-batch.ts';
import type { SqliteWriter } from './sqlite-writer.ts';

/** A batch sent to the writer thread. */
export interface WriterRequest {
  id: number;
  batch: SqliteWriteBatch;
}

/** The writer thread's answer: the batch's returned rows, or why it wrote nothing. */
export type WriterReply =
  { id: number; rows: SqliteWriteResult } | { id: number; error: { message: string; code?: string } };

/** The module loader `npm start` runs with, which the thread needs to load TypeScript. */
const typescriptLoader = new URL('../../scripts/typescript-loader.mjs', import.meta.url);

interface Pending {
  resolve: (rows: SqliteWriteResult) => void;
  reject: (error: Error) => void;
}

/** An error the writer thread reported, with SQLite's code (`SQLITE_BUSY`, …). */
export class SqliteWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteWriteError';
  }
}

/**
 * Commits batches on a worker thread with a connection of its own to the database file (WAL mode:
 * the store's connection keeps reading meanwhile). Writing a log row costs SQLite over 5 µs of CPU
 * and a settlement about as much; on the event loop that was an eighth of the gateway's CPU per
 * request, all of it in front of other requests. The thread starts with the first batch, answers in
 * order, and is started again if it ever exits (its batches in flight are then refused, unwritten).
 */
export class ThreadedSqliteWriter implements SqliteWriter {
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #idle: (() => void) | undefined;

  constructor(private readonly path: string) {}

  write(batch: SqliteWriteBatch): Promise<SqliteWriteResult> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    // While batches are in flight the thread keeps the process alive; idle, it does not.
    if (this.#pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, batch } satisfies WriterRequest);
    });
  }

  async close(): Promise<void> {
    if (this.#pending.size > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    const loaded = process.execArgv.some((argument) => argument.endsWith('typescript-loader.mjs'));
    const worker = new Worker(new URL('./sqlite-writer-thread.ts', import.meta.url), {
      workerData: { path: this.path },
      // Inherits the process's flags when they already load TypeScript (npm start); otherwise (a
      // test runner's own transform) it is given the loader alone.
      ...(loaded ? {} : { execArgv: ['--import', typescriptLoader.href] }),
    });
    worker.unref();
    worker.on('message', (reply: WriterReply) => this.#settle(reply));
    // An 'error' is followed by 'exit', which refuses what is in flight.
    worker.on('error', () => {});
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = undefined;
      const error = new SqliteWriteError(`the SQLite writer thread exited (code ${code})`, undefined);
      for (const [id, pending] of this.#pending) {
        this.#pending.delete(id);
        pending.reject(error);
      }
      this.#drained();
    });
    return worker;
  }

  #settle(reply: WriterReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    if ('rows' in reply) pending.resolve(reply.rows);
    else pending.reject(new SqliteWriteError(reply.error.message, reply.error.code));
    this.#drained();
  }

  #drained(): void {
    if (this.#pending.size > 0 || this.#idle === undefined) return;
    const idle = this.#idle;
    this.#idle = undefined;
    idle();
  }
}
