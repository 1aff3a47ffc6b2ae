/**
 * Avro schema -> TypeScript declarations. Our own mapper (no library): the shapes are the values
 * the runtime's Avro serde reads and writes.
 *
 * | Avro                                                  | TypeScript                                   |
 * | ----------------------------------------------------- | -------------------------------------------- |
 * | record (also nested, also from `references`)          | `export interface <Name>` (PascalCase name)  |
 * | enum                                                  | `export type <Name> = 'A' \| 'B'`            |
 * | fixed                                                 | `export type <Name> = Buffer`                |
 * | `["null", T]`                                         | `T \| null`                                  |
 * | other unions                                          | `A \| B` (unwrapped values, `null` last)      |
 * | array                                                 | `T[]` (`readonly T[]` with `readonlyArrays`) |
 * | map                                                   | `{ [key: string]: T }`                       |
 * | bytes                                                 | `Buffer`                                     |
 * | int, long, float, double                              | `number` (long beyond 2^53 loses precision)  |
 * | decimal (bytes or fixed)                              | `string` (the exact decimal, e.g. `"1.50"`)  |
 * | uuid                                                  | `string`                                     |
 * | timestamp-millis/-micros/-nanos, local-timestamp-*    | `number` (epoch milliseconds)                |
 * | date                                                  | `number` (days since the epoch)              |
 * | time-millis, time-micros                              | `number`                                     |
 *
 * Fields with a default stay required properties: a reader always sees the field (Avro schema
 * resolution fills the default in), and the types describe decoded messages. Docs become TSDoc,
 * defaults a `@defaultValue` tag. Output is deterministic: the schema's own named types in
 * definition order, then referenced named types in order of first use.
 */
import { propertyKey, stringLiteral, tsDoc, typeIdentifier } from './ts-text';

export interface AvroToTypeScriptOptions {
  /** Emit arrays as `readonly T[]` (default false: `T[]`, easier to build messages with). */
  readonly readonlyArrays?: boolean;
  /** Name of the exported alias when the top-level schema is not a named type (default `Root`). */
  readonly rootName?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const PRIMITIVES: Readonly<Record<string, string>> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

/** Logical types and the underlying types they apply to (others are ignored, per the spec). */
const LOGICAL_TYPES: Readonly<Record<string, { readonly on: readonly string[]; readonly ts: string }>> = {
  decimal: { on: ['bytes', 'fixed'], ts: 'string' },
  uuid: { on: ['string', 'fixed'], ts: 'string' },
  date: { on: ['int'], ts: 'number' },
  'time-millis': { on: ['int'], ts: 'number' },
  'time-micros': { on: ['long'], ts: 'number' },
  'timestamp-millis': { on: ['long'], ts: 'number' },
  'timestamp-micros': { on: ['long'], ts: 'number' },
  'timestamp-nanos': { on: ['long'], ts: 'number' },
  'local-timestamp-millis': { on: ['long'], ts: 'number' },
  'local-timestamp-micros': { on: ['long'], ts: 'number' },
  'local-timestamp-nanos': { on: ['long'], ts: 'number' },
};

const NAMED_KINDS = new Set(['record', 'error', 'enum', 'fixed']);

interface NamedType {
  readonly fullName: string;
  readonly namespace: string;
  readonly schema: JsonObject;
  /** Which input defines it: '' for the main schema, else the references key. */
  readonly source: string;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new Error(`avroToTypeScript: ${message}`);
}

function fullNameOf(schema: JsonObject, enclosing: string): { fullName: string; namespace: string } {
  const name = schema['name'];
  if (typeof name !== 'string' || name === '') fail(`a ${String(schema['type'])} has no name`);
  if (name.includes('.')) return { fullName: name, namespace: name.slice(0, name.lastIndexOf('.')) };
  const ns = typeof schema['namespace'] === 'string' ? schema['namespace'] : enclosing;
  return { fullName: ns ? `${ns}.${name}` : name, namespace: ns };
}

/** Every named type `schema` defines, in definition (pre-)order. */
function collectNamed(schema: unknown, enclosing: string, source: string, out: NamedType[]): void {
  if (Array.isArray(schema)) {
    for (const branch of schema) collectNamed(branch, enclosing, source, out);
    return;
  }
  if (!isObject(schema)) return;
  const type = schema['type'];
  if (typeof type === 'string' && NAMED_KINDS.has(type)) {
    const { fullName, namespace } = fullNameOf(schema, enclosing);
    out.push({ fullName, namespace, schema, source });
    if (type === 'record' || type === 'error') {
      const fields = schema['fields'];
      if (!Array.isArray(fields)) fail(`record ${fullName} has no fields array`);
      for (const field of fields) if (isObject(field)) collectNamed(field['type'], namespace, source, out);
    }
    return;
  }
  if (type === 'array') collectNamed(schema['items'], enclosing, source, out);
  else if (type === 'map') collectNamed(schema['values'], enclosing, source, out);
  else if (typeof type === 'object') collectNamed(type, enclosing, source, out);
}

/** Map every full name to a unique TypeScript identifier: the short name, qualified where two share it. */
function assignNames(named: readonly NamedType[]): Map<string, string> {
  const short = (n: NamedType): string => typeIdentifier(n.fullName.slice(n.fullName.lastIndexOf('.') + 1));
  const count = new Map<string, number>();
  for (const n of named) count.set(short(n), (count.get(short(n)) ?? 0) + 1);
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const n of named) {
    let name = (count.get(short(n)) ?? 0) > 1 ? typeIdentifier(n.fullName) : short(n);
    for (let i = 2; used.has(name); i++) name = `${typeIdentifier(n.fullName)}${i}`;
    used.add(name);
    names.set(n.fullName, name);
  }
  return names;
}

/** TypeScript declarations for an Avro schema and the named types it uses from `references`. */
export function avroToTypeScript(schema: unknown, references: ReadonlyMap<string, unknown> = new Map(), options: AvroToTypeScriptOptions = {}): string {
  const named: NamedType[] = [];
  collectNamed(schema, '', '', named);
  for (const [key, ref] of references) collectNamed(ref, '', key, named);

  const byName = new Map<string, NamedType>();
  for (const n of named) {
    const earlier = byName.get(n.fullName);
    if (earlier && earlier.source === n.source) fail(`${n.fullName} is defined twice`);
    // A name defined by the main schema wins over a reference; among references the first (sorted) wins.
    if (!earlier) byName.set(n.fullName, n);
  }
  const unique = [...byName.values()];
  const names = assignNames(unique);

  /** Sources (references keys) to emit after the main schema, in order of first use. */
  const pendingSources: string[] = [];
  const resolve = (ref: string, enclosing: string): NamedType => {
    const candidates = ref.includes('.') ? [ref] : enclosing ? [`${enclosing}.${ref}`, ref] : [ref];
    for (const c of candidates) {
      const found = byName.get(c);
      if (found) {
        if (found.source !== '' && !pendingSources.includes(found.source)) pendingSources.push(found.source);
        return found;
      }
    }
    return fail(`unknown type ${ref}${enclosing ? ` (in namespace ${enclosing})` : ''}`);
  };

  const arrayOf = (item: string): string => {
    const inner = /[|&\s]/.test(item) && !item.startsWith('{') ? `(${item})` : item;
    return options.readonlyArrays ? `readonly ${inner}[]` : `${inner}[]`;
  };

  const tsType = (t: unknown, enclosing: string): string => {
    if (typeof t === 'string') {
      const primitive = PRIMITIVES[t];
      if (primitive) return primitive;
      return names.get(resolve(t, enclosing).fullName) ?? fail(`no name for ${t}`);
    }
    if (Array.isArray(t)) {
      const branches = t.map((b) => tsType(b, enclosing));
      const nonNull = [...new Set(branches.filter((b) => b !== 'null'))];
      if (nonNull.length === 0) return 'null';
      return [...nonNull, ...(branches.includes('null') ? ['null'] : [])].join(' | ');
    }
    if (!isObject(t)) return fail(`not a schema: ${JSON.stringify(t)}`);
    const type = t['type'];
    const logical = typeof t['logicalType'] === 'string' ? LOGICAL_TYPES[t['logicalType']] : undefined;
    if (logical && typeof type === 'string' && logical.on.includes(type) && type !== 'fixed') return logical.ts;
    if (typeof type === 'string' && NAMED_KINDS.has(type)) return names.get(fullNameOf(t, enclosing).fullName) ?? fail(`no name for ${String(t['name'])}`);
    if (type === 'array') return arrayOf(tsType(t['items'], enclosing));
    if (type === 'map') return `{ [key: string]: ${tsType(t['values'], enclosing)} }`;
    return tsType(type, enclosing);
  };

  const declare = (n: NamedType): string => {
    const name = names.get(n.fullName) ?? fail(`no name for ${n.fullName}`);
    const s = n.schema;
    const doc = typeof s['doc'] === 'string' ? s['doc'] : undefined;
    switch (s['type']) {
      case 'enum': {
        const symbols = s['symbols'];
        if (!Array.isArray(symbols) || symbols.some((x) => typeof x !== 'string')) fail(`enum ${n.fullName} has no symbols array`);
        const union = symbols.length ? symbols.map((x) => stringLiteral(String(x))).join(' | ') : 'never';
        return `${tsDoc([doc])}export type ${name} = ${union};\n`;
      }
      case 'fixed': {
        const logical = typeof s['logicalType'] === 'string' ? LOGICAL_TYPES[s['logicalType']] : undefined;
        return `${tsDoc([doc])}export type ${name} = ${logical?.on.includes('fixed') ? logical.ts : 'Buffer'};\n`;
      }
      default: {
        const fields = (s['fields'] as Json[]).filter(isObject);
        const body = fields.map((f) => {
          if (typeof f['name'] !== 'string') fail(`a field of ${n.fullName} has no name`);
          const fieldDoc = typeof f['doc'] === 'string' ? f['doc'] : undefined;
          const defaultTag = 'default' in f ? `@defaultValue \`${JSON.stringify(f['default'])}\`` : undefined;
          return `${tsDoc([fieldDoc, defaultTag], '  ')}  ${propertyKey(f['name'])}: ${tsType(f['type'], n.namespace)};\n`;
        });
        return `${tsDoc([doc])}export interface ${name} {\n${body.join('')}}\n`;
      }
    }
  };

  const declarations: string[] = [];
  const emitSource = (source: string): void => {
    for (const n of unique) if (n.source === source) declarations.push(declare(n));
  };

  const topIsNamed = isObject(schema) && typeof schema['type'] === 'string' && NAMED_KINDS.has(schema['type']);
  if (!topIsNamed) declarations.push(`export type ${typeIdentifier(options.rootName ?? 'Root')} = ${tsType(schema, '')};\n`);
  emitSource('');
  const emitted = new Set<string>();
  const drain = (): void => {
    for (let i = 0; i < pendingSources.length; i++) {
      const source = pendingSources[i] ?? '';
      if (emitted.has(source)) continue;
      emitted.add(source);
      emitSource(source);
    }
  };
  drain();
  // References nothing uses (still part of the input): emitted last, in the map's order.
  for (const key of references.keys()) {
    if (emitted.has(key)) continue;
    if (!pendingSources.includes(key)) pendingSources.push(key);
    drain();
  }
  return declarations.join('\n');
}
