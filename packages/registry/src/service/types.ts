/**
 * The registry's domain surface: what the HTTP layer calls, independent of storage and transport.
 * Semantics are Confluent Schema Registry's (REST API reference); errors carry Confluent's codes.
 */
import type { Level } from '@dynamic-capital/contracts-compat';

export type SchemaType = 'AVRO' | 'JSON';
export const SCHEMA_TYPES: readonly SchemaType[] = ['AVRO', 'JSON'];
export type Mode = 'READWRITE' | 'READONLY' | 'READONLY_OVERRIDE' | 'IMPORT';
export const MODES: readonly Mode[] = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'];

/** A reference to another registered schema (Confluent: name as used in the schema, subject, version). */
export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** The body of POST /subjects/{s}/versions, POST /subjects/{s}, POST /compatibility/... */
export interface SchemaRequest {
  readonly schema: string;
  /** Absent means AVRO, as in Confluent. PROTOBUF is answered with 42201 "not supported". */
  readonly schemaType?: string;
  readonly references?: readonly SchemaReference[];
  /** IMPORT mode only: the id and version to register under. */
  readonly id?: number;
  readonly version?: number;
}

export interface SchemaRecord {
  readonly id: number;
  readonly schema: string;
  readonly schemaType: SchemaType;
  readonly references: readonly SchemaReference[];
}

export interface SubjectVersion extends SchemaRecord {
  readonly subject: string;
  readonly version: number;
}

/** `latest` (also -1 in the URL) or a positive version number. */
export type VersionSelector = number | 'latest';

export interface RegistryService {
  listSubjects(options?: { deleted?: boolean; subjectPrefix?: string }): Promise<string[]>;
  /** Register (or find) a schema under a subject. Idempotent: an existing equal schema returns its id without a new version. */
  register(subject: string, request: SchemaRequest, options?: { normalize?: boolean }): Promise<{ id: number; version: number }>;
  /** POST /subjects/{s}: the version of this subject holding an equal schema. */
  lookup(subject: string, request: SchemaRequest, options?: { normalize?: boolean; deleted?: boolean }): Promise<SubjectVersion>;
  listVersions(subject: string, options?: { deleted?: boolean }): Promise<number[]>;
  getVersion(subject: string, version: VersionSelector, options?: { deleted?: boolean }): Promise<SubjectVersion>;
  /** Soft delete, or hard delete (permanent) of an already soft-deleted version. Returns the version. */
  deleteVersion(subject: string, version: VersionSelector, options?: { permanent?: boolean }): Promise<number>;
  /** Returns the versions deleted. */
  deleteSubject(subject: string, options?: { permanent?: boolean }): Promise<number[]>;
  /** Ids of schemas that reference this subject version. */
  referencedBy(subject: string, version: VersionSelector): Promise<number[]>;
  getSchemaById(id: number, options?: { subject?: string }): Promise<SchemaRecord>;
  subjectsForId(id: number, options?: { deleted?: boolean }): Promise<string[]>;
  versionsForId(id: number, options?: { deleted?: boolean }): Promise<{ subject: string; version: number }[]>;
  schemaTypes(): SchemaType[];
  /** Without a version: against the versions the subject's level requires (all for transitive levels). */
  testCompatibility(
    subject: string,
    version: VersionSelector | undefined,
    request: SchemaRequest,
    options?: { verbose?: boolean; normalize?: boolean },
  ): Promise<{ is_compatible: boolean; messages?: string[] }>;
  getConfig(subject?: string, options?: { defaultToGlobal?: boolean }): Promise<{ compatibilityLevel: Level }>;
  setConfig(subject: string | undefined, level: string): Promise<{ compatibility: Level }>;
  /** Returns the level that was set (subject) or resets the global level to the default (BACKWARD). */
  deleteConfig(subject: string | undefined): Promise<{ compatibilityLevel: Level }>;
  getMode(subject?: string, options?: { defaultToGlobal?: boolean }): Promise<{ mode: Mode }>;
  setMode(subject: string | undefined, mode: string, options?: { force?: boolean }): Promise<{ mode: Mode }>;
  deleteMode(subject: string): Promise<{ mode: Mode }>;
  close(): Promise<void>;
}

/** Confluent's error codes (error_code in the JSON body; HTTP status = first three digits). */
export const ERROR = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  SCHEMA_VERSION_SOFT_DELETED: 40406,
  SCHEMA_VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED: 40408,
  SUBJECT_LEVEL_MODE_NOT_CONFIGURED: 40409,
  INCOMPATIBLE_SCHEMA: 40901,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  INVALID_MODE: 42204,
  OPERATION_NOT_PERMITTED: 42205,
  REFERENCE_EXISTS: 42206,
  ID_DOES_NOT_MATCH: 42207,
  INVALID_SUBJECT: 42208,
  STORE_ERROR: 50001,
  OPERATION_TIMEOUT: 50002,
  UNAUTHORIZED: 40101,
  FORBIDDEN: 40301,
  BAD_REQUEST: 40001,
  BODY_TOO_LARGE: 41301,
} as const;

/** An error the API answers with `{error_code, message}` and the HTTP status derived from the code. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return Math.floor(this.errorCode / 100);
  }
}
