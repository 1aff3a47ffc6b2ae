/**
 * The resolved Avro type graph compileAvro builds. Named types are shared nodes (one per
 * definition, so recursive types are cycles); every other type is one node per place it is
 * written, as in Apache Avro's Java parser, whose object identity SchemaCompatibility memoizes on.
 */

/** Numeric kinds keep the checker's hot path to integer compares. Primitives are 0..7. */
export const NULL = 0;
export const BOOLEAN = 1;
export const INT = 2;
export const LONG = 3;
export const FLOAT = 4;
export const DOUBLE = 5;
export const BYTES = 6;
export const STRING = 7;
export const RECORD = 8;
export const ENUM = 9;
export const FIXED = 10;
export const ARRAY = 11;
export const MAP = 12;
export const UNION = 13;

export type AvroKind = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13;

export const AVRO_TYPE_NAMES = [
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
  'record',
  'enum',
  'fixed',
  'array',
  'map',
  'union',
] as const;
export type AvroTypeName = (typeof AVRO_TYPE_NAMES)[number];

export const LAST_PRIMITIVE = STRING;

export interface AvroField {
  readonly name: string;
  /** Position in the record, as Avro's Field.pos(). */
  readonly pos: number;
  readonly type: AvroNode;
  /** Field aliases as written (Avro does not qualify them), duplicates removed. */
  readonly aliases: readonly string[];
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  /** JSON pointer of the field object. */
  readonly pointer: string;
}

export interface AvroNode {
  readonly kind: AvroKind;
  readonly type: AvroTypeName;
  /**
   * JSON pointer of where this type is written in the compiled document. For a type that comes
   * from `references`, the pointer of the reference to it in the document.
   */
  readonly pointer: string;
  /** Dense index among the non-primitive nodes of one CompiledAvro (the checker's memo key). */
  readonly id: number;
  /** Named types: unqualified name, namespace (null when none) and full name; '' otherwise. */
  readonly name: string;
  readonly namespace: string | null;
  readonly fullName: string;
  /** Named types: aliases as full names, duplicates removed. */
  readonly aliases: readonly string[];
  readonly fields: readonly AvroField[];
  readonly fieldsByName: ReadonlyMap<string, AvroField>;
  readonly symbols: readonly string[];
  readonly symbolSet: ReadonlySet<string>;
  readonly enumDefault: string | null;
  readonly size: number;
  /** Array items or map values. */
  readonly child: AvroNode | null;
  readonly branches: readonly AvroNode[];
  /** Kept for callers; schema resolution ignores logical types, as Avro does. */
  readonly logicalType: string | null;
  /** Pointers of the "name", "symbols" and "size" members (the node's pointer for referenced types). */
  readonly namePointer: string;
  readonly symbolsPointer: string;
  readonly sizePointer: string;
}

export interface CompiledAvro {
  readonly root: AvroNode;
  /** Every named type reachable from the document, defined in it or in its references, by full name. */
  readonly namedTypes: ReadonlyMap<string, AvroNode>;
  /** Number of non-primitive nodes (ids are 0..complexCount-1). */
  readonly complexCount: number;
}

const NO_NODES: readonly AvroNode[] = [];
const NO_FIELDS: readonly AvroField[] = [];
const NO_STRINGS: readonly string[] = [];
const NO_FIELD_MAP: ReadonlyMap<string, AvroField> = new Map();
const NO_SYMBOLS: ReadonlySet<string> = new Set();

/**
 * One class for every kind, every member always present: the checker then sees a single object
 * shape and V8 keeps its property loads monomorphic.
 */
export class Node implements AvroNode {
  id = -1;
  name = '';
  namespace: string | null = null;
  fullName = '';
  aliases: readonly string[] = NO_STRINGS;
  fields: readonly AvroField[] = NO_FIELDS;
  fieldsByName: ReadonlyMap<string, AvroField> = NO_FIELD_MAP;
  symbols: readonly string[] = NO_STRINGS;
  symbolSet: ReadonlySet<string> = NO_SYMBOLS;
  enumDefault: string | null = null;
  size = 0;
  child: AvroNode | null = null;
  branches: readonly AvroNode[] = NO_NODES;
  logicalType: string | null = null;
  namePointer: string;
  symbolsPointer: string;
  sizePointer: string;
  readonly type: AvroTypeName;

  constructor(
    readonly kind: AvroKind,
    readonly pointer: string,
  ) {
    this.type = AVRO_TYPE_NAMES[kind];
    this.namePointer = pointer;
    this.symbolsPointer = pointer;
    this.sizePointer = pointer;
  }
}

export function isNamed(kind: AvroKind): boolean {
  return kind === RECORD || kind === ENUM || kind === FIXED;
}
