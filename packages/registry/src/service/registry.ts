/**
 * The registry's domain logic over a SQL store, with Confluent Schema Registry's semantics (its REST API reference
 * and, where that is silent, what its KafkaSchemaRegistry does).
 *
 * Concurrency: every write runs in one transaction that first takes a transaction-scoped advisory lock, so writes
 * are serialized across all processes sharing the database, and each one sees every write committed before it.
 * Ids and versions are therefore assigned without races (no equal schema gets two ids, no version is skipped or
 * repeated). Reads take no lock.
 */
import { LEVELS, checkLevel, type JsonPolicy, type Level, type PreparedSchema } from '@dynamic-capital/contracts-compat';
import { WRITE_LOCK_KEY } from '../store/migrations';
import type { Queryable, SqlStore } from '../store/types';
import { compile, parseSchema, resolveReferences, schemaTypeOf, type ParsedSchema } from './schemas';
import { canonicalText, sha256 } from './forms';
import {
  dropOrphans,
  findByCanonical,
  findByNormalized,
  findInSubject,
  hasSubject,
  latestRow,
  parseRefs,
  referencingIds,
  schemaById,
  subjectVersions,
  versionRow,
  type SchemaRow,
  type VersionRow,
} from './sql';
import {
  ERROR,
  MODES,
  RegistryError,
  SCHEMA_TYPES,
  type Mode,
  type RegistryService,
  type SchemaRecord,
  type SchemaRequest,
  type SchemaType,
  type SubjectVersion,
  type VersionSelector,
} from './types';

export interface RegistryServiceOptions {
  /** The compatibility level when neither the subject nor the global config sets one (Confluent's default: BACKWARD). */
  readonly defaultCompatibility?: Level;
  /** JSON Schema compatibility policy (Confluent's default: strict). */
  readonly jsonPolicy?: JsonPolicy;
  /** How many compiled stored schemas to keep for compatibility checks (default 1000). */
  readonly cacheSize?: number;
  /** Close the store when the service closes (default true). */
  readonly closeStore?: boolean;
}

const GLOBAL = '';
const LEVEL_SET: ReadonlySet<string> = new Set(LEVELS);
const MODE_SET: ReadonlySet<string> = new Set(MODES);

// Confluent's messages (io.confluent.kafka.schemaregistry.rest.exceptions.Errors), so clients matching on them work.
const subjectNotFound = (subject: string): RegistryError => new RegistryError(ERROR.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`);
const versionNotFound = (version: number | string): RegistryError => new RegistryError(ERROR.VERSION_NOT_FOUND, `Version ${version} not found.`);
const schemaNotFound = (id?: number): RegistryError =>
  new RegistryError(ERROR.SCHEMA_NOT_FOUND, id === undefined ? 'Schema not found' : `Schema ${id} not found`);
const notPermitted = (message: string): RegistryError => new RegistryError(ERROR.OPERATION_NOT_PERMITTED, message);
const readOnly = (subject: string | undefined): RegistryError =>
  notPermitted(subject === undefined ? 'The registry is in read-only mode' : `Subject ${subject} is in read-only mode`);
const referenceExists = (subject: string, version: number): RegistryError =>
  new RegistryError(ERROR.REFERENCE_EXISTS, `One or more references exist to the schema {subject=${subject},version=${version}}.`);

/** Confluent's QualifiedSubject.isValidSubject for the default context: not empty, no control characters. */
function checkSubject(subject: string): void {
  if (typeof subject !== 'string' || subject.length === 0 || /[\u0000-\u001f\u007f-\u009f]/.test(subject)) {
    throw new RegistryError(ERROR.INVALID_SUBJECT, `The specified subject '${subject}' is not valid.`);
  }
}

function checkVersion(version: VersionSelector): number | 'latest' {
  if (version === 'latest' || version === -1) return 'latest';
  if (!Number.isInteger(version) || version < 1 || version > 2147483647) {
    throw new RegistryError(
      ERROR.INVALID_VERSION,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    );
  }
  return version;
}

function toLevel(raw: string): Level {
  const level = typeof raw === 'string' ? raw.toUpperCase() : '';
  if (!LEVEL_SET.has(level)) {
    throw new RegistryError(
      ERROR.INVALID_COMPATIBILITY_LEVEL,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    );
  }
  return level as Level;
}

function toMode(raw: string): Mode {
  const mode = typeof raw === 'string' ? raw.toUpperCase() : '';
  if (!MODE_SET.has(mode)) throw new RegistryError(ERROR.INVALID_MODE, 'Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, and IMPORT.');
  return mode as Mode;
}

/** Confluent's "not set" values: a negative id, a version of 0 or less. */
function withoutSentinels(request: SchemaRequest): SchemaRequest {
  const { id, version, ...rest } = request;
  return {
    ...rest,
    ...(id !== undefined && id >= 0 ? { id } : {}),
    ...(version !== undefined && version > 0 ? { version } : {}),
  };
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isBlank(text: string | undefined): boolean {
  return text === undefined || text.trim() === '';
}

function schemaTypeOfRow(row: SchemaRow): SchemaType {
  return row.schema_type === 'JSON' ? 'JSON' : 'AVRO';
}

function toRecord(row: SchemaRow): SchemaRecord {
  return { id: row.id, schema: row.schema, schemaType: schemaTypeOfRow(row), references: parseRefs(row.refs) };
}

function toSubjectVersion(row: VersionRow): SubjectVersion {
  return { subject: row.subject, version: row.version, ...toRecord(row) };
}

/** Single-quoted as Confluent prints values in its messages. */
function quote(text: string): string {
  return `'${text.replace(/'/g, "\\'")}'`;
}

/** A tiny LRU for compiled stored schemas (immutable for a given id and content). */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
  }
}

class Registry implements RegistryService {
  private readonly defaultLevel: Level;
  private readonly policy: JsonPolicy;
  private readonly compiled: Lru<PreparedSchema | Error>;
  private closed = false;

  constructor(
    private readonly store: SqlStore,
    private readonly options: RegistryServiceOptions,
  ) {
    this.defaultLevel = options.defaultCompatibility ?? 'BACKWARD';
    this.policy = options.jsonPolicy ?? 'strict';
    this.compiled = new Lru(options.cacheSize ?? 1000);
  }

  // ---------------------------------------------------------------- plumbing

  /** Store failures become 50001; RegistryErrors pass through. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new RegistryError(ERROR.STORE_ERROR, 'The registry is closed');
    try {
      return await fn();
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new RegistryError(ERROR.STORE_ERROR, `Error in the backend data store: ${(error as Error).message}`);
    }
  }

  /** A write: one transaction holding the registry-wide advisory lock (released at commit or rollback). */
  private write<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.guard(() =>
      this.store.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`);
        return fn(tx);
      }),
    );
  }

  private async globalMode(q: Queryable): Promise<Mode> {
    const rows = await q.query<{ mode: string }>('SELECT mode FROM modes WHERE subject = $1', [GLOBAL]);
    const mode = rows[0]?.mode;
    return mode !== undefined && MODE_SET.has(mode) ? (mode as Mode) : 'READWRITE';
  }

  private async subjectMode(q: Queryable, subject: string): Promise<Mode | undefined> {
    const rows = await q.query<{ mode: string }>('SELECT mode FROM modes WHERE subject = $1', [subject]);
    const mode = rows[0]?.mode;
    return mode !== undefined && MODE_SET.has(mode) ? (mode as Mode) : undefined;
  }

  /** The mode that applies: a global READONLY_OVERRIDE wins, then the subject's, then the global one. */
  private async modeInScope(q: Queryable, subject: string | undefined): Promise<Mode> {
    const global = await this.globalMode(q);
    if (subject === undefined || global === 'READONLY_OVERRIDE') return global;
    return (await this.subjectMode(q, subject)) ?? global;
  }

  private async checkWritable(q: Queryable, subject: string | undefined): Promise<void> {
    const mode = await this.modeInScope(q, subject);
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw readOnly(subject);
  }

  private async configLevel(q: Queryable, subject: string): Promise<Level | undefined> {
    const rows = await q.query<{ compatibility_level: string }>('SELECT compatibility_level FROM configs WHERE subject = $1', [subject]);
    const level = rows[0]?.compatibility_level;
    return level !== undefined && LEVEL_SET.has(level) ? (level as Level) : undefined;
  }

  private async levelInScope(q: Queryable, subject: string): Promise<Level> {
    return (await this.configLevel(q, subject)) ?? (await this.configLevel(q, GLOBAL)) ?? this.defaultLevel;
  }

  /** A stored schema compiled as history (cached by id and content). */
  private async compileStored(q: Queryable, row: SchemaRow): Promise<PreparedSchema | Error> {
    const key = `${row.id}:${row.canonical_hash}:${row.refs}`;
    const cached = this.compiled.get(key);
    if (cached !== undefined) return cached;
    let result: PreparedSchema | Error;
    try {
      const { references } = await resolveReferences(q, parseRefs(row.refs));
      const json: unknown = JSON.parse(row.schema);
      result = compile({ type: schemaTypeOfRow(row), input: references.size > 0 ? { schema: json, references } : { schema: json } }, 'history');
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      result = error;
    }
    this.compiled.set(key, result);
    return result;
  }

  /**
   * Why `candidate` may not follow `live` (the subject's non-deleted versions, oldest first) at `level`; empty when
   * compatible. Like Confluent, the report covers the newest version it fails against.
   */
  private async incompatibilities(q: Queryable, candidate: PreparedSchema, live: readonly VersionRow[], level: Level): Promise<string[]> {
    if (level === 'NONE' || live.length === 0) return [];
    const checked = level.endsWith('_TRANSITIVE') ? live : live.slice(-1);
    const history: PreparedSchema[] = [];
    for (const row of checked) {
      const prepared = await this.compileStored(q, row);
      if (prepared instanceof Error) {
        return [
          `{errorType:'UNPARSEABLE_PREVIOUS_SCHEMA', description:${quote(prepared.message)}}`,
          `{oldSchemaVersion: ${row.version}}`,
          this.levelNote(level),
        ];
      }
      history.push(prepared);
    }
    let result;
    try {
      result = checkLevel(candidate, history, level, this.policy);
    } catch (error) {
      return [`{errorType:'UNCHECKABLE', description:${quote((error as Error).message)}}`, this.levelNote(level)];
    }
    if (result.compatible) return [];
    const newest = Math.max(...result.incompatibilities.map((i) => i.revision));
    const row = checked[newest] as VersionRow;
    const reasons = result.incompatibilities
      .filter((i) => i.revision === newest)
      .map((i) => `{errorType:${quote(i.rule)}, description:${quote(i.message)}, additionalInfo:${quote(i.newPath || i.oldPath)}}`);
    return [...reasons, `{oldSchemaVersion: ${row.version}}`, `{oldSchema: ${quote(row.schema)}}`, this.levelNote(level)];
  }

  private levelNote(level: Level): string {
    return `{validateFields: 'false', compatibility: '${level}'}`;
  }

  private async parseRequest(q: Queryable, request: SchemaRequest): Promise<ParsedSchema> {
    return parseSchema(q, schemaTypeOf(request.schemaType), request.schema, request.references ?? []);
  }

  // ---------------------------------------------------------------- subjects and versions

  listSubjects(options: { deleted?: boolean; subjectPrefix?: string } = {}): Promise<string[]> {
    return this.guard(async () => {
      const prefix = options.subjectPrefix === undefined || options.subjectPrefix === ':*:' ? '' : options.subjectPrefix;
      const rows = await this.store.query<{ subject: string }>(
        `SELECT DISTINCT subject FROM subject_versions WHERE ($1::boolean OR NOT deleted) AND left(subject, length($2::text)) = $2::text`,
        [options.deleted === true, prefix],
      );
      // Sorted here, not by the database's collation: code-unit order, as Java sorts strings in Confluent.
      return rows.map((r) => r.subject).sort(byCodeUnits);
    });
  }

  register(subject: string, raw: SchemaRequest, options: { normalize?: boolean } = {}): Promise<{ id: number; version: number }> {
    return this.guard(async () => {
      checkSubject(subject);
      const request = withoutSentinels(raw);
      const normalize = options.normalize === true;
      const type = schemaTypeOf(request.schemaType);
      // Confluent answers an already registered schema before any mode check or lock (registerOrForward).
      if (request.version === undefined && !isBlank(request.schema)) {
        const parsed = await parseSchema(this.store, type, request.schema, request.references ?? []);
        const existing = await this.findInSubject(this.store, subject, parsed, normalize, false);
        if (existing !== undefined && (request.id === undefined || request.id === existing.id)) return { id: existing.id, version: existing.version };
      }
      return this.write((tx) => this.registerLocked(tx, subject, type, request, normalize));
    });
  }

  private async registerLocked(
    tx: Queryable,
    subject: string,
    type: SchemaType,
    request: SchemaRequest,
    normalize: boolean,
  ): Promise<{ id: number; version: number }> {
    const mode = await this.modeInScope(tx, subject);
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw readOnly(subject);
    if (request.id !== undefined && mode !== 'IMPORT') throw notPermitted(`Subject ${subject} is not in import mode`);
    if (request.id === undefined && mode !== 'READWRITE') throw notPermitted(`Subject ${subject} is not in read-write mode`);
    const all = await subjectVersions(tx, subject, true);
    const live = all.filter((r) => !r.deleted);
    const latest = live[live.length - 1];

    // An empty schema means "the latest one again" (Confluent), or is invalid in an empty subject.
    let source: { type: SchemaType; text: string; refs: SchemaRequest['references'] } = { type, text: request.schema, refs: request.references };
    if (isBlank(request.schema)) {
      if (latest === undefined) throw new RegistryError(ERROR.INVALID_SCHEMA, 'Empty schema');
      source = { type: schemaTypeOfRow(latest), text: latest.schema, refs: parseRefs(latest.refs) };
    }
    const parsed = await parseSchema(tx, source.type, source.text, source.refs ?? []);
    const candidate = compile(parsed, mode === 'IMPORT' ? 'history' : 'candidate');

    const found = normalize
      ? await findByNormalized(tx, parsed.type, parsed.normalizedHash)
      : await findByCanonical(tx, parsed.type, parsed.canonicalHash, parsed.refsJson);
    if (found !== undefined && request.id !== undefined && request.id !== found.id) {
      throw new RegistryError(ERROR.ID_DOES_NOT_MATCH, `Schema already registered with id ${found.id} instead of input id ${request.id}`);
    }
    if (found !== undefined && request.version === undefined) {
      const existing = live.find((r) => r.id === found.id);
      if (existing !== undefined) return { id: found.id, version: existing.version };
    }

    if (mode !== 'IMPORT') {
      const reasons = await this.incompatibilities(tx, candidate, live, await this.levelInScope(tx, subject));
      if (reasons.length > 0) {
        throw new RegistryError(
          ERROR.INCOMPATIBLE_SCHEMA,
          `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${reasons.join(', ')}]`,
        );
      }
    }

    const next = all.length === 0 ? 1 : Math.max(...all.map((r) => r.version)) + 1;
    let version = next;
    if (request.version !== undefined) {
      if (mode !== 'IMPORT' && request.version !== next) throw new RegistryError(ERROR.INVALID_SCHEMA, 'Version is not one more than previous version');
      version = request.version;
      checkVersion(version);
      const taken = all.find((r) => r.version === version);
      if (taken !== undefined) {
        const wanted = found?.id ?? request.id;
        if (taken.id === wanted && !taken.deleted) return { id: taken.id, version };
        throw notPermitted(`Overwrite of version ${version} of subject ${subject} is not permitted.`);
      }
    }

    const id = found?.id ?? (await this.insertSchema(tx, parsed, normalize, request.id));
    // A soft-deleted earlier version of the same schema is replaced by the new one (Confluent tombstones it), unless
    // another schema references it: a reference must keep resolving.
    await tx.query(
      `DELETE FROM subject_versions sv WHERE sv.subject = $1 AND sv.schema_id = $2 AND sv.deleted AND sv.version < $3
       AND NOT EXISTS (SELECT 1 FROM schema_references r WHERE r.ref_subject = sv.subject AND r.ref_version = sv.version)`,
      [subject, id, version],
    );
    await tx.query('INSERT INTO subject_versions (subject, version, schema_id) VALUES ($1, $2, $3)', [subject, version, id]);
    return { id, version };
  }

  private async insertSchema(tx: Queryable, parsed: ParsedSchema, normalize: boolean, explicitId: number | undefined): Promise<number> {
    // Registered with normalize, the normalized text is what is stored (as Confluent does).
    const text = normalize ? parsed.normalized : parsed.text;
    const canonical = normalize ? canonicalText(JSON.parse(parsed.normalized)) : parsed.canonical;
    const canonicalHash = sha256(canonical);
    let id: number;
    if (explicitId !== undefined) {
      if ((await schemaById(tx, explicitId)) !== undefined) throw notPermitted(`Overwrite new schema with id ${explicitId} is not permitted.`);
      await tx.query(
        `INSERT INTO schemas (id, schema_type, schema, canonical, canonical_hash, normalized_hash, refs) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
        [explicitId, parsed.type, text, canonical, canonicalHash, parsed.normalizedHash, parsed.refsJson],
      );
      // Keep the id sequence ahead of imported ids; it never moves back, so deleted ids are not handed out again.
      await tx.query(`SELECT setval('schemas_id_seq', GREATEST($1::int, (SELECT last_value FROM schemas_id_seq)::int))`, [explicitId]);
      id = explicitId;
    } else {
      const inserted = await tx.query<{ id: number }>(
        `INSERT INTO schemas (schema_type, schema, canonical, canonical_hash, normalized_hash, refs) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
         ON CONFLICT ON CONSTRAINT schemas_identity DO NOTHING RETURNING id`,
        [parsed.type, text, canonical, canonicalHash, parsed.normalizedHash, parsed.refsJson],
      );
      const insertedId = inserted[0]?.id ?? (await findByCanonical(tx, parsed.type, canonicalHash, parsed.refsJson))?.id;
      if (insertedId === undefined) throw new Error('schema insert returned no id');
      id = insertedId;
    }
    for (const ref of parsed.refs) {
      await tx.query('INSERT INTO schema_references (schema_id, name, ref_subject, ref_version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        id,
        ref.name,
        ref.subject,
        ref.version,
      ]);
    }
    return id;
  }

  private findInSubject(q: Queryable, subject: string, parsed: ParsedSchema, normalize: boolean, includeDeleted: boolean): Promise<VersionRow | undefined> {
    return normalize
      ? findInSubject(q, subject, { type: parsed.type, normalizedHash: parsed.normalizedHash }, includeDeleted)
      : findInSubject(q, subject, { type: parsed.type, canonicalHash: parsed.canonicalHash, refs: parsed.refsJson }, includeDeleted);
  }

  lookup(subject: string, request: SchemaRequest, options: { normalize?: boolean; deleted?: boolean } = {}): Promise<SubjectVersion> {
    return this.guard(async () => {
      const includeDeleted = options.deleted === true;
      let found: VersionRow | undefined;
      if (!isBlank(request.schema)) {
        const parsed = await this.parseRequest(this.store, request);
        compile(parsed, 'history');
        // Confluent retries a plain lookup with normalization before giving up.
        found = await this.findInSubject(this.store, subject, parsed, options.normalize === true, includeDeleted);
        if (found === undefined && options.normalize !== true) found = await this.findInSubject(this.store, subject, parsed, true, includeDeleted);
      }
      if (found === undefined) throw (await hasSubject(this.store, subject, includeDeleted)) ? schemaNotFound() : subjectNotFound(subject);
      return toSubjectVersion(found);
    });
  }

  listVersions(subject: string, options: { deleted?: boolean } = {}): Promise<number[]> {
    return this.guard(async () => {
      const rows = await this.store.query<{ version: number }>(
        'SELECT version FROM subject_versions WHERE subject = $1 AND ($2 OR NOT deleted) ORDER BY version',
        [subject, options.deleted === true],
      );
      if (rows.length === 0) throw subjectNotFound(subject);
      return rows.map((r) => r.version);
    });
  }

  /** A version row by selector: `latest` is the newest live version; a number may name a soft-deleted one. */
  private async select(q: Queryable, subject: string, selector: number | 'latest'): Promise<VersionRow | undefined> {
    return selector === 'latest' ? latestRow(q, subject) : versionRow(q, subject, selector);
  }

  getVersion(subject: string, version: VersionSelector, options: { deleted?: boolean } = {}): Promise<SubjectVersion> {
    return this.guard(async () => {
      const selector = checkVersion(version);
      const includeDeleted = options.deleted === true;
      const row = await this.select(this.store, subject, selector);
      if (row === undefined || (row.deleted && !includeDeleted)) {
        throw (await hasSubject(this.store, subject, includeDeleted)) ? versionNotFound(selector === 'latest' ? -1 : selector) : subjectNotFound(subject);
      }
      return toSubjectVersion(row);
    });
  }

  deleteVersion(subject: string, version: VersionSelector, options: { permanent?: boolean } = {}): Promise<number> {
    const permanent = options.permanent === true;
    return this.write(async (tx) => {
      const selector = checkVersion(version);
      const row = await this.select(tx, subject, selector);
      if (row === undefined) throw (await hasSubject(tx, subject, true)) ? versionNotFound(selector === 'latest' ? -1 : selector) : subjectNotFound(subject);
      if (row.deleted && !permanent) {
        throw new RegistryError(
          ERROR.SCHEMA_VERSION_SOFT_DELETED,
          `Subject '${subject}' Version ${row.version} was soft deleted.Set permanent=true to delete permanently`,
        );
      }
      await this.checkWritable(tx, subject);
      if ((await referencingIds(tx, subject, row.version)).length > 0) throw referenceExists(subject, row.version);
      if (permanent) {
        if (!row.deleted) {
          throw new RegistryError(
            ERROR.SCHEMA_VERSION_NOT_SOFT_DELETED,
            `Subject '${subject}' Version ${row.version} was not deleted first before being permanently deleted`,
          );
        }
        await tx.query('DELETE FROM subject_versions WHERE subject = $1 AND version = $2', [subject, row.version]);
        await dropOrphans(tx, [row.id]);
      } else {
        await tx.query('UPDATE subject_versions SET deleted = true WHERE subject = $1 AND version = $2', [subject, row.version]);
        // The subject's last live version gone: its config and mode go too (Confluent).
        if (!(await hasSubject(tx, subject, false))) await this.dropSubjectSettings(tx, subject);
      }
      return row.version;
    });
  }

  private async dropSubjectSettings(tx: Queryable, subject: string): Promise<void> {
    await tx.query('DELETE FROM configs WHERE subject = $1', [subject]);
    await tx.query('DELETE FROM modes WHERE subject = $1', [subject]);
  }

  deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    const permanent = options.permanent === true;
    return this.write(async (tx) => {
      const rows = await subjectVersions(tx, subject, true);
      if (rows.length === 0) throw subjectNotFound(subject);
      const live = rows.filter((r) => !r.deleted);
      if (!permanent && live.length === 0) {
        throw new RegistryError(ERROR.SUBJECT_SOFT_DELETED, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
      }
      await this.checkWritable(tx, subject);
      const targets = permanent ? rows : live;
      for (const row of targets) {
        if ((await referencingIds(tx, subject, row.version)).length > 0) throw referenceExists(subject, row.version);
        if (permanent && !row.deleted) {
          throw new RegistryError(ERROR.SUBJECT_NOT_SOFT_DELETED, `Subject '${subject}' was not deleted first before being permanently deleted`);
        }
      }
      if (permanent) {
        await tx.query('DELETE FROM subject_versions WHERE subject = $1', [subject]);
        await dropOrphans(
          tx,
          targets.map((r) => r.id),
        );
      } else {
        await tx.query('UPDATE subject_versions SET deleted = true WHERE subject = $1 AND NOT deleted', [subject]);
        await this.dropSubjectSettings(tx, subject);
      }
      return targets.map((r) => r.version);
    });
  }

  referencedBy(subject: string, version: VersionSelector): Promise<number[]> {
    return this.guard(async () => {
      const selector = checkVersion(version);
      const row = await this.select(this.store, subject, selector);
      if (row === undefined)
        throw (await hasSubject(this.store, subject, true)) ? versionNotFound(selector === 'latest' ? -1 : selector) : subjectNotFound(subject);
      return referencingIds(this.store, subject, row.version);
    });
  }

  // ---------------------------------------------------------------- schemas by id

  getSchemaById(id: number, options: { subject?: string } = {}): Promise<SchemaRecord> {
    void options; // one context: the subject does not change which schema an id names
    return this.guard(async () => {
      const row = Number.isInteger(id) ? await schemaById(this.store, id) : undefined;
      if (row === undefined) throw schemaNotFound(id);
      return toRecord(row);
    });
  }

  private async versionsOf(id: number, includeDeleted: boolean): Promise<{ subject: string; version: number }[]> {
    const row = Number.isInteger(id) ? await schemaById(this.store, id) : undefined;
    if (row === undefined) throw schemaNotFound(id);
    const rows = await this.store.query<{ subject: string; version: number }>(
      'SELECT subject, version FROM subject_versions WHERE schema_id = $1 AND ($2::boolean OR NOT deleted)',
      [id, includeDeleted],
    );
    return rows.sort((a, b) => byCodeUnits(a.subject, b.subject) || a.version - b.version);
  }

  subjectsForId(id: number, options: { deleted?: boolean } = {}): Promise<string[]> {
    return this.guard(async () => [...new Set((await this.versionsOf(id, options.deleted === true)).map((v) => v.subject))]);
  }

  versionsForId(id: number, options: { deleted?: boolean } = {}): Promise<{ subject: string; version: number }[]> {
    return this.guard(async () => (await this.versionsOf(id, options.deleted === true)).map((v) => ({ subject: v.subject, version: v.version })));
  }

  schemaTypes(): SchemaType[] {
    return [...SCHEMA_TYPES];
  }

  // ---------------------------------------------------------------- compatibility

  testCompatibility(
    subject: string,
    version: VersionSelector | undefined,
    request: SchemaRequest,
    options: { verbose?: boolean; normalize?: boolean } = {},
  ): Promise<{ is_compatible: boolean; messages?: string[] }> {
    const verbose = options.verbose === true;
    const answer = (messages: string[]): { is_compatible: boolean; messages?: string[] } =>
      verbose ? { is_compatible: messages.length === 0, messages } : { is_compatible: messages.length === 0 };
    return this.guard(async () => {
      let history: VersionRow[];
      if (version === undefined) {
        history = await subjectVersions(this.store, subject, false);
      } else {
        const selector = checkVersion(version);
        const row = await this.select(this.store, subject, selector);
        if (row === undefined || row.deleted) {
          if (selector !== 'latest') throw (await hasSubject(this.store, subject, false)) ? versionNotFound(selector) : subjectNotFound(subject);
          history = [];
        } else {
          history = [row];
        }
      }
      let candidate: PreparedSchema;
      try {
        if (isBlank(request.schema)) throw new RegistryError(ERROR.INVALID_SCHEMA, 'Empty schema');
        candidate = compile(await this.parseRequest(this.store, request), 'candidate');
      } catch (error) {
        if (verbose && error instanceof RegistryError && error.errorCode === ERROR.INVALID_SCHEMA) return answer([error.message]);
        throw error;
      }
      return answer(await this.incompatibilities(this.store, candidate, history, await this.levelInScope(this.store, subject)));
    });
  }

  // ---------------------------------------------------------------- config

  getConfig(subject?: string, options: { defaultToGlobal?: boolean } = {}): Promise<{ compatibilityLevel: Level }> {
    return this.guard(async () => {
      const global = (await this.configLevel(this.store, GLOBAL)) ?? this.defaultLevel;
      if (subject === undefined) return { compatibilityLevel: global };
      const own = await this.configLevel(this.store, subject);
      if (own !== undefined) return { compatibilityLevel: own };
      if (options.defaultToGlobal === true) return { compatibilityLevel: global };
      throw new RegistryError(ERROR.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level compatibility configured`);
    });
  }

  setConfig(subject: string | undefined, level: string): Promise<{ compatibility: Level }> {
    return this.guard(async () => {
      const compatibility = toLevel(level);
      if (subject !== undefined) checkSubject(subject);
      return this.write(async (tx) => {
        await this.checkWritable(tx, subject);
        await tx.query(
          `INSERT INTO configs (subject, compatibility_level) VALUES ($1, $2)
           ON CONFLICT (subject) DO UPDATE SET compatibility_level = EXCLUDED.compatibility_level, updated_at = now()`,
          [subject ?? GLOBAL, compatibility],
        );
        return { compatibility };
      });
    });
  }

  deleteConfig(subject: string | undefined): Promise<{ compatibilityLevel: Level }> {
    return this.write(async (tx) => {
      const old = await this.configLevel(tx, subject ?? GLOBAL);
      if (subject !== undefined && old === undefined) throw subjectNotFound(subject);
      await this.checkWritable(tx, subject);
      await tx.query('DELETE FROM configs WHERE subject = $1', [subject ?? GLOBAL]);
      return { compatibilityLevel: old ?? this.defaultLevel };
    });
  }

  // ---------------------------------------------------------------- mode

  getMode(subject?: string, options: { defaultToGlobal?: boolean } = {}): Promise<{ mode: Mode }> {
    return this.guard(async () => {
      const global = await this.globalMode(this.store);
      if (subject === undefined || global === 'READONLY_OVERRIDE') return { mode: global };
      const own = await this.subjectMode(this.store, subject);
      if (own !== undefined) return { mode: own };
      if (options.defaultToGlobal === true) return { mode: global };
      throw new RegistryError(ERROR.SUBJECT_LEVEL_MODE_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level mode configured`);
    });
  }

  setMode(subject: string | undefined, mode: string, options: { force?: boolean } = {}): Promise<{ mode: Mode }> {
    return this.guard(async () => {
      const target = toMode(mode);
      if (subject !== undefined) checkSubject(subject);
      return this.write(async (tx) => {
        if (target === 'IMPORT' && (await this.modeInScope(tx, subject)) !== 'IMPORT' && options.force !== true) {
          // Importing needs an empty subject (or registry): live versions refuse, soft-deleted ones are purged.
          const scope = subject === undefined ? 'TRUE' : 'subject = $1';
          const params = subject === undefined ? [] : [subject];
          const live = await tx.query(`SELECT 1 FROM subject_versions WHERE ${scope} AND NOT deleted LIMIT 1`, params);
          if (live.length > 0) throw notPermitted('Cannot import since found existing subjects');
          const deleted = await tx.query<{ subject: string; version: number; schema_id: number }>(
            `SELECT subject, version, schema_id FROM subject_versions WHERE ${scope} AND deleted`,
            params,
          );
          for (const row of deleted) {
            if ((await referencingIds(tx, row.subject, row.version)).length > 0) throw referenceExists(row.subject, row.version);
          }
          await tx.query(`DELETE FROM subject_versions WHERE ${scope} AND deleted`, params);
          await dropOrphans(
            tx,
            deleted.map((r) => r.schema_id),
          );
        }
        await tx.query(`INSERT INTO modes (subject, mode) VALUES ($1, $2) ON CONFLICT (subject) DO UPDATE SET mode = EXCLUDED.mode, updated_at = now()`, [
          subject ?? GLOBAL,
          target,
        ]);
        return { mode: target };
      });
    });
  }

  deleteMode(subject: string): Promise<{ mode: Mode }> {
    return this.write(async (tx) => {
      const old = await this.subjectMode(tx, subject);
      if (old === undefined) throw subjectNotFound(subject);
      await tx.query('DELETE FROM modes WHERE subject = $1', [subject]);
      return { mode: old };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.options.closeStore !== false) await this.store.close();
  }
}

/** The registry over a store (see ../store). The service owns the store unless `closeStore` is false. */
export function createRegistryService(store: SqlStore, options: RegistryServiceOptions = {}): RegistryService {
  return new Registry(store, options);
}
