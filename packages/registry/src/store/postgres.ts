/**
 * The shared store: a PostgreSQL server (15 or later) through a `pg` connection pool. Several registry processes may
 * use one database: the registry serializes its writes with a transaction-scoped advisory lock (see the service), and
 * a COMMIT returns once PostgreSQL has made it durable (synchronous_commit is the server's business).
 */
import pg from 'pg';
import { migrate } from './migrations';
import { StoreError, type Queryable, type Row, type SqlParam, type SqlStore } from './types';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  readonly maxConnections?: number;
  /** Give up connecting after this long (default 10 s). */
  readonly connectionTimeoutMs?: number;
  readonly migrate?: boolean;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable PostgreSQL URL)';
  }
}

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R extends object = Row>(sql: string, params: readonly SqlParam[] = []): Promise<R[]> {
      const result = await client.query(sql, params as SqlParam[]);
      return result.rows as R[];
    },
  };
}

/** Connects (checking the server answers) and creates or updates the registry's tables. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<SqlStore> {
  const location = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
  });
  // An idle client losing its connection must not crash the process; the next query reports the failure.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StoreError(`Cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`, { cause: error });
  }
  let closed = false;
  const plain = queryable(pool);
  const store: SqlStore = {
    kind: 'postgres',
    location,
    query: (sql, params) => plain.query(sql, params),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        // READ COMMITTED whatever the server's default: a writer must see every commit made before it got the
        // registry's advisory lock, which a snapshot taken earlier (REPEATABLE READ, SERIALIZABLE) would not.
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        const result = await fn(queryable(client));
        const commit = await client.query('COMMIT');
        // COMMIT of a transaction in which a statement failed (and was caught) answers ROLLBACK, without an error.
        if (commit.command === 'ROLLBACK') throw new StoreError('The transaction was rolled back: a statement in it had failed');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is unusable: drop it rather than return it to the pool
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  if (options.migrate !== false) {
    try {
      await migrate(store);
    } catch (error) {
      await store.close();
      throw new StoreError(`Cannot prepare the registry tables at ${location}: ${(error as Error).message}`, { cause: error });
    }
  }
  return store;
}
