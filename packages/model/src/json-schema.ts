import Ajv, { type ErrorObject } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { Diagnostic } from './diagnostics';
import { pointerOf, type LocatedDocument } from './located';

export type JsonSchemaDialect = 'draft-07' | '2020-12';

const DIALECTS: Record<string, JsonSchemaDialect> = {
  'http://json-schema.org/draft-07/schema#': 'draft-07',
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
  'https://json-schema.org/draft/2020-12/schema#': '2020-12',
};

/** Base URI for a schema file without $id: mirrors its path, as $id does by convention. */
export const SCHEMA_BASE_URI = 'https://contracts.dynamic.capital/';

let metaValidators: Record<JsonSchemaDialect, Ajv> | undefined;
function validators(): Record<JsonSchemaDialect, Ajv> {
  // Meta-schema validation only; compiling validators for payloads is the generators' job.
  metaValidators ??= {
    'draft-07': new Ajv({ strict: false, allErrors: true, validateFormats: false }),
    '2020-12': new Ajv2020({ strict: false, allErrors: true, validateFormats: false }),
  };
  return metaValidators;
}

export interface JsonRef {
  /** The $ref text as written. */
  readonly ref: string;
  /** Absolute URI it resolves to (with fragment). */
  readonly target: string;
  readonly pointer: string;
}

export interface JsonSchemaAnalysis {
  readonly dialect?: JsonSchemaDialect;
  readonly id: string;
  readonly refs: readonly JsonRef[];
  readonly anchors: ReadonlySet<string>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Subschema-holding keywords, so walks reach every schema object in the document. */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_KEYWORDS = [
  'additionalProperties',
  'items',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'additionalItems',
];

export type SchemaObject = Readonly<Record<string, unknown>>;

/** Calls `visit` for every schema object in a JSON Schema document, with its JSON pointer. */
export function forEachSubschema(schema: unknown, pointer: string, visit: (schema: SchemaObject, pointer: string) => void): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as SchemaObject;
  visit(s, pointer);
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = s[keyword];
    if (map && typeof map === 'object' && !Array.isArray(map)) {
      for (const [key, sub] of Object.entries(map)) forEachSubschema(sub, pointer + pointerOf([keyword, key]), visit);
    }
  }
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
    const list = s[keyword];
    if (Array.isArray(list)) list.forEach((sub, i) => forEachSubschema(sub, `${pointer}/${keyword}/${i}`, visit));
  }
  for (const keyword of SCHEMA_KEYWORDS) {
    const sub = s[keyword];
    if (Array.isArray(sub)) sub.forEach((item, i) => forEachSubschema(item, `${pointer}/${keyword}/${i}`, visit));
    else forEachSubschema(sub, `${pointer}/${keyword}`, visit);
  }
}

/** Dialect, meta-schema validity and the $refs of one JSON Schema file (refs not yet resolved). */
export function analyzeJsonSchema(doc: LocatedDocument, fileUnderSchemas: string): JsonSchemaAnalysis {
  const src = doc.source;
  const diagnostics: Diagnostic[] = [];
  const root = doc.value;
  const fallbackId = SCHEMA_BASE_URI + fileUnderSchemas;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    diagnostics.push(src.diagnostic(0, 'json-schema-meta', 'a JSON Schema contract must be an object', 'Write {"$schema": ..., "type": "object", ...}.'));
    return { id: fallbackId, refs: [], anchors: new Set(), diagnostics };
  }
  const rootObj = root as SchemaObject;
  const declared = rootObj['$schema'];
  const dialect = typeof declared === 'string' ? DIALECTS[declared] : undefined;
  if (!dialect) {
    diagnostics.push(
      src.diagnostic(
        doc.offsetOf('/$schema'),
        'json-schema-dialect',
        declared === undefined ? 'no "$schema" stated' : `unsupported "$schema" ${JSON.stringify(declared)}`,
        'State "$schema": "https://json-schema.org/draft/2020-12/schema" (or "http://json-schema.org/draft-07/schema#").',
      ),
    );
  } else {
    const ajv = validators()[dialect];
    if (!ajv.validateSchema(root)) {
      for (const error of mostSpecific(ajv.errors ?? [])) {
        diagnostics.push(
          src.diagnostic(
            doc.offsetOf(error.instancePath),
            'json-schema-meta',
            `not a valid ${dialect} schema: ${error.instancePath || '/'} ${error.message ?? ''}`.trim(),
            `Fix this keyword so it matches the ${dialect} meta-schema.`,
          ),
        );
      }
    }
  }
  const id = typeof rootObj['$id'] === 'string' ? (rootObj['$id'] as string) : fallbackId;
  const refs: JsonRef[] = [];
  const anchors = new Set<string>();
  forEachSubschema(root, '', (schema, pointer) => {
    if (typeof schema['$anchor'] === 'string') anchors.add(schema['$anchor'] as string);
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return;
    let target: string;
    try {
      target = new URL(ref, id).href;
    } catch {
      diagnostics.push(
        src.diagnostic(
          doc.offsetOf(`${pointer}/$ref`),
          'json-ref-dangling',
          `"$ref": ${JSON.stringify(ref)} is not a valid URI reference`,
          'Write a relative path with an optional #/json/pointer.',
        ),
      );
      return;
    }
    refs.push({ ref, target, pointer: `${pointer}/$ref` });
  });
  return { ...(dialect ? { dialect } : {}), id, refs, anchors, diagnostics };
}

/** Ajv reports every failing branch of the meta-schema; keep one error per deepest location. */
function mostSpecific(errors: readonly ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, e);
  }
  const paths = [...byPath.keys()];
  return paths.filter((p) => !paths.some((q) => q !== p && q.startsWith(p + '/'))).map((p) => byPath.get(p) as ErrorObject);
}
