/**
 * From a request (or a stored row) to what the registry compares and checks: the parsed document, its references
 * resolved into the compatibility engine's SchemaInput, its identities (canonical and normalized), and its compiled
 * form. Anything wrong with the schema itself is a RegistryError 42201.
 */
import {
  AvroSchemaError,
  SchemaLoadError,
  prepare,
  stableStringify,
  type PreparedSchema,
  type SchemaFormat,
  type SchemaInput,
} from '@dynamic-capital/contracts-compat';
import type { Queryable } from '../store/types';
import { canonicalText, normalizedText, sha256 } from './forms';
import { latestRow, parseRefs, versionRow } from './sql';
import { ERROR, RegistryError, type SchemaReference, type SchemaType } from './types';

export function invalidSchema(message: string): RegistryError {
  return new RegistryError(ERROR.INVALID_SCHEMA, message);
}

/** The request's schemaType: absent means AVRO (as in Confluent); PROTOBUF and unknown types are 42201. */
export function schemaTypeOf(raw: string | undefined): SchemaType {
  if (raw === undefined || raw === '') return 'AVRO';
  const type = raw.toUpperCase();
  if (type === 'AVRO' || type === 'JSON') return type;
  if (type === 'PROTOBUF') throw invalidSchema('PROTOBUF is not supported by this registry');
  throw invalidSchema(`Invalid schema type ${raw}`);
}

export function formatOf(type: SchemaType): SchemaFormat {
  return type === 'AVRO' ? 'avro' : 'json';
}

export interface ParsedSchema {
  readonly type: SchemaType;
  /** The text as given (stored as is, unless registered with normalize). */
  readonly text: string;
  readonly json: unknown;
  /** Direct references, with `-1` (latest) resolved to the version it named. */
  readonly refs: readonly SchemaReference[];
  /** `refs` as JSON, for the jsonb identity column. */
  readonly refsJson: string;
  /** Every schema reachable through references, keyed by reference name, for the compatibility engine. */
  readonly input: SchemaInput;
  readonly canonical: string;
  readonly canonicalHash: string;
  readonly normalized: string;
  /** Hash of the normalized text and the references sorted (Confluent's normalize sorts them). */
  readonly normalizedHash: string;
}

function parseJson(text: string, type: SchemaType): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidSchema(`Invalid schema of type ${type}, details: the schema is not valid JSON (${(error as Error).message})`);
  }
}

function referenceLabel(ref: SchemaReference): string {
  return `{name=${ref.name}, subject=${ref.subject}, version=${ref.version}}`;
}

/**
 * Resolves references (recursively: a referenced schema's own references too) into a map keyed by reference name:
 * an Avro full name or a JSON Schema document URL. A reference may name a soft-deleted version (as in Confluent);
 * version -1 names the subject's latest version.
 */
export async function resolveReferences(
  q: Queryable,
  refs: readonly SchemaReference[],
): Promise<{ refs: SchemaReference[]; references: Map<string, unknown> }> {
  const resolved: SchemaReference[] = [];
  const references = new Map<string, unknown>();
  const names = new Set<string>();
  const visited = new Set<string>();
  const visit = async (ref: SchemaReference, top: boolean): Promise<void> => {
    if (typeof ref.name !== 'string' || ref.name === '') throw invalidSchema(`Invalid schema: reference ${referenceLabel(ref)} has no name`);
    if (top) {
      if (names.has(ref.name)) throw invalidSchema(`Invalid schema: two references are named ${ref.name}`);
      names.add(ref.name);
    }
    const row =
      ref.version === -1
        ? await latestRow(q, ref.subject)
        : Number.isInteger(ref.version) && ref.version > 0
          ? await versionRow(q, ref.subject, ref.version)
          : undefined;
    if (row === undefined) throw invalidSchema(`Invalid schema: reference ${referenceLabel(ref)} not found`);
    const concrete = { name: ref.name, subject: ref.subject, version: row.version };
    if (top) resolved.push(concrete);
    if (!references.has(ref.name)) references.set(ref.name, JSON.parse(row.schema));
    const key = `${row.subject}\u0000${row.version}`;
    if (visited.has(key)) return;
    visited.add(key);
    for (const nested of parseRefs(row.refs)) await visit(nested, false);
  };
  for (const ref of refs) await visit(ref, true);
  return { refs: resolved, references };
}

export async function parseSchema(q: Queryable, type: SchemaType, text: string, refs: readonly SchemaReference[]): Promise<ParsedSchema> {
  const json = parseJson(text, type);
  const { refs: concrete, references } = await resolveReferences(q, refs);
  const canonical = canonicalText(json);
  const normalized = normalizedText(type, json, references.values());
  const sortedRefs = [...concrete].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version,
  );
  return {
    type,
    text,
    json,
    refs: concrete,
    refsJson: JSON.stringify(concrete),
    input: references.size > 0 ? { schema: json, references } : { schema: json },
    canonical,
    canonicalHash: sha256(canonical),
    normalized,
    normalizedHash: sha256(`${normalized}\u0000${stableStringify(sortedRefs)}`),
  };
}

/**
 * Compiles a schema for compatibility checks. `candidate` validates Avro field defaults, as Confluent does for a
 * schema being registered; `history` does not (schemas already accepted, lookups, imports). Throws 42201.
 */
export function compile(parsed: Pick<ParsedSchema, 'type' | 'input'>, role: 'candidate' | 'history'): PreparedSchema {
  try {
    const prepared = prepare(formatOf(parsed.type), parsed.input, role);
    if (prepared.format === 'json') prepared.compiled.root(); // a JSON Schema that fails to load throws here
    return prepared;
  } catch (error) {
    if (error instanceof AvroSchemaError || error instanceof SchemaLoadError) {
      const where = error instanceof AvroSchemaError && error.pointer !== '' ? ` at ${error.pointer}` : '';
      const inRef = error instanceof AvroSchemaError && error.reference !== undefined ? ` (in reference ${error.reference})` : '';
      throw invalidSchema(`Invalid schema of type ${parsed.type}, details: ${error.message}${where}${inRef}`);
    }
    throw error;
  }
}
