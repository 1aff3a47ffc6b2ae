/**
 * An in-memory RegistryService for the HTTP tests: Confluent's semantics where the HTTP layer can
 * observe them (ids shared across subjects, soft/hard delete, latest, config/mode scopes), no real
 * compatibility checking (a schema containing "INCOMPATIBLE" is incompatible). Every call is
 * recorded so tests can assert what the HTTP layer passed down.
 */
import type { Level } from '@dynamic-capital/contracts-compat';
import {
  ERROR,
  RegistryError,
  type Mode,
  type RegistryService,
  type SchemaRecord,
  type SchemaRequest,
  type SchemaType,
  type SubjectVersion,
  type VersionSelector,
} from '../../src/service/types';

interface StoredVersion {
  version: number;
  id: number;
  deleted: boolean;
}

export interface Call {
  method: string;
  args: unknown[];
}

export class FakeRegistryService implements RegistryService {
  readonly calls: Call[] = [];
  /** Set to make every call throw this (e.g. a plain Error to test the 500 path). */
  failWith: unknown = undefined;
  private readonly schemas: SchemaRecord[] = [];
  private readonly subjects = new Map<string, StoredVersion[]>();
  private globalLevel: Level = 'BACKWARD';
  private globalMode: Mode = 'READWRITE';
  private readonly levels = new Map<string, Level>();
  private readonly modes = new Map<string, Mode>();

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failWith !== undefined) throw this.failWith;
  }

  lastCall(method: string): unknown[] | undefined {
    return this.calls.filter((c) => c.method === method).at(-1)?.args;
  }

  private schemaType(request: SchemaRequest): SchemaType {
    const type = request.schemaType ?? 'AVRO';
    if (type === 'AVRO' || type === 'JSON') return type;
    throw new RegistryError(ERROR.INVALID_SCHEMA, `Invalid schema type ${type}`);
  }

  private findOrCreateSchema(request: SchemaRequest): SchemaRecord {
    const schemaType = this.schemaType(request);
    try {
      JSON.parse(request.schema);
    } catch {
      throw new RegistryError(ERROR.INVALID_SCHEMA, 'Invalid schema: not JSON');
    }
    const references = request.references ?? [];
    const existing = this.schemas.find(
      (s) => s.schema === request.schema && s.schemaType === schemaType && JSON.stringify(s.references) === JSON.stringify(references),
    );
    if (existing !== undefined) return existing;
    const created: SchemaRecord = { id: this.schemas.length + 1, schema: request.schema, schemaType, references };
    this.schemas.push(created);
    return created;
  }

  private versionsOf(subject: string, deleted = false): StoredVersion[] {
    const versions = this.subjects.get(subject)?.filter((v) => deleted || !v.deleted) ?? [];
    if (versions.length === 0) throw new RegistryError(ERROR.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`);
    return versions;
  }

  private select(subject: string, version: VersionSelector, deleted = false): StoredVersion {
    const versions = this.versionsOf(subject, deleted);
    const found = version === 'latest' ? versions.at(-1) : versions.find((v) => v.version === version);
    if (found === undefined) throw new RegistryError(ERROR.VERSION_NOT_FOUND, `Version ${version} not found.`);
    return found;
  }

  private toSubjectVersion(subject: string, v: StoredVersion): SubjectVersion {
    const s = this.schemas[v.id - 1];
    if (s === undefined) throw new Error('corrupt fake');
    return { ...s, subject, version: v.version };
  }

  async listSubjects(options?: { deleted?: boolean; subjectPrefix?: string }): Promise<string[]> {
    this.record('listSubjects', [options]);
    return [...this.subjects.entries()]
      .filter(([name, versions]) => versions.some((v) => options?.deleted === true || !v.deleted) && name.startsWith(options?.subjectPrefix ?? ''))
      .map(([name]) => name)
      .sort();
  }

  async register(subject: string, request: SchemaRequest, options?: { normalize?: boolean }): Promise<{ id: number; version: number }> {
    this.record('register', [subject, request, options]);
    if ((this.modes.get(subject) ?? this.globalMode).startsWith('READONLY'))
      throw new RegistryError(ERROR.OPERATION_NOT_PERMITTED, 'Subject is in read-only mode');
    if (request.schema.includes('INCOMPATIBLE'))
      throw new RegistryError(ERROR.INCOMPATIBLE_SCHEMA, 'Schema being registered is incompatible with an earlier schema');
    const schema = this.findOrCreateSchema(request);
    const versions = this.subjects.get(subject) ?? [];
    const same = versions.find((v) => !v.deleted && v.id === schema.id);
    if (same !== undefined) return { id: schema.id, version: same.version };
    const version = (versions.at(-1)?.version ?? 0) + 1;
    versions.push({ version, id: schema.id, deleted: false });
    this.subjects.set(subject, versions);
    return { id: schema.id, version };
  }

  async lookup(subject: string, request: SchemaRequest, options?: { normalize?: boolean; deleted?: boolean }): Promise<SubjectVersion> {
    this.record('lookup', [subject, request, options]);
    const versions = this.versionsOf(subject, options?.deleted === true);
    const match = versions.find((v) => this.schemas[v.id - 1]?.schema === request.schema);
    if (match === undefined) throw new RegistryError(ERROR.SCHEMA_NOT_FOUND, 'Schema not found');
    return this.toSubjectVersion(subject, match);
  }

  async listVersions(subject: string, options?: { deleted?: boolean }): Promise<number[]> {
    this.record('listVersions', [subject, options]);
    return this.versionsOf(subject, options?.deleted === true).map((v) => v.version);
  }

  async getVersion(subject: string, version: VersionSelector, options?: { deleted?: boolean }): Promise<SubjectVersion> {
    this.record('getVersion', [subject, version, options]);
    return this.toSubjectVersion(subject, this.select(subject, version, options?.deleted === true));
  }

  async deleteVersion(subject: string, version: VersionSelector, options?: { permanent?: boolean }): Promise<number> {
    this.record('deleteVersion', [subject, version, options]);
    const found = this.select(subject, version, options?.permanent === true);
    if (options?.permanent === true) {
      if (!found.deleted)
        throw new RegistryError(
          ERROR.SCHEMA_VERSION_NOT_SOFT_DELETED,
          `Subject '${subject}' Version ${found.version} was not deleted first before being permanently deleted`,
        );
      const versions = this.subjects.get(subject) ?? [];
      versions.splice(versions.indexOf(found), 1);
      if (versions.length === 0) this.subjects.delete(subject);
    } else {
      found.deleted = true;
    }
    return found.version;
  }

  async deleteSubject(subject: string, options?: { permanent?: boolean }): Promise<number[]> {
    this.record('deleteSubject', [subject, options]);
    const all = this.subjects.get(subject);
    if (all === undefined) throw new RegistryError(ERROR.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`);
    if (options?.permanent === true) {
      if (all.some((v) => !v.deleted))
        throw new RegistryError(ERROR.SUBJECT_NOT_SOFT_DELETED, `Subject '${subject}' was not deleted first before being permanently deleted`);
      this.subjects.delete(subject);
      return all.map((v) => v.version);
    }
    const live = all.filter((v) => !v.deleted);
    if (live.length === 0) throw new RegistryError(ERROR.SUBJECT_SOFT_DELETED, `Subject '${subject}' was soft deleted.`);
    for (const v of live) v.deleted = true;
    return live.map((v) => v.version);
  }

  async referencedBy(subject: string, version: VersionSelector): Promise<number[]> {
    this.record('referencedBy', [subject, version]);
    const v = this.select(subject, version);
    return this.schemas.filter((s) => s.references.some((r) => r.subject === subject && r.version === v.version)).map((s) => s.id);
  }

  async getSchemaById(id: number, options?: { subject?: string }): Promise<SchemaRecord> {
    this.record('getSchemaById', [id, options]);
    const s = this.schemas[id - 1];
    if (s === undefined) throw new RegistryError(ERROR.SCHEMA_NOT_FOUND, `Schema ${id} not found`);
    return s;
  }

  async subjectsForId(id: number, options?: { deleted?: boolean }): Promise<string[]> {
    this.record('subjectsForId', [id, options]);
    return (await this.versionsForId(id, options)).map((v) => v.subject).filter((s, i, all) => all.indexOf(s) === i);
  }

  async versionsForId(id: number, options?: { deleted?: boolean }): Promise<{ subject: string; version: number }[]> {
    this.record('versionsForId', [id, options]);
    if (this.schemas[id - 1] === undefined) throw new RegistryError(ERROR.SCHEMA_NOT_FOUND, `Schema ${id} not found`);
    const out: { subject: string; version: number }[] = [];
    for (const [subject, versions] of this.subjects) {
      for (const v of versions) if (v.id === id && (options?.deleted === true || !v.deleted)) out.push({ subject, version: v.version });
    }
    return out;
  }

  schemaTypes(): SchemaType[] {
    this.record('schemaTypes', []);
    return ['JSON', 'AVRO'];
  }

  async testCompatibility(
    subject: string,
    version: VersionSelector | undefined,
    request: SchemaRequest,
    options?: { verbose?: boolean; normalize?: boolean },
  ): Promise<{ is_compatible: boolean; messages?: string[] }> {
    this.record('testCompatibility', [subject, version, request, options]);
    this.schemaType(request);
    if (version !== undefined) this.select(subject, version);
    const ok = !request.schema.includes('INCOMPATIBLE');
    return { is_compatible: ok, messages: ok ? [] : ['READER_FIELD_MISSING_DEFAULT_VALUE at /fields/0'] };
  }

  async getConfig(subject?: string, options?: { defaultToGlobal?: boolean }): Promise<{ compatibilityLevel: Level }> {
    this.record('getConfig', [subject, options]);
    if (subject === undefined) return { compatibilityLevel: this.globalLevel };
    const level = this.levels.get(subject) ?? (options?.defaultToGlobal === true ? this.globalLevel : undefined);
    if (level === undefined)
      throw new RegistryError(ERROR.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level compatibility configured`);
    return { compatibilityLevel: level };
  }

  async setConfig(subject: string | undefined, level: string): Promise<{ compatibility: Level }> {
    this.record('setConfig', [subject, level]);
    const valid = level as Level;
    if (subject === undefined) this.globalLevel = valid;
    else this.levels.set(subject, valid);
    return { compatibility: valid };
  }

  async deleteConfig(subject: string | undefined): Promise<{ compatibilityLevel: Level }> {
    this.record('deleteConfig', [subject]);
    if (subject === undefined) {
      this.globalLevel = 'BACKWARD';
      return { compatibilityLevel: 'BACKWARD' };
    }
    const level = this.levels.get(subject);
    if (level === undefined) throw new RegistryError(ERROR.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`);
    this.levels.delete(subject);
    return { compatibilityLevel: level };
  }

  async getMode(subject?: string, options?: { defaultToGlobal?: boolean }): Promise<{ mode: Mode }> {
    this.record('getMode', [subject, options]);
    if (subject === undefined) return { mode: this.globalMode };
    const mode = this.modes.get(subject) ?? (options?.defaultToGlobal === true ? this.globalMode : undefined);
    if (mode === undefined)
      throw new RegistryError(ERROR.SUBJECT_LEVEL_MODE_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level mode configured`);
    return { mode };
  }

  async setMode(subject: string | undefined, mode: string, options?: { force?: boolean }): Promise<{ mode: Mode }> {
    this.record('setMode', [subject, mode, options]);
    const valid = mode as Mode;
    if (valid === 'IMPORT' && options?.force !== true && this.subjects.size > 0) {
      throw new RegistryError(ERROR.OPERATION_NOT_PERMITTED, 'Cannot import since found existing subjects');
    }
    if (subject === undefined) this.globalMode = valid;
    else this.modes.set(subject, valid);
    return { mode: valid };
  }

  async deleteMode(subject: string): Promise<{ mode: Mode }> {
    this.record('deleteMode', [subject]);
    const mode = this.modes.get(subject);
    if (mode === undefined) throw new RegistryError(ERROR.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`);
    this.modes.delete(subject);
    return { mode };
  }

  async close(): Promise<void> {
    this.record('close', []);
  }
}
