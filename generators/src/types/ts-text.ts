/**
 * Small helpers shared by the type generators: identifiers, property keys and TSDoc comments.
 * Everything here is pure and deterministic.
 */

/**
 * Names the generated code relies on (Buffer for bytes) or that would shadow well-known globals a
 * reader expects to mean the built-in. A schema type with one of these names gets a `Type` suffix.
 */
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([
  'Array',
  'ArrayBuffer',
  'BigInt',
  'Boolean',
  'Buffer',
  'Date',
  'Error',
  'Function',
  'Map',
  'Number',
  'Object',
  'Omit',
  'Partial',
  'Pick',
  'Promise',
  'Readonly',
  'ReadonlyArray',
  'Record',
  'Required',
  'Set',
  'String',
  'Symbol',
]);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `snake_case`, `kebab-case`, `dotted.name` or `camelCase` -> `PascalCase` (non-alphanumerics dropped). */
export function pascalCase(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(joined) ? `T${joined}` : joined;
}

/** A PascalCase type identifier for `name` that does not shadow a reserved global. */
export function typeIdentifier(name: string): string {
  const base = pascalCase(name) || 'Type';
  return RESERVED_TYPE_NAMES.has(base) ? `${base}Type` : base;
}

/** A property key as written in an interface: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** A string literal type in single quotes (the repository's style). */
export function stringLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/**
 * A TSDoc block for `lines` (paragraphs; each may hold newlines), indented by `indent`; '' when
 * there is nothing to say. `*\/` in the text is escaped so it cannot close the comment.
 */
export function tsDoc(paragraphs: readonly (string | undefined)[], indent = ''): string {
  const text = paragraphs
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .map((p) => p.trim())
    .join('\n\n');
  if (text === '') return '';
  const lines = text.replace(/\*\//g, '*\\/').split(/\r?\n/);
  return `${indent}/**\n${lines.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l.trimEnd()}`)).join('\n')}\n${indent} */\n`;
}
