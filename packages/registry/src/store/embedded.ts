/**
 * The embedded store: PostgreSQL in WebAssembly (PGlite) over a data directory on the local disk.
 *
 * Layout: `<dataDir>/pgdata` is PGlite's PostgreSQL data directory, `<dataDir>/registry.lock` the single-process lock.
 *
 * PGlite runs in a worker thread. Its WebAssembly PostgreSQL executes each statement synchronously, so on the main
 * thread it would stall every request while it works; in a worker it does not. (It also keeps PGlite's own dynamic
 * imports of Node built-ins in a plain Node context, which module sandboxes such as Jest's do not provide.) PGlite
 * is one session: statements are queued here, and a transaction holds the queue from BEGIN to COMMIT/ROLLBACK.
 *
 * Durability: PGlite's Node filesystem writes straight through to the OS (synchronous writes), and PostgreSQL writes
 * its WAL at COMMIT, so a commit is in the kernel before COMMIT returns: an acknowledged write survives the process
 * being killed (kill -9). `relaxedDurability` stays false (PGlite's default, set explicitly) so PGlite awaits its
 * filesystem sync after each statement instead of resolving first and syncing in the background; after each
 * transaction we await `syncToFs()` as well. What PGlite cannot give: PostgreSQL runs with fsync off there (`-F`) and
 * Emscripten's NODEFS has no fsync, so an OS crash or power loss may lose the last commits.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { acquireDataDirLock, LOCK_FILE, type DataDirLock } from './lock';
import { migrate } from './migrations';
import { StoreError, type Queryable, type Row, type SqlParam, type SqlStore } from './types';

export interface EmbeddedStoreOptions {
  /** Skip the table migrations (tests of the lock and of opening only). */
  readonly migrate?: boolean;
}

type Request =
  | { readonly op: 'query'; readonly sql: string; readonly params: readonly SqlParam[] }
  | { readonly op: 'exec'; readonly sql: string }
  | { readonly op: 'commit' }
  | { readonly op: 'sync' }
  | { readonly op: 'close' };

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly rows?: Row[];
  readonly error?: { readonly message: string; readonly code?: string; readonly detail?: string };
}

/** The worker: plain CommonJS, evaluated as is (no build step, no loader), PGlite loaded from its resolved path. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const fail = (error) => ({ message: String(error && error.message || error), code: error && error.code, detail: error && error.detail });
let db;
let queue = Promise.resolve();
const run = async (id, request) => {
  try {
    if (request.op === 'open') {
      db = await PGlite.create({ dataDir: workerData.dataDir, relaxedDurability: false });
      return { id, ok: true };
    }
    if (request.op === 'query') return { id, ok: true, rows: (await db.query(request.sql, request.params)).rows };
    if (request.op === 'exec') { await db.exec(request.sql); return { id, ok: true }; }
    if (request.op === 'commit') {
      const results = await db.exec('COMMIT');
      const last = results[results.length - 1];
      // COMMIT of a transaction that had failed answers ROLLBACK instead of failing: report it as the failure it is.
      if (last && last.command === 'ROLLBACK') return { id, ok: false, error: { message: 'the transaction was rolled back (a statement in it had failed)' } };
      return { id, ok: true };
    }
    if (request.op === 'sync') { await db.syncToFs(); return { id, ok: true }; }
    if (request.op === 'close') { if (db) await db.close(); return { id, ok: true }; }
    return { id, ok: false, error: { message: 'unknown op ' + request.op } };
  } catch (error) {
    return { id, ok: false, error: fail(error) };
  }
};
parentPort.on('message', ({ id, request }) => {
  queue = queue.then(() => run(id, request)).then((reply) => parentPort.postMessage(reply));
});
`;

/** An error from PostgreSQL inside the worker, with its SQLSTATE. */
export class EmbeddedQueryError extends Error {
  override readonly name = 'EmbeddedQueryError';
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly detail: string | undefined,
  ) {
    super(message);
  }
}

class PgliteWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void }>();
  private next = 1;
  private failure: Error | undefined;

  constructor(dataDir: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dataDir, pglite: require.resolve('@electric-sql/pglite') } });
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiter?.resolve(reply);
    });
    const abort = (error: Error): void => {
      this.failure = error;
      for (const waiter of this.pending.values()) waiter.resolve({ id: 0, ok: false, error: { message: error.message } });
      this.pending.clear();
    };
    this.worker.on('error', abort);
    this.worker.on('exit', (code) => abort(new Error(`the PGlite worker exited (code ${code})`)));
  }

  async call(request: Request | { readonly op: 'open' }): Promise<Row[]> {
    if (this.failure !== undefined) throw this.failure;
    const id = this.next++;
    const reply = await new Promise<Reply>((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ id, request });
    });
    if (!reply.ok) throw new EmbeddedQueryError(reply.error?.message ?? 'unknown error', reply.error?.code, reply.error?.detail);
    return reply.rows ?? [];
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** A FIFO lock: PGlite is one session, so a transaction must own it from BEGIN to the end. */
class Session {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/**
 * Opens (creating if absent) the registry data directory. Throws a StoreError if another live process holds it.
 * A directory left by a killed process is taken over: PostgreSQL recovers from its WAL on open.
 */
export async function openEmbeddedStore(dataDir: string, options: EmbeddedStoreOptions = {}): Promise<SqlStore> {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StoreError(`Cannot create the registry data directory ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const lock: DataDirLock = acquireDataDirLock(dir, join(dir, LOCK_FILE));
  const worker = new PgliteWorker(join(dir, 'pgdata'));
  try {
    await worker.call({ op: 'open' });
  } catch (error) {
    await worker.terminate();
    lock.release();
    throw new StoreError(`Cannot open the embedded database in ${dir}: ${(error as Error).message}`, { cause: error });
  }

  const session = new Session();
  let closed = false;
  const direct: Queryable = {
    query: async <R extends object = Row>(sql: string, params: readonly SqlParam[] = []): Promise<R[]> =>
      (await worker.call({ op: 'query', sql, params: [...params] })) as R[],
  };
  const store: SqlStore = {
    kind: 'embedded',
    location: dir,
    query: <R extends object = Row>(sql: string, params?: readonly SqlParam[]): Promise<R[]> => {
      if (closed) return Promise.reject(new StoreError(`The embedded store ${dir} is closed`));
      return session.run(() => direct.query<R>(sql, params));
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new StoreError(`The embedded store ${dir} is closed`));
      return session.run(async () => {
        await worker.call({ op: 'exec', sql: 'BEGIN ISOLATION LEVEL READ COMMITTED' });
        let result: T;
        try {
          result = await fn(direct);
        } catch (error) {
          // If even ROLLBACK fails the worker is gone; the original error is the one to report.
          await worker.call({ op: 'exec', sql: 'ROLLBACK' }).catch(() => undefined);
          throw error;
        }
        await worker.call({ op: 'commit' });
        await worker.call({ op: 'sync' });
        return result;
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await session.run(() => worker.call({ op: 'close' }));
      } finally {
        await worker.terminate();
        lock.release();
      }
    },
  };
  if (options.migrate !== false) {
    try {
      await migrate(store);
    } catch (error) {
      await store.close();
      throw new StoreError(`Cannot prepare the registry tables in ${dir}: ${(error as Error).message}`, { cause: error });
    }
  }
  return store;
}
