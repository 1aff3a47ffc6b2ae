import { createHash } from 'node:crypto';
import type { SchemaInput } from '../types';
import { compileAvro } from './compile';
import { ARRAY, ENUM, FIXED, LAST_PRIMITIVE, MAP, RECORD, UNION, type AvroNode } from './graph';

/**
 * The Avro specification's Parsing Canonical Form: full names, only the attributes that matter
 * for reading data, in the specification's order, no whitespace. A named type is written in full
 * where first met (referenced types included, so the result stands alone) and by full name after.
 */
export function avroCanonicalForm(input: SchemaInput): string {
  const parts: string[] = [];
  write(compileAvro(input, { validateDefaults: false }).root, new Set(), parts);
  return parts.join('');
}

/** Hex SHA-256 of the Parsing Canonical Form (the specification's SHA-256 fingerprint). */
export function avroFingerprint(input: SchemaInput): string {
  return createHash('sha256').update(avroCanonicalForm(input), 'utf8').digest('hex');
}

function write(node: AvroNode, written: Set<AvroNode>, parts: string[]): void {
  const kind = node.kind;
  if (kind <= LAST_PRIMITIVE) {
    parts.push(`"${node.type}"`);
    return;
  }
  if (kind === RECORD || kind === ENUM || kind === FIXED) {
    const name = JSON.stringify(node.fullName);
    if (written.has(node)) {
      parts.push(name);
      return;
    }
    written.add(node);
    parts.push(`{"name":${name},"type":"${node.type}"`);
    if (kind === RECORD) {
      parts.push(',"fields":[');
      node.fields.forEach((field, i) => {
        parts.push(`${i > 0 ? ',' : ''}{"name":${JSON.stringify(field.name)},"type":`);
        write(field.type, written, parts);
        parts.push('}');
      });
      parts.push(']}');
    } else if (kind === ENUM) {
      parts.push(`,"symbols":[${node.symbols.map((symbol) => JSON.stringify(symbol)).join(',')}]}`);
    } else {
      parts.push(`,"size":${node.size}}`);
    }
    return;
  }
  if (kind === ARRAY || kind === MAP) {
    parts.push(kind === ARRAY ? '{"type":"array","items":' : '{"type":"map","values":');
    if (node.child) write(node.child, written, parts);
    parts.push('}');
    return;
  }
  if (kind === UNION) {
    parts.push('[');
    node.branches.forEach((branch, i) => {
      if (i > 0) parts.push(',');
      write(branch, written, parts);
    });
    parts.push(']');
  }
}
