/**
 * Parsing and validation of path parameters, query parameters and request bodies. Everything a
 * client can send that does not fit becomes a RegistryError with a 4xx code, never a TypeError.
 */
import { LEVELS, type Level } from '@dynamic-capital/contracts-compat';
import { ERROR, MODES, RegistryError, type Mode, type SchemaReference, type SchemaRequest, type VersionSelector } from '../service/types';

/** Query strings as fast-querystring yields them (a repeated key gives an array). */
export type Query = Record<string, string | string[] | undefined>;

const MAX_INT32 = 2147483647;
const INTEGER = /^[+-]?\d{1,10}$/;
const NON_NEGATIVE_INTEGER = /^\+?\d{1,10}$/;

/** `latest` (any case), -1 (= latest) or 1..2^31-1, as Confluent's VersionId; anything else is 42202. */
export function parseVersion(raw: string): VersionSelector {
  const text = raw.trim();
  if (text.toLowerCase() === 'latest') return 'latest';
  if (INTEGER.test(text)) {
    const n = Number(text);
    if (n === -1) return 'latest';
    if (n >= 1 && n <= MAX_INT32) return n;
  }
  throw new RegistryError(
    ERROR.INVALID_VERSION,
    `The specified version '${raw}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
}

/** A schema id in the URL; a non-numeric or out-of-range id cannot exist, so it is 40403. */
export function parseSchemaId(raw: string): number {
  if (NON_NEGATIVE_INTEGER.test(raw)) {
    const n = Number(raw);
    if (n <= MAX_INT32) return n;
  }
  throw new RegistryError(ERROR.SCHEMA_NOT_FOUND, `Schema ${raw} not found`);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A boolean flag as JAX-RS reads it: "true" in any case is true, anything else (or absent) false. */
export function flag(query: Query, name: string): boolean {
  const value = first(query[name]);
  return value !== undefined && value.length === 4 && value.toLowerCase() === 'true';
}

export function optionalString(query: Query, name: string): string | undefined {
  return first(query[name]);
}

function invalidSchema(message: string): RegistryError {
  return new RegistryError(ERROR.INVALID_SCHEMA, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalInt(body: Record<string, unknown>, key: 'id' | 'version'): number | undefined {
  const value = body[key];
  // -1 is Confluent's "not set" sentinel for both.
  if (value === undefined || value === null || value === -1) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_INT32) {
    throw invalidSchema(`Invalid request: "${key}" must be a non-negative integer`);
  }
  return value;
}

function reference(value: unknown, index: number): SchemaReference {
  if (!isObject(value)) throw invalidSchema(`Invalid request: references[${index}] must be an object {name, subject, version}`);
  const { name, subject, version } = value;
  if (typeof name !== 'string') throw invalidSchema(`Invalid request: references[${index}].name must be a string`);
  if (typeof subject !== 'string') throw invalidSchema(`Invalid request: references[${index}].subject must be a string`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < -1 || version > MAX_INT32) {
    throw invalidSchema(`Invalid request: references[${index}].version must be an integer`);
  }
  return { name, subject, version };
}

/**
 * The body of register, lookup and compatibility requests: `{schema, schemaType?, references?, id?,
 * version?}`. Unknown fields are ignored (Confluent has more: metadata, ruleSet, ...). A wrong type
 * or a missing schema is 42201, as Confluent answers an unmappable body with 422.
 */
export function parseSchemaRequest(body: unknown): SchemaRequest {
  if (body === undefined || body === null) throw invalidSchema('Invalid request: a JSON body {"schema": "..."} is required');
  if (!isObject(body)) throw invalidSchema('Invalid request: the body must be a JSON object {"schema": "..."}');
  const { schema, schemaType, references } = body;
  if (schema === undefined || schema === null) throw invalidSchema('Empty schema');
  if (typeof schema !== 'string') throw invalidSchema('Invalid request: "schema" must be a string (the schema as JSON text)');
  if (schemaType !== undefined && schemaType !== null && typeof schemaType !== 'string') {
    throw invalidSchema('Invalid request: "schemaType" must be a string');
  }
  let refs: SchemaReference[] | undefined;
  if (references !== undefined && references !== null) {
    if (!Array.isArray(references)) throw invalidSchema('Invalid request: "references" must be an array');
    refs = references.map(reference);
  }
  const request: { -readonly [K in keyof SchemaRequest]: SchemaRequest[K] } = { schema };
  if (typeof schemaType === 'string') request.schemaType = schemaType;
  if (refs !== undefined) request.references = refs;
  const id = optionalInt(body, 'id');
  if (id !== undefined) request.id = id;
  const version = optionalInt(body, 'version');
  if (version !== undefined) request.version = version;
  return request;
}

const LEVEL_SET: ReadonlySet<string> = new Set(LEVELS);
const MODE_SET: ReadonlySet<string> = new Set(MODES);

/** PUT /config body `{compatibility}`; the level is case-insensitive as in Confluent, else 42203. */
export function parseConfigRequest(body: unknown): Level {
  const value = isObject(body) ? body['compatibility'] : undefined;
  const level = typeof value === 'string' ? value.toUpperCase() : undefined;
  if (level === undefined || !LEVEL_SET.has(level)) {
    throw new RegistryError(
      ERROR.INVALID_COMPATIBILITY_LEVEL,
      `Invalid compatibility level. Valid values are ${LEVELS.map((l) => l.toLowerCase()).join(', ')} (body: {"compatibility": "<level>"})`,
    );
  }
  return level as Level;
}

/** PUT /mode body `{mode}`; case-insensitive as in Confluent, else 42204. */
export function parseModeRequest(body: unknown): Mode {
  const value = isObject(body) ? body['mode'] : undefined;
  const mode = typeof value === 'string' ? value.toUpperCase() : undefined;
  if (mode === undefined || !MODE_SET.has(mode)) {
    throw new RegistryError(ERROR.INVALID_MODE, `Invalid mode. Valid values are ${MODES.join(', ')} (body: {"mode": "<mode>"})`);
  }
  return mode as Mode;
}
