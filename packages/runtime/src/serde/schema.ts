/**
 * Compiling a contract's schema once: an avsc type (Avro) or an ajv validator (JSON Schema),
 * each with a validator that reports every failing path.
 */
import * as avro from 'avsc';
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type ValidationIssue } from '../errors';
import { DecimalType } from './decimal';

export type SchemaFormat = 'AVRO' | 'JSON';

/**
 * A schema as the registry holds it: the schema document plus every schema it references, by the
 * name the reference is made with (Avro full name, JSON Schema `$id`) — what `referencedSchemas`
 * of @dynamic-capital/contracts-model returns.
 */
export interface ContractSchema {
  readonly format: SchemaFormat;
  readonly schema: unknown;
  readonly references: ReadonlyMap<string, unknown>;
}

/** avsc options every Avro type of the runtime is built with. */
export const AVRO_LOGICAL_TYPES = { decimal: DecimalType } as const;

/** JSON Pointer of a path of keys. */
export function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

// ---------------------------------------------------------------------------------------------
// Avro

/** Names (string values) anywhere in an Avro schema that are keys of `names`, except `self`. */
function avroNamesUsed(schema: unknown, names: ReadonlySet<string>, self: string, out: Set<string>): void {
  if (typeof schema === 'string') {
    if (names.has(schema) && schema !== self) out.add(schema);
  } else if (Array.isArray(schema)) {
    for (const s of schema) avroNamesUsed(s, names, self, out);
  } else if (schema !== null && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) if (k !== 'doc' && k !== 'default' && k !== 'symbols' && k !== 'aliases') avroNamesUsed(v, names, self, out);
  }
}

/**
 * Referenced Avro schemas in dependency order (a schema after the ones it uses), each with the
 * names of the other references it uses directly. Throws on a cycle.
 */
export function avroReferenceOrder(references: ReadonlyMap<string, unknown>): { name: string; schema: unknown; uses: string[] }[] {
  const names = new Set(references.keys());
  const out: { name: string; schema: unknown; uses: string[] }[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`Avro references form a cycle through ${name}`);
    state.set(name, 'visiting');
    const schema = references.get(name);
    const uses = new Set<string>();
    avroNamesUsed(schema, names, name, uses);
    const sorted = [...uses].sort();
    for (const u of sorted) visit(u);
    state.set(name, 'done');
    out.push({ name, schema, uses: sorted });
  };
  for (const name of [...names].sort()) visit(name);
  return out;
}

/** The avsc type of a schema with its references (decimal as exact strings, timestamps as epoch-ms numbers). */
export function buildAvroType(schema: unknown, references: ReadonlyMap<string, unknown> = new Map()): avro.Type {
  const registry: Record<string, avro.Type> = {};
  const opts = { registry, logicalTypes: AVRO_LOGICAL_TYPES, wrapUnions: 'auto' as const };
  for (const ref of avroReferenceOrder(references)) avro.Type.forSchema(ref.schema as avro.Schema, opts);
  return avro.Type.forSchema(schema as avro.Schema, opts);
}

function describeAvroType(type: avro.Type): string {
  if (type instanceof DecimalType) return `decimal(${type.precision},${type.scale}) as a string`;
  if (type instanceof avro.types.LogicalType) return describeAvroType(type.underlyingType);
  if (type instanceof avro.types.EnumType) {
    const symbols = type.symbols;
    return `${type.name ?? 'enum'} (one of ${symbols.slice(0, 8).join(', ')}${symbols.length > 8 ? ', ...' : ''})`;
  }
  const branches = (type as { types?: unknown }).types;
  if (String(type.typeName).startsWith('union') && Array.isArray(branches)) return (branches as avro.Type[]).map(describeAvroType).join(' | ');
  const named = type.name;
  return named ? `${String(type.typeName)} ${named}` : String(type.typeName);
}

function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}

/**
 * Every failing path of `value` against an avsc type. Two passes: every field's own problems,
 * then fields a record does not declare (avsc stops descending into a record that has some, so
 * an undeclared field nested inside a record that has undeclared fields itself shows up once the
 * outer one is fixed).
 */
export function avroIssues(type: avro.Type, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  type.isValid(value, {
    errorHook: (path: string[], any: unknown, t: avro.Type) => {
      const message = any === undefined ? `required, expected ${describeAvroType(t)}` : `expected ${describeAvroType(t)}, got ${preview(any)}`;
      issues.push({ path: pointer(path), message });
    },
  });
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path: string[], any: unknown, t: avro.Type) => {
      if (!(t instanceof avro.types.RecordType) || any === null || typeof any !== 'object' || Array.isArray(any)) return;
      const declared = new Set(t.fields.map((f) => f.name));
      for (const k of Object.keys(any)) {
        if (!declared.has(k) && (any as Record<string, unknown>)[k] !== undefined) {
          issues.push({ path: pointer([...path, k]), message: `not a field of record ${String(t.name)}` });
        }
      }
    },
  });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// JSON Schema

export type JsonDialect = 'draft-07' | '2020-12';

export function jsonDialect(schema: unknown): JsonDialect {
  const declared = schema !== null && typeof schema === 'object' ? (schema as Record<string, unknown>)['$schema'] : undefined;
  if (typeof declared === 'string') {
    if (/draft-07\/schema#?$/.test(declared)) return 'draft-07';
    if (/draft\/2020-12\/schema$/.test(declared)) return '2020-12';
    throw new Error(`unsupported JSON Schema dialect ${declared}: expected draft-07 or 2020-12`);
  }
  return '2020-12';
}

export interface JsonValidator {
  (value: unknown): ValidationIssue[];
}

function jsonIssue(e: ErrorObject): ValidationIssue {
  const params = e.params as Record<string, unknown>;
  let path = e.instancePath;
  if (e.keyword === 'required' && typeof params['missingProperty'] === 'string') path += pointer([params['missingProperty']]);
  if (e.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') path += pointer([params['additionalProperty']]);
  return { path, message: e.message ?? e.keyword };
}

/**
 * An ajv validator compiled once (allErrors: every failing path is reported). The references are
 * added under their `$id` (or the name they are referenced by when they have none). Meta-schema
 * validation is off: `contracts validate` has already checked the files.
 */
export function compileJsonValidator(schema: unknown, references: ReadonlyMap<string, unknown> = new Map()): JsonValidator {
  const options = { allErrors: true, strict: false, validateSchema: false, addUsedSchema: false } as const;
  const ajv = jsonDialect(schema) === 'draft-07' ? new Ajv(options) : new Ajv2020(options);
  addFormats(ajv);
  for (const [name, ref] of references) {
    const id = ref !== null && typeof ref === 'object' ? (ref as Record<string, unknown>)['$id'] : undefined;
    ajv.addSchema(ref as AnySchema, typeof id === 'string' ? undefined : name);
  }
  const validate: ValidateFunction = ajv.compile(schema as AnySchema);
  const seen = new Set<string>();
  return (value) => {
    if (validate(value)) return [];
    seen.clear();
    const issues: ValidationIssue[] = [];
    for (const e of validate.errors ?? []) {
      const issue = jsonIssue(e);
      const key = `${issue.path}\u0000${issue.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        issues.push(issue);
      }
    }
    return issues;
  };
}
