/**
 * The storage seam: one SQL dialect (PostgreSQL 15+, which PGlite 0.5 also speaks) behind two drivers, the embedded
 * PGlite store (a data directory) and a shared PostgreSQL server (a connection pool).
 */

/** A value bound to a `$n` placeholder. Objects are not accepted: bind JSON as text and cast (`$1::jsonb`). */
export type SqlParam = string | number | boolean | null;

/** A result row. Drivers differ on some types, so queries cast what they read: counts `::int`, jsonb `::text`. */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one statement with `$1..$n` placeholders and returns its rows (empty for statements without any). */
  query<R extends object = Row>(sql: string, params?: readonly SqlParam[]): Promise<R[]>;
}

export interface SqlStore extends Queryable {
  readonly kind: 'embedded' | 'postgres';
  /** Where the data lives, for messages: the data directory or the server's URL without credentials. */
  readonly location: string;
  /**
   * Runs `fn` in one transaction (READ COMMITTED): committed if it resolves, rolled back if it throws. The promise
   * resolves only once the commit is durable (see each driver). Statements outside `fn` never join the transaction.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A store that cannot be opened or used: the message says which data directory or server, and why. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}
