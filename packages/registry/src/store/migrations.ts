/**
 * The registry's tables, created (or brought up to date) when a store opens. Every statement is idempotent and the
 * whole run holds an advisory lock, so several processes opening one database at once do not race.
 */
import type { Queryable, SqlStore } from './types';

/** Advisory lock keys (pg_advisory_xact_lock): one for migrations, one serializing the registry's writes. */
export const MIGRATION_LOCK_KEY = '7308890154371907001';
export const WRITE_LOCK_KEY = '7308890154371907002';

interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'schemas, subject versions, references, configs, modes',
    statements: [
      `CREATE TABLE IF NOT EXISTS schemas (
        id serial PRIMARY KEY,
        schema_type text NOT NULL,
        schema text NOT NULL,
        canonical text NOT NULL,
        canonical_hash text NOT NULL,
        normalized_hash text NOT NULL,
        refs jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT schemas_identity UNIQUE (schema_type, canonical_hash, refs)
      )`,
      `CREATE INDEX IF NOT EXISTS schemas_normalized ON schemas (schema_type, normalized_hash)`,
      `CREATE TABLE IF NOT EXISTS subject_versions (
        subject text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        schema_id integer NOT NULL REFERENCES schemas (id),
        deleted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT subject_versions_key UNIQUE (subject, version)
      )`,
      `CREATE INDEX IF NOT EXISTS subject_versions_schema ON subject_versions (schema_id)`,
      `CREATE TABLE IF NOT EXISTS schema_references (
        schema_id integer NOT NULL REFERENCES schemas (id) ON DELETE CASCADE,
        name text NOT NULL,
        ref_subject text NOT NULL,
        ref_version integer NOT NULL,
        CONSTRAINT schema_references_key PRIMARY KEY (schema_id, name)
      )`,
      `CREATE INDEX IF NOT EXISTS schema_references_target ON schema_references (ref_subject, ref_version)`,
      `CREATE TABLE IF NOT EXISTS configs (
        subject text PRIMARY KEY,
        compatibility_level text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE IF NOT EXISTS modes (
        subject text PRIMARY KEY,
        mode text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
];

async function applied(tx: Queryable): Promise<Set<number>> {
  await tx.query(`CREATE TABLE IF NOT EXISTS registry_migrations (
    version integer PRIMARY KEY,
    description text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const rows = await tx.query<{ version: number }>('SELECT version FROM registry_migrations');
  return new Set(rows.map((r) => r.version));
}

/** Applies the migrations not yet recorded, in one transaction under the migration lock. */
export async function migrate(store: SqlStore): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    const done = await applied(tx);
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO registry_migrations (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
    }
  });
}
