/**
 * A specialized Avro codec generated once per schema (`new Function`): encode validates while it
 * writes, in one pass, and decode builds plain objects of a stable shape.
 *
 * Same values, same bytes as the avsc type `buildAvroType` builds (decimals as exact strings
 * through DecimalType's helpers, unregistered logical types as their underlying type, unions of
 * `wrapUnions: 'auto'` unwrapped), checked by a differential test over every Avro contract of
 * the repository. Encode accepts exactly the values avsc's strict `isValid`
 * (`noUndeclaredFields`) accepts, except a few that avsc accepts by JavaScript coercion, which it
 * refuses: an enum symbol given as a non-string (avsc looks `['BUY']` up as `'BUY'`), an enum
 * symbol or undeclared field named like an `Object.prototype` member (avsc finds `constructor` in
 * its lookup objects), a string with a lone surrogate. Whatever encode refuses, it refuses by
 * throwing before returning anything: the caller falls back to avsc (which lists every failing
 * path, or writes those few values its own way).
 *
 * Decode reads what avsc reads, to the same values (records as plain objects instead of avsc's
 * record instances), and throws on truncated input, trailing bytes, an out-of-range enum or
 * union index, a long beyond +-(2^53 - 2).
 *
 * A schema with a construct this compiler does not cover (a wrapped union, an ambiguous union
 * of a logical type, a logical type other than decimal, a record field named `__proto__`)
 * compiles to undefined: use avsc for it.
 */
import * as avro from 'avsc';
import * as os from 'node:os';
import { markAsUntransferable } from 'node:worker_threads';
import { DecimalType, formatDecimal, parseDecimalBig, readBig, readSafe, safeByteLength, scanDecimal, SLOW, toTwosComplement, writeSafe } from '../decimal';
import { buildAvroType } from '../schema';
import { PRELUDE } from './prelude';

export interface CompiledAvroCodec {
  /** The Avro binary encoding of `value`; throws InvalidValueError (having produced nothing) when the fast path refuses it. */
  encode(value: unknown): Buffer;
  /** `0x00 | schemaId (uint32 BE) | encode(value)` in one buffer (the Confluent wire format); schemaId must be in 1..2^31-1. */
  encodeFramed(schemaId: number, value: unknown): Buffer;
  /** The value encoded in buf[offset, buf.length): throws on truncated input or trailing bytes. */
  decode(buf: Buffer, offset?: number): unknown;
}

/** The compiled encoder refused a value (invalid, or one of the few avsc accepts by coercion only). */
export class InvalidValueError extends Error {
  constructor(what: string) {
    super(`not a valid value: ${what}`);
    this.name = 'InvalidValueError';
  }
}

class Unsupported extends Error {}

interface Field {
  readonly name: string;
  readonly type: avro.Type;
  defaultValue(): unknown;
}

const RUNTIME = {
  Buffer,
  markAsUntransferable,
  InvalidValueError,
  scanDecimal,
  SLOW,
  parseDecimalBig,
  toTwosComplement,
  safeByteLength,
  writeSafe,
  readSafe,
  readBig,
  formatDecimal,
  littleEndian: os.endianness() === 'LE',
};

/** Value bucket of an unwrapped union branch, as avsc dispatches on it. */
type Bucket = 'null' | 'boolean' | 'number' | 'string' | 'buffer' | 'array' | 'object';

function bucketOf(type: avro.Type): Bucket {
  switch (type.typeName) {
    case 'null':
    case 'boolean':
    case 'string':
    case 'array':
      return type.typeName;
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'bytes':
    case 'fixed':
      return 'buffer';
    case 'enum':
      return 'string';
    case 'map':
    case 'record':
      return 'object';
    default:
      throw new Unsupported(`union branch ${String(type.typeName)}`);
  }
}

/** JS test that `x` falls in `bucket` (getValueBucket of avsc). */
function bucketTest(bucket: Bucket, x: string): string {
  switch (bucket) {
    case 'null':
      return `${x} === null`;
    case 'boolean':
    case 'number':
    case 'string':
      return `typeof ${x} === '${bucket}'`;
    case 'buffer':
      return `(typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x}) && Buffer.isBuffer(${x}))`;
    case 'array':
      return `Array.isArray(${x})`;
    case 'object':
      return `(typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x}) && !Buffer.isBuffer(${x}))`;
  }
}

const lit = (value: unknown): string => JSON.stringify(value);

/** Smallest number of bytes a value of `type` takes (bounds array/map counts against the input). */
function minSize(type: avro.Type, seen = new Set<avro.Type>()): number {
  if (type instanceof DecimalType) return minSize(type.underlyingType, seen);
  switch (type.typeName) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return (type as avro.types.FixedType).size;
    case 'record': {
      if (seen.has(type)) return 0;
      seen.add(type);
      let n = 0;
      for (const f of (type as avro.types.RecordType).fields as unknown as Field[]) n += minSize(f.type, seen);
      seen.delete(type);
      return n;
    }
    default:
      return 1;
  }
}

class Generator {
  /** Values the generated code closes over, as `K[i]`. */
  readonly consts: unknown[] = [];
  readonly decls: string[] = [];
  private readonly writers = new Map<avro.Type, string>();
  private readonly readers = new Map<avro.Type, string>();
  private n = 0;

  private id(prefix: string): string {
    return `${prefix}${this.n++}`;
  }

  /**
   * A constant written in the generated source (its strings are then literals: internalized, so
   * that comparing them with property keys and other literals is a pointer comparison).
   */
  private literal(source: string): string {
    const name = this.id('k');
    this.decls.push(`const ${name} = ${source};`);
    return name;
  }

  /** A constant as a closure variable of the generated code. */
  private constant(value: unknown): string {
    const name = this.id('k');
    this.decls.push(`const ${name} = K[${this.consts.length}];`);
    this.consts.push(value);
    return name;
  }

  describe(type: avro.Type): string {
    return type.name ?? String(type.typeName);
  }

  // -------------------------------------------------------------------------------------------
  // encode: statements that validate and write the value of the JS variable `x`

  write(type: avro.Type, x: string, what: string): string {
    const w = lit(what);
    if (type instanceof DecimalType) {
      const spec = this.constant({ precision: type.precision, scale: type.scale });
      // scanDec's bound on the unscaled value (0: its fast path does not apply, use scanDecimal)
      const limit = type.scale > 22 ? '0' : type.precision > 15 ? 'Infinity' : String(10 ** type.precision);
      const args = `${x}, ${type.precision}, ${type.scale}, ${spec}, ${limit}`;
      const underlying = type.underlyingType;
      if (underlying.typeName === 'fixed') return `wDecFixed(${args}, ${(underlying as avro.types.FixedType).size}, ${w});`;
      return `wDecBytes(${args}, ${w});`;
    }
    switch (type.typeName) {
      case 'null':
        return `if (${x} !== null) fail(${w});`;
      case 'boolean':
        return `if (${x} === true) wByte(1); else if (${x} === false) wByte(0); else fail(${w});`;
      case 'int':
        return `if (${x} !== (${x} | 0)) fail(${w}); wLong(${x});`;
      case 'long':
        // avsc: a number with n % 1 === 0 in +-(2^53 - 2) (floor instead of % (a call for a double): the same once in range)
        return `if (typeof ${x} !== 'number' || !(${x} >= -9007199254740990 && ${x} <= 9007199254740990) || floor(${x}) !== ${x}) fail(${w}); wLong(${x});`;
      case 'float':
        return `if (typeof ${x} !== 'number') fail(${w}); wFloat(${x});`;
      case 'double':
        return `if (typeof ${x} !== 'number') fail(${w}); wDouble(${x});`;
      case 'string':
        return `if (typeof ${x} !== 'string') fail(${w}); wStr(${x}, ${w});`;
      case 'bytes':
        return `wBytes(${x}, ${w});`;
      case 'fixed':
        return `wFixed(${x}, ${(type as avro.types.FixedType).size}, ${w});`;
      case 'enum':
      case 'record':
      case 'array':
      case 'map':
      case 'union:unwrapped':
        return `${this.writer(type)}(${x});`;
      default:
        throw new Unsupported(`type ${String(type.typeName)}`);
    }
  }

  /** A function writing a value of a composite type (one per type: named types may recurse). */
  private writer(type: avro.Type): string {
    const known = this.writers.get(type);
    if (known) return known;
    const name = this.id('w');
    this.writers.set(type, name);
    const what = this.describe(type);
    let body: string;
    switch (type.typeName) {
      case 'enum':
        body = this.enumWriter(type as avro.types.EnumType, what);
        break;
      case 'record':
        body = this.recordWriter(type as avro.types.RecordType, what);
        break;
      case 'array': {
        const items = (type as avro.types.ArrayType).itemsType;
        body = [
          `if (!Array.isArray(v)) fail(${lit(what)});`,
          `const n = v.length;`,
          `if (n > 0) {`,
          `wLong(n);`,
          `for (let i = 0; i < n; i++) {`,
          `const x = v[i];`,
          this.write(items, 'x', `${what} item`),
          `}`,
          `}`,
          `wByte(0);`,
        ].join('\n');
        break;
      }
      case 'map': {
        const values = (type as avro.types.MapType).valuesType as avro.Type;
        body = [
          `if (!v || typeof v !== 'object' || Array.isArray(v)) fail(${lit(what)});`,
          `const keys = Object.keys(v);`,
          `const n = keys.length;`,
          `if (n > 0) {`,
          `wLong(n);`,
          `for (let i = 0; i < n; i++) {`,
          `const key = keys[i];`,
          `wStr(key, 'map key');`,
          `const x = v[key];`,
          this.write(values, 'x', `${what} value`),
          `}`,
          `}`,
          `wByte(0);`,
        ].join('\n');
        break;
      }
      default:
        body = this.unionWriter(type as avro.types.UnwrappedUnionType, what);
    }
    this.decls.push(`function ${name}(v) {\n${body}\n}`);
    return name;
  }

  private enumWriter(type: avro.types.EnumType, what: string): string {
    const symbols = type.symbols;
    // a switch over a few symbols, a Map beyond (indexes below 64 are one varint byte)
    const lookup =
      symbols.length <= 32
        ? `switch (v) {\n${symbols.map((s, i) => `case ${lit(s)}: wByte(${2 * i}); return;`).join('\n')}\n}`
        : `const i = ${this.literal(`new Map(${lit(symbols.map((s, i) => [s, i]))})`)}.get(v);\nif (i !== undefined) { wLong(i); return; }`;
    return [`if (typeof v === 'string') {`, lookup, `}`, `fail(${lit(what)});`].join('\n');
  }

  private recordWriter(type: avro.types.RecordType, what: string): string {
    const fields = type.fields as unknown as Field[];
    const lines = [`if (typeof v !== 'object' || v === null) fail(${lit(what)});`];
    fields.forEach((f, i) => {
      if (f.name === '__proto__') throw new Unsupported('a field named __proto__');
      const x = `f${i}`;
      const fieldWhat = `${what}.${f.name}`;
      lines.push(`const ${x} = v[${lit(f.name)}];`);
      const dflt: unknown = f.defaultValue();
      if (dflt === undefined) {
        lines.push(this.write(f.type, x, fieldWhat));
      } else {
        // avsc writes the default's bytes for an undefined value
        const bytes = f.type.toBuffer(dflt);
        const raw = bytes.length <= 4 ? [...bytes].map((b) => `wByte(${b});`).join(' ') : `wRaw(${this.constant(bytes)});`;
        lines.push(`if (${x} === undefined) { ${raw} } else {`, this.write(f.type, x, fieldWhat), `}`);
      }
    });
    // no undeclared fields: the for-in keys (a superset of the own enumerable ones) in field
    // order; anything else (another order, inherited or undeclared keys) takes the exact check
    const names = this.literal(lit(fields.map((f) => f.name)));
    const declared = this.literal(`new Set(${names})`);
    lines.push(
      `let j = 0;`,
      `for (const key in v) {`,
      `while (j < ${fields.length} && ${names}[j] !== key) j++;`,
      `if (j === ${fields.length}) {`,
      `if (undeclared(v, ${declared})) fail(${lit(`${what}: undeclared field`)});`,
      `break;`,
      `}`,
      `j++;`,
      `}`,
    );
    return lines.join('\n');
  }

  private unionWriter(type: avro.types.UnwrappedUnionType, what: string): string {
    const branches = type.types;
    if (branches.length > 64) throw new Unsupported('a union of more than 64 branches'); // indexes are one varint byte
    const logical = branches.filter((t) => t instanceof avro.types.LogicalType);
    const lines: string[] = [];
    if (logical.length > 0) {
      // avsc tries logical branches on every value (an error when one also matches the value's
      // bucket): covered when the only logical branch is a decimal and no branch takes strings
      const others = branches.filter((t) => !(t instanceof avro.types.LogicalType));
      if (logical.length > 1 || !(logical[0] instanceof DecimalType) || others.some((t) => bucketOf(t) === 'string')) {
        throw new Unsupported('a union with logical branches');
      }
    }
    branches.forEach((t, i) => {
      if (t instanceof DecimalType) return;
      lines.push(`if (${bucketTest(bucketOf(t), 'v')}) {`, `wByte(${2 * i});`, this.write(t, 'v', what), `return;`, `}`);
    });
    branches.forEach((t, i) => {
      if (t instanceof DecimalType) lines.push(`if (typeof v === 'string') {`, `wByte(${2 * i});`, this.write(t, 'v', what), `return;`, `}`);
    });
    lines.push(`fail(${lit(what)});`);
    return lines.join('\n');
  }

  // -------------------------------------------------------------------------------------------
  // decode: an expression reading one value

  read(type: avro.Type): string {
    if (type instanceof DecimalType) {
      const unit = type.scale >= 1 && type.scale <= 15 ? 10 ** type.scale : 0;
      const underlying = type.underlyingType;
      if (underlying.typeName === 'fixed') return `rDecFixed(${(underlying as avro.types.FixedType).size}, ${type.scale}, ${unit})`;
      return `rDecBytes(${type.scale}, ${unit})`;
    }
    switch (type.typeName) {
      case 'null':
        return 'null';
      case 'boolean':
        return 'rBool()';
      case 'int':
        return 'rLong()';
      case 'long':
        return 'rSafeLong()';
      case 'float':
        return 'rFloat()';
      case 'double':
        return 'rDouble()';
      case 'string':
        return 'rStr()';
      case 'bytes':
        return 'rBytes()';
      case 'fixed':
        return `rFixed(${(type as avro.types.FixedType).size})`;
      case 'enum':
      case 'record':
      case 'array':
      case 'map':
      case 'union:unwrapped':
        return `${this.reader(type)}()`;
      default:
        throw new Unsupported(`type ${String(type.typeName)}`);
    }
  }

  private reader(type: avro.Type): string {
    const known = this.readers.get(type);
    if (known) return known;
    const name = this.id('r');
    this.readers.set(type, name);
    let body: string;
    switch (type.typeName) {
      case 'enum': {
        const symbols = (type as avro.types.EnumType).symbols;
        const table = this.literal(lit(symbols));
        // an index below 64 is one varint byte (2 * index): read here, without a call
        body = [
          `const p = rp;`,
          `if (p < re) {`,
          `const c = rb[p];`,
          `if (c < ${Math.min(2 * symbols.length, 128)} && (c & 1) === 0) {`,
          `rp = p + 1;`,
          `return ${table}[c >>> 1];`,
          `}`,
          `}`,
          `const i = rLong();`,
          `if (i >= 0 && i < ${symbols.length}) return ${table}[i];`,
          `return badEnum(${lit(type.name ?? 'enum')}, i);`,
        ].join('\n');
        break;
      }
      case 'record': {
        const fields = (type as avro.types.RecordType).fields as unknown as Field[];
        body = `return {\n${fields.map((f) => `${lit(f.name)}: ${this.read(f.type)},`).join('\n')}\n};`;
        break;
      }
      case 'array': {
        const items = (type as avro.types.ArrayType).itemsType;
        const guard = minSize(items) > 0 ? `if (n > re - rp) oversized(n);` : '';
        body = [
          `const out = [];`,
          `for (let n = rCount(); n !== 0; n = rCount()) {`,
          guard,
          `for (; n > 0; n--) out.push(${this.read(items)});`,
          `}`,
          `return out;`,
        ].join('\n');
        break;
      }
      case 'map': {
        const values = (type as avro.types.MapType).valuesType as avro.Type;
        body = [
          `const out = {};`,
          `for (let n = rCount(); n !== 0; n = rCount()) {`,
          `if (n > re - rp) oversized(n);`,
          `for (; n > 0; n--) {`,
          `const key = rStr();`,
          `out[key] = ${this.read(values)};`,
          `}`,
          `}`,
          `return out;`,
        ].join('\n');
        break;
      }
      default: {
        const branches = (type as avro.types.UnwrappedUnionType).types;
        // branch indexes are one varint byte (at most 64 branches), read here without a call
        body = [
          `const p = rp;`,
          `if (p >= re) truncated();`,
          `const c = rb[p];`,
          `rp = p + 1;`,
          ...branches.map((t, i) => `if (c === ${2 * i}) return ${this.read(t)};`),
          // a longer (non-canonical) varint
          `rp = p;`,
          `const i = rLong();`,
          ...branches.map((t, i) => `if (i === ${i}) return ${this.read(t)};`),
          `return badUnion(i);`,
        ].join('\n');
      }
    }
    this.decls.push(`function ${name}() {\n${body}\n}`);
    return name;
  }
}

/** The generated source of `type`'s codec (the body of `new Function('rt', 'K', source)`). */
function generate(type: avro.Type): { source: string; consts: unknown[] } {
  const gen = new Generator();
  const root = gen.write(type, 'v', gen.describe(type));
  const read = gen.read(type);
  const source = [
    PRELUDE,
    ...gen.decls,
    `function writeRoot(v) {\n${root}\n}`,
    `function readRoot() {\nreturn ${read};\n}`,
    `return {`,
    `encode(v) {`,
    `pos = top;`,
    `writeRoot(v);`,
    `return take();`,
    `},`,
    `encodeFramed(id, v) {`,
    `if (!(Number.isInteger(id) && id >= 1 && id <= 0x7fffffff)) throw new RangeError('schema id must be an integer in 1..2147483647, got ' + id);`,
    `pos = top;`,
    `if (pos + 5 > cap) grow(5);`,
    `pos += 5;`,
    `writeRoot(v);`,
    `const b = buf;`,
    `const p = top;`,
    `b[p] = 0;`,
    `b[p + 1] = id >>> 24;`,
    `b[p + 2] = id >>> 16;`,
    `b[p + 3] = id >>> 8;`,
    `b[p + 4] = id;`,
    `return take();`,
    `},`,
    `decode(b, offset = 0) {`,
    `rb = b;`,
    `rp = offset;`,
    `re = b.length;`,
    `try {`,
    `const value = readRoot();`,
    `if (rp !== re) throw new Error('trailing data');`,
    `return value;`,
    `} finally {`,
    `rb = EMPTY;`,
    `}`,
    `},`,
    `};`,
  ].join('\n');
  return { source, consts: gen.consts };
}

/** The compiled codec of an avsc type built by buildAvroType; undefined when the type has a construct it does not cover. */
export function compileAvroTypeCodec(type: avro.Type): CompiledAvroCodec | undefined {
  let generated: { source: string; consts: unknown[] };
  try {
    generated = generate(type);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const factory = new Function('rt', 'K', generated.source) as (rt: typeof RUNTIME, consts: unknown[]) => CompiledAvroCodec;
  return factory(RUNTIME, generated.consts);
}

/** The compiled codec of a schema with its references (as buildAvroType takes them); undefined when unsupported. */
export function compileAvroCodec(schema: unknown, references: ReadonlyMap<string, unknown> = new Map()): CompiledAvroCodec | undefined {
  return compileAvroTypeCodec(buildAvroType(schema, references));
}

/** The generated source, for debugging. */
export function compiledAvroSource(type: avro.Type): string | undefined {
  try {
    return generate(type).source;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
