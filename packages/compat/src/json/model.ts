/**
 * The schema model the differ walks. It mirrors the everit-json-schema classes Confluent compares (StringSchema,
 * ObjectSchema, CombinedSchema, ...), because Confluent's verdicts depend on how a document maps onto them.
 */

export type Criterion = 'allOf' | 'anyOf' | 'oneOf';

/** Where a node came from: a document key ('' = the root document) and a JSON pointer into it. */
export interface Location {
  readonly doc: string;
  readonly ptr: string;
}

/** Keywords everit keeps as unprocessed properties; the differ reads these four. */
export interface Extras {
  readonly minContains?: number;
  readonly maxContains?: number;
  readonly unevaluatedItems?: SchemaNode;
  readonly unevaluatedProperties?: SchemaNode;
}

interface Common {
  /** Unique per loaded node; keys the differ's memo. */
  readonly nid: number;
  readonly loc: Location;
  /** The JSON object (or boolean) the node was read from, to point at keywords. */
  readonly raw: unknown;
  readonly schemaId?: string;
  readonly title?: string;
  readonly description?: string;
  readonly hasDefault: boolean;
  readonly defaultValue?: unknown;
  readonly extras: Extras;
}

export interface EmptyNode extends Common {
  readonly kind: 'empty';
}
export interface TrueNode extends Common {
  readonly kind: 'true';
}
export interface FalseNode extends Common {
  readonly kind: 'false';
}
export interface BooleanNode extends Common {
  readonly kind: 'boolean';
}
export interface NullNode extends Common {
  readonly kind: 'null';
}
export interface ConditionalNode extends Common {
  readonly kind: 'conditional';
}
export interface StringNode extends Common {
  readonly kind: 'string';
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}
export interface NumberNode extends Common {
  readonly kind: 'number';
  readonly requiresInteger: boolean;
  readonly maximum?: number;
  readonly minimum?: number;
  readonly exclusiveMaximum?: number;
  readonly exclusiveMinimum?: number;
  readonly multipleOf?: number;
}
export interface EnumNode extends Common {
  readonly kind: 'enum';
  readonly values: readonly unknown[];
}
export interface ConstNode extends Common {
  readonly kind: 'const';
  readonly value: unknown;
}
export interface CombinedNode extends Common {
  readonly kind: 'combined';
  readonly criterion: Criterion;
  readonly subschemas: readonly SchemaNode[];
  /** Made by the 2020-12 translation to join sibling keywords (allOf) or a type array (anyOf). */
  readonly generated: boolean;
}
export interface NotNode extends Common {
  readonly kind: 'not';
  readonly mustNotMatch: SchemaNode;
}
export interface ObjectNode extends Common {
  readonly kind: 'object';
  /** Insertion order; the differ applies Java's hash order itself. */
  readonly properties: ReadonlyMap<string, SchemaNode>;
  readonly required: readonly string[];
  readonly additionalProperties: boolean;
  readonly schemaOfAdditionalProperties?: SchemaNode;
  readonly patternProperties: readonly (readonly [string, SchemaNode])[];
  readonly propertyDependencies: ReadonlyMap<string, readonly string[]>;
  readonly schemaDependencies: ReadonlyMap<string, SchemaNode>;
  readonly maxProperties?: number;
  readonly minProperties?: number;
}
export interface ArrayNode extends Common {
  readonly kind: 'array';
  readonly allItemSchema?: SchemaNode;
  readonly itemSchemas?: readonly SchemaNode[];
  readonly additionalItems: boolean;
  readonly schemaOfAdditionalItems?: SchemaNode;
  readonly maxItems?: number;
  readonly minItems?: number;
  readonly uniqueItems: boolean;
}
export interface RefNode extends Common {
  readonly kind: 'ref';
  readonly ref: string;
  /** Resolved lazily so recursive schemas load. */
  readonly target: () => SchemaNode;
}

export type SchemaNode =
  | EmptyNode
  | TrueNode
  | FalseNode
  | BooleanNode
  | NullNode
  | ConditionalNode
  | StringNode
  | NumberNode
  | EnumNode
  | ConstNode
  | CombinedNode
  | NotNode
  | ObjectNode
  | ArrayNode
  | RefNode;

export type Kind = SchemaNode['kind'];

/** Distributes Omit over the union so each variant keeps its own fields. */
export type NodeInit<N extends SchemaNode = SchemaNode> = N extends SchemaNode ? Omit<N, 'nid'> : never;

export function isEmptyLike(n: SchemaNode): boolean {
  return n.kind === 'empty' || n.kind === 'true';
}

export const ROOT_DOC = '';
