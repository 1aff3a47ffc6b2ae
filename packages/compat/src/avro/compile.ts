import type { SchemaInput } from '../types';
import { isPlainObject, isValidDefault } from './defaults';
import * as graph from './graph';
import { Node, type AvroField, type AvroKind, type CompiledAvro } from './graph';
import { PRIMITIVE_NAMES, isValidName, qualify, type QualifiedName } from './names';

/** An Avro schema that Apache Avro's parser would reject. */
export class AvroSchemaError extends Error {
  override readonly name = 'AvroSchemaError';

  constructor(
    message: string,
    /** JSON pointer of the offending value, in the document named by `reference` (the compiled schema when undefined). */
    readonly pointer: string,
    /** Full name of the `references` entry the error is in; undefined for the compiled schema itself. */
    readonly reference?: string,
  ) {
    super(message);
  }
}

export interface CompileAvroOptions {
  /**
   * Reject invalid field defaults, as Avro 1.11's parser does by default. Confluent Schema
   * Registry validates defaults only for schemas being registered, so pass false for schemas
   * already in the registry.
   */
  readonly validateDefaults?: boolean;
}

/** Parses an Avro schema (a JSON value) and the named types it references into a type graph. */
export function compileAvro(input: SchemaInput, options: CompileAvroOptions = {}): CompiledAvro {
  const compiler = new Compiler(input.references);
  const root = compiler.parse(input.schema, '', null, null);
  if (options.validateDefaults !== false) compiler.validateDefaults();
  return { root, namedTypes: compiler.defined, complexCount: compiler.complexCount };
}

// Local copies: some transpilers turn every use of an imported binding into a getter call.
const { ARRAY, BOOLEAN, BYTES, DOUBLE, ENUM, FIXED, FLOAT, INT, LONG, MAP, NULL, RECORD, STRING, UNION, isNamed } = graph;

const PRIMITIVE_KINDS: Readonly<Record<string, AvroKind>> = {
  null: NULL,
  boolean: BOOLEAN,
  int: INT,
  long: LONG,
  float: FLOAT,
  double: DOUBLE,
  bytes: BYTES,
  string: STRING,
};

const FIELD_ORDERS: ReadonlySet<string> = new Set(['ASCENDING', 'DESCENDING', 'IGNORE']);

/** Where nodes being parsed come from: the compiled document (null) or one of its references. */
interface FromReference {
  /** The `references` key. */
  readonly key: string;
  /** Pointer, in the compiled document, of the reference that made us load it. */
  readonly site: string;
}

interface PendingDefault {
  readonly field: AvroField;
  readonly pointer: string;
  readonly from: FromReference | null;
}

class Compiler {
  readonly defined = new Map<string, Node>();
  complexCount = 0;
  /** Full name of every named type the references define (nested ones too) -> its references key. */
  private readonly definedByReference = new Map<string, string>();
  private readonly loaded = new Set<string>();
  private readonly pendingDefaults: PendingDefault[] = [];

  constructor(private readonly references: ReadonlyMap<string, unknown> | undefined) {
    // Confluent parses every reference before the schema, so a name defined anywhere in a
    // reference is in scope. We load references lazily, hence this index of what each defines.
    if (references) for (const [key, json] of references) this.indexNames(json, null, key, '');
  }

  parse(json: unknown, pointer: string, namespace: string | null, from: FromReference | null): Node {
    if (typeof json === 'string') return this.parseName(json, pointer, namespace, from);
    if (Array.isArray(json)) return this.parseUnion(json, pointer, namespace, from);
    if (isPlainObject(json)) return this.parseObject(json, pointer, namespace, from);
    throw this.error('A schema is a type name, a type object or a union array', pointer, from);
  }

  validateDefaults(): void {
    for (const { field, pointer, from } of this.pendingDefaults) {
      if (!isValidDefault(field.type, field.defaultValue)) {
        throw this.error(`Invalid default for field "${field.name}": ${JSON.stringify(field.defaultValue)} is not a ${field.type.type}`, pointer, from);
      }
    }
  }

  private parseName(written: string, pointer: string, namespace: string | null, from: FromReference | null): Node {
    const primitive = PRIMITIVE_KINDS[written];
    if (primitive !== undefined) return new Node(primitive, from ? from.site : pointer);
    const found = this.resolve(written, namespace, pointer, from, true);
    if (!found) throw this.error(`Undefined name: "${written}"`, pointer, from);
    return found;
  }

  /** Avro's lookup: the name in the namespace in scope, then (unqualified names) in no namespace. */
  private resolve(written: string, namespace: string | null, pointer: string, from: FromReference | null, nullNamespaceFallback: boolean): Node | undefined {
    const name = qualify(written, namespace);
    if (!name) throw this.error(`Invalid name "${written}"`, pointer, from);
    const site = from ? from.site : pointer;
    const found = this.find(name.fullName, site);
    if (found || !nullNamespaceFallback || name.namespace === null || written.includes('.')) return found;
    return this.find(name.name, site);
  }

  private find(fullName: string, site: string): Node | undefined {
    const node = this.defined.get(fullName);
    if (node) return node;
    const key = this.definedByReference.get(fullName);
    if (key === undefined || this.loaded.has(key)) return undefined;
    this.loadReference(key, site);
    return this.defined.get(fullName);
  }

  private loadReference(key: string, site: string): void {
    this.loaded.add(key);
    const from = { key, site };
    this.parse(this.references?.get(key), '', null, from);
    if (!this.defined.has(key)) throw this.error(`The reference "${key}" does not define a named type ${key}`, '', from);
  }

  private parseUnion(json: readonly unknown[], pointer: string, namespace: string | null, from: FromReference | null): Node {
    const node = this.complexNode(UNION, pointer, from);
    const branches: Node[] = [];
    const seen = new Set<string>();
    json.forEach((branchJson, i) => {
      const branchPointer = pointerTo(pointer, i);
      const branch = this.parse(branchJson, branchPointer, namespace, from);
      if (branch.kind === UNION) throw this.error('A union may not contain a union', branchPointer, from);
      const key = isNamed(branch.kind) ? branch.fullName : branch.type;
      if (seen.has(key)) throw this.error(`Duplicate in union: ${key}`, branchPointer, from);
      seen.add(key);
      branches.push(branch);
    });
    node.branches = branches;
    return node;
  }

  private parseObject(json: Record<string, unknown>, pointer: string, namespace: string | null, from: FromReference | null): Node {
    const type = json.type;
    if (typeof type !== 'string') throw this.error('A type object needs a string "type"', pointerTo(pointer, 'type'), from);
    let node: Node;
    const primitive = PRIMITIVE_KINDS[type];
    if (primitive !== undefined) {
      node = new Node(primitive, from ? from.site : pointer);
    } else if (type === 'record' || type === 'error') {
      node = this.parseRecord(json, pointer, namespace, from);
    } else if (type === 'enum') {
      node = this.parseEnum(json, pointer, namespace, from);
    } else if (type === 'fixed') {
      node = this.parseFixed(json, pointer, namespace, from);
    } else if (type === 'array' || type === 'map') {
      const member = type === 'array' ? 'items' : 'values';
      if (!(member in json)) throw this.error(`An ${type} needs "${member}"`, pointer, from);
      node = this.complexNode(type === 'array' ? ARRAY : MAP, pointer, from);
      node.child = this.parse(json[member], pointerTo(pointer, member), namespace, from);
    } else {
      // {"type": "SomeName"}: Avro accepts a defined name here, without the null-namespace fallback.
      const found = this.resolve(type, namespace, pointerTo(pointer, 'type'), from, false);
      if (!found) throw this.error(`Unknown type: "${type}"`, pointerTo(pointer, 'type'), from);
      return found;
    }
    if (typeof json.logicalType === 'string') node.logicalType = json.logicalType;
    return node;
  }

  private parseRecord(json: Record<string, unknown>, pointer: string, namespace: string | null, from: FromReference | null): Node {
    const node = this.namedNode(RECORD, json, pointer, namespace, from);
    // Defined before its fields are parsed, so fields may refer to it: recursive types.
    this.define(node, pointer, from);
    const fieldsJson = json.fields;
    if (!Array.isArray(fieldsJson)) throw this.error('A record needs a "fields" array', pointer, from);
    const fields: AvroField[] = [];
    const byName = new Map<string, AvroField>();
    fieldsJson.forEach((fieldJson: unknown, pos) => {
      const fieldPointer = pointerTo(pointerTo(pointer, 'fields'), pos);
      const field = this.parseField(fieldJson, pos, fieldPointer, node.namespace, from);
      if (byName.has(field.name)) throw this.error(`Duplicate field "${field.name}" in record ${node.fullName}`, fieldPointer, from);
      byName.set(field.name, field);
      fields.push(field);
    });
    node.fields = fields;
    node.fieldsByName = byName;
    node.aliases = this.namedAliases(json, pointer, node.namespace, from);
    return node;
  }

  private parseField(json: unknown, pos: number, pointer: string, namespace: string | null, from: FromReference | null): AvroField {
    if (!isPlainObject(json) || typeof json.name !== 'string') throw this.error('A field needs a string "name"', pointer, from);
    const name = json.name;
    if (!isValidName(name)) throw this.error(`Invalid field name "${name}"`, pointerTo(pointer, 'name'), from);
    if (!('type' in json)) throw this.error(`Field "${name}" has no type`, pointer, from);
    const type = this.parse(json.type, pointerTo(pointer, 'type'), namespace, from);
    const order = json.order;
    if (order !== undefined && (typeof order !== 'string' || !FIELD_ORDERS.has(order.toUpperCase()))) {
      throw this.error(`Invalid order for field "${name}"`, pointerTo(pointer, 'order'), from);
    }
    const hasDefault = Object.prototype.hasOwnProperty.call(json, 'default');
    let defaultValue = json.default;
    // Avro reads a string default of a float or double field as a Java double literal ("NaN").
    if (hasDefault && typeof defaultValue === 'string' && (type.kind === FLOAT || type.kind === DOUBLE)) {
      const parsed = parseJavaDouble(defaultValue);
      if (parsed === undefined)
        throw this.error(`Invalid default for field "${name}": ${JSON.stringify(defaultValue)} is not a number`, pointerTo(pointer, 'default'), from);
      defaultValue = parsed;
    }
    const field: AvroField = {
      name,
      pos,
      type,
      aliases: this.fieldAliases(json, pointer, from),
      hasDefault,
      defaultValue,
      pointer: from ? from.site : pointer,
    };
    if (hasDefault) this.pendingDefaults.push({ field, pointer: pointerTo(pointer, 'default'), from });
    return field;
  }

  private parseEnum(json: Record<string, unknown>, pointer: string, namespace: string | null, from: FromReference | null): Node {
    const node = this.namedNode(ENUM, json, pointer, namespace, from);
    const symbolsJson = json.symbols;
    const symbolsPointer = pointerTo(pointer, 'symbols');
    if (!Array.isArray(symbolsJson)) throw this.error('An enum needs a "symbols" array', pointer, from);
    const symbols: string[] = [];
    const symbolSet = new Set<string>();
    symbolsJson.forEach((symbol: unknown, i) => {
      if (typeof symbol !== 'string' || !isValidName(symbol))
        throw this.error(`Invalid enum symbol ${JSON.stringify(symbol)}`, pointerTo(symbolsPointer, i), from);
      if (symbolSet.has(symbol)) throw this.error(`Duplicate enum symbol: ${symbol}`, pointerTo(symbolsPointer, i), from);
      symbolSet.add(symbol);
      symbols.push(symbol);
    });
    // Avro ignores a default that is not a string (it reads it as no default).
    if (typeof json.default === 'string') {
      if (!symbolSet.has(json.default)) throw this.error(`The enum default ${json.default} is not one of the symbols`, pointerTo(pointer, 'default'), from);
      node.enumDefault = json.default;
    }
    node.symbols = symbols;
    node.symbolSet = symbolSet;
    if (!from) node.symbolsPointer = symbolsPointer;
    this.define(node, pointer, from);
    node.aliases = this.namedAliases(json, pointer, node.namespace, from);
    return node;
  }

  private parseFixed(json: Record<string, unknown>, pointer: string, namespace: string | null, from: FromReference | null): Node {
    const node = this.namedNode(FIXED, json, pointer, namespace, from);
    const size = json.size;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 2147483647) {
      throw this.error('A fixed needs a non-negative integer "size"', pointerTo(pointer, 'size'), from);
    }
    node.size = size;
    if (!from) node.sizePointer = pointerTo(pointer, 'size');
    this.define(node, pointer, from);
    node.aliases = this.namedAliases(json, pointer, node.namespace, from);
    return node;
  }

  /** A record, enum or fixed node with its name resolved against the namespace in scope. */
  private namedNode(kind: AvroKind, json: Record<string, unknown>, pointer: string, namespace: string | null, from: FromReference | null): Node {
    if (typeof json.name !== 'string') throw this.error(`A ${json.type as string} needs a string "name"`, pointer, from);
    // Avro ignores a namespace that is not a string.
    const declared = typeof json.namespace === 'string' ? json.namespace : namespace;
    const name: QualifiedName | null = qualify(json.name, declared);
    if (!name) throw this.error(`Invalid name "${json.name}"`, pointerTo(pointer, 'name'), from);
    if (PRIMITIVE_NAMES.has(name.fullName))
      throw this.error(`A named type may not be named after a primitive: ${name.fullName}`, pointerTo(pointer, 'name'), from);
    const node = this.complexNode(kind, pointer, from);
    node.name = name.name;
    node.namespace = name.namespace;
    node.fullName = name.fullName;
    if (!from) node.namePointer = pointerTo(pointer, 'name');
    return node;
  }

  private define(node: Node, pointer: string, from: FromReference | null): void {
    const owner = this.definedByReference.get(node.fullName);
    if (this.defined.has(node.fullName) || (owner !== undefined && owner !== from?.key)) {
      throw this.error(`Can't redefine: ${node.fullName}`, pointerTo(pointer, 'name'), from);
    }
    this.defined.set(node.fullName, node);
  }

  private complexNode(kind: AvroKind, pointer: string, from: FromReference | null): Node {
    const node = new Node(kind, from ? from.site : pointer);
    node.id = this.complexCount++;
    return node;
  }

  /** Aliases of a named type, qualified with the type's own namespace (the spec's rule). */
  private namedAliases(json: Record<string, unknown>, pointer: string, namespace: string | null, from: FromReference | null): readonly string[] {
    const written = this.aliasList(json, pointer, from);
    const aliases = new Set<string>();
    written.forEach((alias, i) => {
      const name = qualify(alias, namespace);
      if (!name) throw this.error(`Invalid alias "${alias}"`, pointerTo(pointerTo(pointer, 'aliases'), i), from);
      aliases.add(name.fullName);
    });
    return [...aliases];
  }

  /** Field aliases are plain names, taken as written (a set, as in Avro). */
  private fieldAliases(json: Record<string, unknown>, pointer: string, from: FromReference | null): readonly string[] {
    return [...new Set(this.aliasList(json, pointer, from))];
  }

  private aliasList(json: Record<string, unknown>, pointer: string, from: FromReference | null): readonly string[] {
    const aliases = json.aliases;
    if (aliases === undefined) return [];
    const aliasesPointer = pointerTo(pointer, 'aliases');
    if (!Array.isArray(aliases)) throw this.error('"aliases" must be an array of strings', aliasesPointer, from);
    return aliases.map((alias: unknown, i) => {
      if (typeof alias !== 'string') throw this.error('"aliases" must be an array of strings', pointerTo(aliasesPointer, i), from);
      return alias;
    });
  }

  /** Records which reference defines each named type, walking the JSON as the parser will. */
  private indexNames(json: unknown, namespace: string | null, key: string, pointer: string): void {
    if (Array.isArray(json)) {
      json.forEach((branch: unknown, i) => this.indexNames(branch, namespace, key, pointerTo(pointer, i)));
      return;
    }
    if (!isPlainObject(json)) return;
    const type = json.type;
    if (type === 'array') this.indexNames(json.items, namespace, key, pointerTo(pointer, 'items'));
    else if (type === 'map') this.indexNames(json.values, namespace, key, pointerTo(pointer, 'values'));
    if ((type !== 'record' && type !== 'error' && type !== 'enum' && type !== 'fixed') || typeof json.name !== 'string') return;
    const name = qualify(json.name, typeof json.namespace === 'string' ? json.namespace : namespace);
    if (!name) return; // the parser reports it
    const owner = this.definedByReference.get(name.fullName);
    if (owner !== undefined && owner !== key)
      throw this.error(`Can't redefine: ${name.fullName} (also defined by reference "${owner}")`, pointer, { key, site: '' });
    this.definedByReference.set(name.fullName, key);
    if ((type === 'record' || type === 'error') && Array.isArray(json.fields)) {
      json.fields.forEach((field: unknown, i) => {
        if (isPlainObject(field)) this.indexNames(field.type, name.namespace, key, pointerTo(pointerTo(pointerTo(pointer, 'fields'), i), 'type'));
      });
    }
  }

  private error(message: string, pointer: string, from: FromReference | null): AvroSchemaError {
    return new AvroSchemaError(message, pointer, from?.key);
  }
}

const JAVA_DECIMAL = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/;
const JAVA_HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/;

/** Java's Double.valueOf: decimal and hexadecimal literals, NaN, Infinity, surrounding blanks. */
function parseJavaDouble(text: string): number | undefined {
  const literal = text.trim();
  if (JAVA_DECIMAL.test(literal)) return Number(literal.replace(/[fFdD]$/, ''));
  const hex = JAVA_HEX.exec(literal);
  if (!hex || (hex[2] === '' && hex[3] === '')) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = hex;
  const mantissa = parseInt(`${whole}${fraction}` || '0', 16) / 16 ** fraction.length;
  return (sign === '-' ? -1 : 1) * mantissa * 2 ** Number(exponent);
}

const NEEDS_ESCAPE = /[~/]/;

/** Appends one reference token to a JSON pointer (RFC 6901 escaping, which Avro's tokens rarely need). */
function pointerTo(base: string, token: string | number): string {
  if (typeof token === 'number' || !NEEDS_ESCAPE.test(token)) return `${base}/${token}`;
  return `${base}/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
