/**
 * JSON Schema compatibility with the verdicts of Confluent Schema Registry's SchemaDiff.
 * Pure functions: no I/O; documents reached by cross-file $ref come in through SchemaInput.references.
 */
import type { SchemaInput } from '../types';
import { compareSchemas } from './diff';
import { dialectOf, Documents } from './documents';
import { EveritLoader } from './load-everit';
import { ModernLoader } from './load-modern';
import { describeIncompatibility } from './messages';
import { ROOT_DOC, type SchemaNode } from './model';
import { NodeFactory } from './nodes';
import { compatibleChanges } from './rules';
import type { JsonDiffOptions, JsonDiffResult, JsonIncompatibility } from './types';

export type { JsonDiffOptions, JsonDiffResult, JsonDifference, JsonIncompatibility, JsonPolicy } from './types';
export { JSON_LENIENT_EXTRA_COMPATIBLE, JSON_RULES, JSON_STRICT_COMPATIBLE, compatibleChanges } from './rules';
export { SchemaLoadError } from './documents';

function load(input: SchemaInput): SchemaNode {
  const dialect = dialectOf(input.schema);
  const docs = new Documents(input, dialect);
  const nodes = new NodeFactory();
  const loader = dialect === 'modern' ? new ModernLoader(docs, nodes) : new EveritLoader(docs, dialect, nodes);
  const root = loader.load({ doc: ROOT_DOC, ptr: '' });
  resolveAllRefs(root);
  return root;
}

/**
 * A schema loaded once (documents indexed, keywords translated into the everit-like model, every $ref resolved)
 * for any number of diffs. The model is immutable: diffs keep their memo tables to themselves, so one compiled
 * schema can be compared with many others, or with itself.
 */
export class CompiledJson {
  /** Use compileJson. */
  constructor(
    /** The schema as given. */
    readonly input: SchemaInput,
    private readonly loaded: { readonly root: SchemaNode } | { readonly error: unknown },
  ) {}

  /**
   * The loaded root schema. A schema that failed to load throws its load error (SchemaLoadError) here, on every
   * use: diffs have always raised load errors, and callers (the CLI's compat command) catch them around the diff.
   */
  root(): SchemaNode {
    if ('error' in this.loaded) throw this.loaded.error;
    return this.loaded.root;
  }
}

/**
 * Loads a schema once for many diffs. Never throws: a schema that cannot be loaded (not a schema, unresolvable
 * $ref) compiles to a value whose diffs throw SchemaLoadError, exactly where diffJsonSchemas throws it.
 */
export function compileJson(input: SchemaInput): CompiledJson {
  try {
    return new CompiledJson(input, { root: load(input) });
  } catch (error) {
    return new CompiledJson(input, { error });
  }
}

/** Resolves every reachable $ref up front, so a dangling one fails the load as it does in Confluent. */
function resolveAllRefs(root: SchemaNode): void {
  const seen = new Set<number>();
  const stack: SchemaNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (seen.has(node.nid)) continue;
    seen.add(node.nid);
    stack.push(...childrenOf(node));
  }
}

function present(...xs: (SchemaNode | undefined)[]): SchemaNode[] {
  return xs.filter((x): x is SchemaNode => x !== undefined);
}

function childrenOf(n: SchemaNode): SchemaNode[] {
  switch (n.kind) {
    case 'ref':
      return [n.target()];
    case 'combined':
      return [...n.subschemas];
    case 'not':
      return [n.mustNotMatch];
    case 'object':
      return [
        ...n.properties.values(),
        ...n.patternProperties.map(([, s]) => s),
        ...n.schemaDependencies.values(),
        ...present(n.schemaOfAdditionalProperties, n.extras.unevaluatedProperties),
      ];
    case 'array':
      return [...(n.itemSchemas ?? []), ...present(n.allItemSchema, n.schemaOfAdditionalItems, n.extras.unevaluatedItems)];
    default:
      return [];
  }
}

/**
 * Differences from `original` to `update`, in Confluent's order, and whether all are compatible under the policy.
 * Throws SchemaLoadError for a document that is not a schema or a $ref that cannot be resolved.
 */
export function diffJsonSchemas(original: SchemaInput, update: SchemaInput, options: JsonDiffOptions = {}): JsonDiffResult {
  return diffJsonCompiled(compileJson(original), compileJson(update), options);
}

/** diffJsonSchemas for compiled schemas. Throws the original's load error before the update's, as loading in that order does. */
export function diffJsonCompiled(original: CompiledJson, update: CompiledJson, options: JsonDiffOptions = {}): JsonDiffResult {
  const compatible = compatibleChanges(options.policy);
  const raw = compareSchemas(original.root(), update.root(), compatible);
  const differences = raw.map((d) => ({ type: d.type, jsonPath: `#/${d.rel.join('/')}`, originalPath: d.originalPath, updatePath: d.updatePath }));
  return { differences, compatible: differences.every((d) => compatible.has(d.type)) };
}

/**
 * Why `reader` cannot read data written with `writer`: the incompatible differences of diff(writer → reader),
 * which is how Confluent checks BACKWARD (new schema = reader). Empty when compatible.
 */
export function checkJsonReaderWriter(reader: SchemaInput, writer: SchemaInput, options: JsonDiffOptions = {}): JsonIncompatibility[] {
  return checkJsonCompiled(compileJson(reader), compileJson(writer), options);
}

/** checkJsonReaderWriter for compiled schemas. */
export function checkJsonCompiled(reader: CompiledJson, writer: CompiledJson, options: JsonDiffOptions = {}): JsonIncompatibility[] {
  const compatible = compatibleChanges(options.policy);
  return diffJsonCompiled(writer, reader, options)
    .differences.filter((d) => !compatible.has(d.type))
    .map((d) => ({ rule: d.type, readerPath: d.updatePath, writerPath: d.originalPath, message: describeIncompatibility(d.type, d.jsonPath) }));
}
