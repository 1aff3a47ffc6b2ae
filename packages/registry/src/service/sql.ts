/** The registry's queries, shared by reads (on the store) and writes (in a locked transaction). */
import type { Queryable } from '../store/types';
import type { SchemaReference } from './types';

export interface SchemaRow {
  readonly id: number;
  readonly schema_type: string;
  readonly schema: string;
  readonly canonical_hash: string;
  readonly refs: string;
}

export interface VersionRow extends SchemaRow {
  readonly subject: string;
  readonly version: number;
  readonly deleted: boolean;
}

const SCHEMA_COLUMNS = 's.id, s.schema_type, s.schema, s.canonical_hash, s.refs::text AS refs';
const VERSION_SELECT = `SELECT sv.subject, sv.version, sv.deleted, ${SCHEMA_COLUMNS} FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id`;

export function parseRefs(text: string): SchemaReference[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.map((r: { name: string; subject: string; version: number }) => ({ name: r.name, subject: r.subject, version: r.version }));
}

export async function schemaById(q: Queryable, id: number): Promise<SchemaRow | undefined> {
  const rows = await q.query<SchemaRow>(`SELECT ${SCHEMA_COLUMNS} FROM schemas s WHERE s.id = $1`, [id]);
  return rows[0];
}

/** All versions of a subject, oldest first; soft-deleted ones too unless `includeDeleted` is false. */
export async function subjectVersions(q: Queryable, subject: string, includeDeleted: boolean): Promise<VersionRow[]> {
  return q.query<VersionRow>(`${VERSION_SELECT} WHERE sv.subject = $1 AND ($2 OR NOT sv.deleted) ORDER BY sv.version`, [subject, includeDeleted]);
}

export async function versionRow(q: Queryable, subject: string, version: number): Promise<VersionRow | undefined> {
  const rows = await q.query<VersionRow>(`${VERSION_SELECT} WHERE sv.subject = $1 AND sv.version = $2`, [subject, version]);
  return rows[0];
}

/** The latest version that is not soft-deleted (Confluent's "latest" never names a deleted version). */
export async function latestRow(q: Queryable, subject: string): Promise<VersionRow | undefined> {
  const rows = await q.query<VersionRow>(`${VERSION_SELECT} WHERE sv.subject = $1 AND NOT sv.deleted ORDER BY sv.version DESC LIMIT 1`, [subject]);
  return rows[0];
}

/** Whether the subject has a version (a live one, or any when `includeDeleted`). */
export async function hasSubject(q: Queryable, subject: string, includeDeleted: boolean): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM subject_versions WHERE subject = $1 AND ($2 OR NOT deleted) LIMIT 1', [subject, includeDeleted]);
  return rows.length > 0;
}

/** Ids of the schemas that reference a subject version. */
export async function referencingIds(q: Queryable, subject: string, version: number): Promise<number[]> {
  const rows = await q.query<{ schema_id: number }>(
    'SELECT DISTINCT schema_id FROM schema_references WHERE ref_subject = $1 AND ref_version = $2 ORDER BY schema_id',
    [subject, version],
  );
  return rows.map((r) => r.schema_id);
}

/** The id of a registered schema equal to this one (type, canonical text, references), if any. */
export async function findByCanonical(q: Queryable, type: string, canonicalHash: string, refs: string): Promise<SchemaRow | undefined> {
  const rows = await q.query<SchemaRow>(`SELECT ${SCHEMA_COLUMNS} FROM schemas s WHERE s.schema_type = $1 AND s.canonical_hash = $2 AND s.refs = $3::jsonb`, [
    type,
    canonicalHash,
    refs,
  ]);
  return rows[0];
}

/** The oldest registered schema with this normalized form (several texts may normalize alike). */
export async function findByNormalized(q: Queryable, type: string, normalizedHash: string): Promise<SchemaRow | undefined> {
  const rows = await q.query<SchemaRow>(`SELECT ${SCHEMA_COLUMNS} FROM schemas s WHERE s.schema_type = $1 AND s.normalized_hash = $2 ORDER BY s.id LIMIT 1`, [
    type,
    normalizedHash,
  ]);
  return rows[0];
}

/** The subject's version holding an equal schema: live ones first, then the newest. */
export async function findInSubject(
  q: Queryable,
  subject: string,
  match: { readonly type: string; readonly canonicalHash: string; readonly refs: string } | { readonly type: string; readonly normalizedHash: string },
  includeDeleted: boolean,
): Promise<VersionRow | undefined> {
  const rows =
    'canonicalHash' in match
      ? await q.query<VersionRow>(
          `${VERSION_SELECT} WHERE sv.subject = $1 AND s.schema_type = $2 AND s.canonical_hash = $3 AND s.refs = $4::jsonb AND ($5 OR NOT sv.deleted)
           ORDER BY sv.deleted, sv.version DESC LIMIT 1`,
          [subject, match.type, match.canonicalHash, match.refs, includeDeleted],
        )
      : await q.query<VersionRow>(
          `${VERSION_SELECT} WHERE sv.subject = $1 AND s.schema_type = $2 AND s.normalized_hash = $3 AND ($4 OR NOT sv.deleted)
           ORDER BY sv.deleted, sv.version DESC LIMIT 1`,
          [subject, match.type, match.normalizedHash, includeDeleted],
        );
  return rows[0];
}

/** After hard deletes: drop schemas no version uses any more (Confluent: a hard delete removes the schema id). */
export async function dropOrphans(q: Queryable, ids: Iterable<number>): Promise<void> {
  for (const id of new Set(ids)) {
    await q.query('DELETE FROM schemas s WHERE s.id = $1 AND NOT EXISTS (SELECT 1 FROM subject_versions sv WHERE sv.schema_id = s.id)', [id]);
  }
}
