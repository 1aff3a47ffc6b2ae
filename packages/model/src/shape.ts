import { closest, type Diagnostic } from './diagnostics';
import type { LocatedDocument } from './located';
import { pointerOf } from './located';
import type { RuleId } from './rules';

/** A declarative description of a YAML mapping, so manifests are checked with positions and hints. */
export type FieldType = 'string' | 'boolean' | 'number' | 'string[]' | 'list' | 'object' | 'string|null';
export interface FieldSpec {
  readonly type: FieldType;
  readonly required?: boolean;
  readonly oneOf?: readonly string[];
}
export type MappingSpec = Readonly<Record<string, FieldSpec>>;

function typeOk(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'string|null':
      return typeof value === 'string' || value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'list':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

const TYPE_WORDS: Record<FieldType, string> = {
  string: 'a string',
  'string|null': 'a string or null',
  boolean: 'true or false',
  number: 'a number',
  'string[]': 'a list of strings',
  list: 'a list',
  object: 'a mapping',
};

/** Checks the mapping at `pointer` against `spec`; returns diagnostics (empty when it conforms). */
export function checkMapping(doc: LocatedDocument, pointer: string, value: unknown, spec: MappingSpec, rule: RuleId, what: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const here = (p: string, message: string, hint: string, part: 'key' | 'value' = 'value'): void => {
    out.push(doc.source.diagnostic(doc.offsetOf(p, part), rule, message, hint));
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    here(pointer, `${what} must be a mapping`, `Write ${what} as "key: value" lines (see docs/CONVENTIONS.md).`);
    return out;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(key in spec)) {
      const guess = closest(key, Object.keys(spec));
      here(
        pointer + pointerOf([key]),
        `unknown key "${key}" in ${what}`,
        guess ? `Did you mean "${guess}"?` : `Known keys: ${Object.keys(spec).join(', ')}.`,
        'key',
      );
    }
  }
  for (const [key, field] of Object.entries(spec)) {
    const p = pointer + pointerOf([key]);
    if (!(key in record) || record[key] === undefined) {
      if (field.required) here(pointer, `${what} is missing "${key}"`, `Add "${key}:" (${TYPE_WORDS[field.type]}).`, 'key');
      continue;
    }
    const v = record[key];
    if (!typeOk(v, field.type)) here(p, `"${key}" in ${what} must be ${TYPE_WORDS[field.type]}`, `Change it to ${TYPE_WORDS[field.type]}.`);
    else if (field.oneOf && typeof v === 'string' && !field.oneOf.includes(v)) {
      const guess = closest(v, field.oneOf);
      here(p, `"${key}" is "${v}", not one of ${field.oneOf.join(', ')}`, guess ? `Did you mean "${guess}"?` : `Use one of ${field.oneOf.join(', ')}.`);
    }
  }
  return out;
}
