import { createHash } from 'node:crypto';
import { avroCanonicalForm } from './avro';
import type { SchemaFormat } from './levels';
import type { SchemaInput } from './types';

/** JSON with object keys sorted and no whitespace: equal schemas give equal strings. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(record[k])}`).join(',')}}`;
}

/**
 * The canonical form recorded in the lock: Avro's Parsing Canonical Form (references inlined);
 * for JSON Schema the document with sorted keys followed by its references in URI order.
 */
export function canonicalForm(format: SchemaFormat, input: SchemaInput): string {
  if (format === 'avro') return avroCanonicalForm(input);
  const refs = [...(input.references ?? new Map<string, unknown>()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return refs.length === 0 ? stableStringify(input.schema) : stableStringify({ schema: input.schema, references: Object.fromEntries(refs) });
}

/** `sha256:<hex>` of the canonical form. */
export function fingerprint(format: SchemaFormat, input: SchemaInput): string {
  return 'sha256:' + createHash('sha256').update(canonicalForm(format, input)).digest('hex');
}

/** `sha256:<hex>` of the schema and its references exactly as written (key order aside): docs and defaults count. */
export function contentHash(input: SchemaInput): string {
  const refs = [...(input.references ?? new Map<string, unknown>()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return (
    'sha256:' +
    createHash('sha256')
      .update(stableStringify({ schema: input.schema, references: Object.fromEntries(refs) }))
      .digest('hex')
  );
}

/** Same schema and same references, byte for byte after key sorting (docs and defaults count). */
export function sameSchema(a: SchemaInput, b: SchemaInput): boolean {
  const refs = (i: SchemaInput): string =>
    stableStringify(Object.fromEntries([...(i.references ?? new Map<string, unknown>()).entries()].sort(([x], [y]) => (x < y ? -1 : 1))));
  return stableStringify(a.schema) === stableStringify(b.schema) && refs(a) === refs(b);
}
