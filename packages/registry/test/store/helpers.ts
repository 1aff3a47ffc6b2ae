/**
 * Test backends: a fresh embedded data directory, or a fresh database on the shared PostgreSQL server (created here,
 * dropped after). PostgreSQL being unreachable fails the tests with a message saying so; it never skips them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openEmbeddedStore, openPostgresStore, type SqlStore } from '../../src/store';

export const PG_ADMIN_URL = process.env['CONTRACTS_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function tempDir(prefix = 'registry-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(error as Error).message}). These tests need a PostgreSQL server ` +
        '(trust auth, user postgres); start one or point CONTRACTS_TEST_POSTGRES at one.',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A database of our own on the shared server: registry_test_<pid>_<random>. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `registry_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export interface Backend {
  readonly kind: 'embedded' | 'postgres';
  /** Opens another store on the same data (the data directory must not be open already for `embedded`). */
  open(): Promise<SqlStore>;
  cleanup(): Promise<void>;
}

export async function createBackend(kind: 'embedded' | 'postgres'): Promise<Backend> {
  if (kind === 'embedded') {
    const dir = tempDir();
    return { kind, open: () => openEmbeddedStore(dir.path), cleanup: async () => dir.remove() };
  }
  const db = await createTestDatabase();
  return { kind, open: () => openPostgresStore(db.url), cleanup: () => db.drop() };
}

/** Empties every registry table (between tests sharing one store). */
export async function truncate(store: SqlStore): Promise<void> {
  await store.query('TRUNCATE subject_versions, schema_references, schemas, configs, modes RESTART IDENTITY CASCADE');
}

export function avroRecord(name: string, fields: readonly (readonly [string, unknown, unknown?])[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'record',
    name,
    ...extra,
    fields: fields.map(([field, type, ...rest]) => (rest.length > 0 ? { name: field, type, default: rest[0] } : { name: field, type })),
  });
}
