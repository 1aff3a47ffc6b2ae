/**
 * The textual identities of a schema.
 *
 * - canonical: the schema's JSON with sorted keys and no whitespace. Two registrations are "the same schema" when
 *   their type, canonical text and references are equal, so whitespace and key order never make a new schema
 *   (Confluent compares its own re-serialization, which ignores both as well).
 * - normalized (`?normalize=true`): additionally the same however it is written. For Avro this is Confluent's
 *   normalization: the Parsing Canonical Form's rules for names (full names, no `namespace`, named types spelled out
 *   once and referenced by full name after) and attribute order, but keeping what PCF drops and a registry must not:
 *   docs, defaults, aliases (sorted), field order, logical types and other properties (sorted). A type defined in a
 *   reference is written by name. For JSON Schema it is the canonical text.
 */
import { createHash } from 'node:crypto';
import { stableStringify } from '@dynamic-capital/contracts-compat';
import type { SchemaType } from './types';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function canonicalText(json: unknown): string {
  return stableStringify(json);
}

const PRIMITIVES: ReadonlySet<string> = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED: ReadonlySet<string> = new Set(['record', 'error', 'enum', 'fixed']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fullName(name: string, namespace: string | undefined): string {
  if (name.includes('.')) return name;
  return namespace !== undefined && namespace !== '' ? `${namespace}.${name}` : name;
}

function namespaceOf(full: string): string {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? '' : full.slice(0, dot);
}

/** Extra attributes, sorted by key, as `,"key":value` pairs. */
function props(node: Record<string, unknown>, skip: ReadonlySet<string>): string {
  return Object.keys(node)
    .filter((k) => !skip.has(k))
    .sort()
    .map((k) => `,${JSON.stringify(k)}:${stableStringify(node[k])}`)
    .join('');
}

const RECORD_KEYS: ReadonlySet<string> = new Set(['type', 'name', 'namespace', 'fields', 'doc', 'aliases']);
const ENUM_KEYS: ReadonlySet<string> = new Set(['type', 'name', 'namespace', 'symbols', 'doc', 'aliases', 'default']);
const FIXED_KEYS: ReadonlySet<string> = new Set(['type', 'name', 'namespace', 'size', 'doc', 'aliases']);
const FIELD_KEYS: ReadonlySet<string> = new Set(['name', 'type', 'order', 'doc', 'aliases', 'default']);
const COLLECTION_KEYS: ReadonlySet<string> = new Set(['type', 'items', 'values']);
const PRIMITIVE_KEYS: ReadonlySet<string> = new Set(['type']);

class AvroNormalizer {
  /** Full names already written (or defined by references): written by name from then on. */
  private readonly written = new Set<string>();
  /** Every full name defined so far, to resolve short names the way Avro does. */
  private readonly defined = new Set<string>();

  constructor(referenceNames: Iterable<string>) {
    for (const name of referenceNames) {
      this.written.add(name);
      this.defined.add(name);
    }
  }

  private resolve(name: string, namespace: string | undefined): string {
    if (name.includes('.')) return name;
    const qualified = fullName(name, namespace);
    return this.defined.has(qualified) || !this.defined.has(name) ? qualified : name;
  }

  private aliases(value: unknown, namespace: string | undefined): string {
    if (!Array.isArray(value) || value.length === 0) return '';
    const names = value.map((a) => (typeof a === 'string' ? fullName(a, namespace) : stableStringify(a))).sort();
    return `,"aliases":${JSON.stringify(names)}`;
  }

  /** `enclosing` is the namespace a name without dots would get where this schema is written. */
  write(node: unknown, namespace: string | undefined, enclosing: string): string {
    if (typeof node === 'string') return PRIMITIVES.has(node) ? JSON.stringify(node) : JSON.stringify(this.resolve(node, namespace));
    if (Array.isArray(node)) return `[${node.map((b) => this.write(b, namespace, enclosing)).join(',')}]`;
    if (!isObject(node)) return stableStringify(node);
    const type = node['type'];
    if (typeof type !== 'string') return this.write(type, namespace, enclosing); // {"type": {...}} nests a schema
    if (PRIMITIVES.has(type)) {
      const extra = props(node, PRIMITIVE_KEYS);
      return extra === '' ? JSON.stringify(type) : `{"type":${JSON.stringify(type)}${extra}}`;
    }
    if (type === 'array' || type === 'map') {
      const child =
        type === 'array' ? `"items":${this.write(node['items'], namespace, enclosing)}` : `"values":${this.write(node['values'], namespace, enclosing)}`;
      return `{"type":"${type}",${child}${props(node, COLLECTION_KEYS)}}`;
    }
    if (!NAMED.has(type)) return JSON.stringify(this.resolve(type, namespace)); // {"type": "some.Name"}
    const name = typeof node['name'] === 'string' ? node['name'] : '';
    const ns = typeof node['namespace'] === 'string' ? node['namespace'] : namespace;
    const full = fullName(name, ns);
    if (this.written.has(full)) return JSON.stringify(full);
    this.written.add(full);
    this.defined.add(full);
    const own = namespaceOf(full);
    // A name in the null namespace written inside a namespaced type would inherit that namespace: say so.
    const nsFix = own === '' && enclosing !== '' ? ',"namespace":""' : '';
    let out = `{"name":${JSON.stringify(full)}${nsFix},"type":"${type}"`;
    if (type === 'enum') {
      out += `,"symbols":${stableStringify(node['symbols'])}`;
    } else if (type === 'fixed') {
      out += `,"size":${stableStringify(node['size'])}`;
    } else {
      const fields = Array.isArray(node['fields']) ? node['fields'] : [];
      out += `,"fields":[${fields.map((f) => this.field(f, own)).join(',')}]`;
    }
    if (typeof node['doc'] === 'string' && node['doc'] !== '') out += `,"doc":${JSON.stringify(node['doc'])}`;
    out += this.aliases(node['aliases'], own);
    if (type === 'enum' && node['default'] !== undefined) out += `,"default":${stableStringify(node['default'])}`;
    const skip = type === 'enum' ? ENUM_KEYS : type === 'fixed' ? FIXED_KEYS : RECORD_KEYS;
    return `${out}${props(node, skip)}}`;
  }

  private field(field: unknown, namespace: string): string {
    if (!isObject(field)) return stableStringify(field);
    let out = `{"name":${JSON.stringify(field['name'])},"type":${this.write(field['type'], namespace, namespace)}`;
    const order = typeof field['order'] === 'string' ? field['order'].toLowerCase() : 'ascending';
    if (order !== 'ascending') out += `,"order":${JSON.stringify(order)}`;
    if (field['doc'] !== undefined) out += `,"doc":${stableStringify(field['doc'])}`;
    if (Array.isArray(field['aliases']) && field['aliases'].length > 0) out += `,"aliases":${stableStringify([...field['aliases']].sort())}`;
    if (field['default'] !== undefined) out += `,"default":${stableStringify(field['default'])}`;
    return `${out}${props(field, FIELD_KEYS)}}`;
  }
}

/** Full names of the named types a schema defines (at any depth), for types defined in references. */
export function avroDefinedNames(json: unknown, namespace?: string, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(json)) {
    for (const branch of json) avroDefinedNames(branch, namespace, into);
    return into;
  }
  if (!isObject(json)) return into;
  const type = json['type'];
  if (typeof type !== 'string') return avroDefinedNames(type, namespace, into);
  if (type === 'array') return avroDefinedNames(json['items'], namespace, into);
  if (type === 'map') return avroDefinedNames(json['values'], namespace, into);
  if (!NAMED.has(type) || typeof json['name'] !== 'string') return into;
  const ns = typeof json['namespace'] === 'string' ? json['namespace'] : namespace;
  const full = fullName(json['name'], ns);
  into.add(full);
  if (Array.isArray(json['fields'])) {
    for (const field of json['fields']) if (isObject(field)) avroDefinedNames(field['type'], namespaceOf(full), into);
  }
  return into;
}

/** Confluent-style normalized text (see the file comment). `referenced` are the parsed referenced schemas. */
export function normalizedText(type: SchemaType, json: unknown, referenced: Iterable<unknown>): string {
  if (type === 'JSON') return stableStringify(json);
  const names = new Set<string>();
  for (const ref of referenced) avroDefinedNames(ref, undefined, names);
  return new AvroNormalizer(names).write(json, undefined, '');
}
