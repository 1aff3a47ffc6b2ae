/** Avro names and namespaces, resolved the way Apache Avro's Java Schema.Name does. */

export const PRIMITIVE_NAMES: ReadonlySet<string> = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

const ASCII_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Java's Character.isLetter / isLetterOrDigit on UTF-16 units: \p{L} and \p{Nd}, never a surrogate.
const UNICODE_NAME = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Whether `name` is a valid unqualified Avro name (record, enum, fixed, field, enum symbol). */
export function isValidName(name: string): boolean {
  return ASCII_NAME.test(name) || (UNICODE_NAME.test(name) && !SURROGATE.test(name));
}

export interface QualifiedName {
  readonly name: string;
  readonly namespace: string | null;
  readonly fullName: string;
}

/**
 * Splits a possibly dotted name against the namespace in scope: a dotted name carries its own
 * namespace; an empty namespace means none. Only the last segment is validated, as in Java.
 * Returns null when that segment is not a valid name.
 */
export function qualify(written: string, namespaceInScope: string | null): QualifiedName | null {
  const lastDot = written.lastIndexOf('.');
  let name = written;
  let namespace = namespaceInScope;
  if (lastDot >= 0) {
    namespace = written.slice(0, lastDot);
    name = written.slice(lastDot + 1);
  }
  if (!isValidName(name)) return null;
  if (namespace === '') namespace = null;
  return { name, namespace, fullName: namespace === null ? name : `${namespace}.${name}` };
}
