/**
 * The compiled Avro codec against avsc, differentially: every Avro contract of the repository and
 * a schema with every construct the compiler covers, on avsc's random values, on wider random
 * values (full long/int ranges, NaN and infinities, non-ASCII strings across the fast-path
 * length boundaries, decimals in every accepted form and on the BigInt path), and on mutations of
 * them. Encode: the same bytes as avsc's toBuffer whenever avsc's strict isValid accepts the value,
 * an InvalidValueError whenever it does not. Decode: the same values as avsc's fromBuffer (as plain
 * data), and an error wherever avsc has one (truncated input, trailing bytes, corrupt bytes).
 */
import { isDeepStrictEqual } from 'node:util';
import type * as avro from 'avsc';
import { loadProject, referencedSchemas } from '@dynamic-capital/contracts-model';
import { buildAvroType, DecimalType, encodeFrame, formatDecimal } from '../../src';
import { compileAvroCodec, compileAvroTypeCodec, InvalidValueError, type CompiledAvroCodec } from '../../src/serde/compiled';
import { ROOT } from './contracts';

const STRICT = { noUndeclaredFields: true };

/** mulberry32: a seeded generator, so that a failure reproduces. */
class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
}

const INTS = [0, -0, 1, -1, 63, 64, -64, -65, 8191, 8192, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31 - 1, -(2 ** 31)];
const LONGS = [
  ...INTS,
  2 ** 31,
  2 ** 32,
  -(2 ** 35),
  2 ** 49 - 1,
  2 ** 49,
  -(2 ** 49),
  2 ** 52 - 1,
  2 ** 52,
  2 ** 52 + 1,
  -(2 ** 52) - 1,
  -(2 ** 52) - 3,
  2 ** 53 - 2,
  -(2 ** 53) + 2,
  1_764_000_000_000,
];
const DOUBLES = [0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 5e-324, 1e21, 0.1, 3.4028234663852886e38];
const CHARS = ['a', 'Z', '0', '-', ' ', '\u0000', '\u007f', '\u0080', 'é', 'ß', '\u07ff', '\u0800', '日', '\uffff', '😀', '𝄞'];

function randomString(r: Rng): string {
  const length = r.pick([0, 1, 4, 23, 24, 25, 31, 32, 33, 63, 64, 65, 100, r.int(200)]);
  if (r.chance(0.5)) return Array.from({ length }, () => String.fromCharCode(32 + r.int(95))).join('');
  const chars = Array.from({ length }, () => (r.chance(0.8) ? String.fromCharCode(32 + r.int(95)) : r.pick(CHARS)));
  return chars.join('');
}

/** A decimal string that fits (precision, scale), in one of the forms a writer accepts. */
function randomDecimal(r: Rng, precision: number, scale: number): string {
  const digits = r.pick([0, 1, 2, precision - 1, precision, r.int(precision + 1)]);
  let unscaled = '';
  for (let i = 0; i < digits; i++) unscaled += String(i === 0 ? 1 + r.int(9) : r.int(10));
  unscaled = unscaled.padStart(scale + 1, '0');
  let int = unscaled.slice(0, unscaled.length - scale);
  let frac = unscaled.slice(unscaled.length - scale);
  if (r.chance(0.3)) frac = frac.replace(/0+$/, ''); // trailing zeros are optional...
  if (r.chance(0.2)) frac += '000'; // ...and may run past the scale
  if (r.chance(0.1)) int = '00' + int; // leading zeros do not count
  const sign = r.chance(0.4) ? '-' : '';
  return frac === '' ? `${sign}${int}` : `${sign}${int}.${frac}`;
}

/** A wider random value of `type` than avsc's random(). */
function randomValue(type: avro.Type, r: Rng, depth = 0): unknown {
  if (type instanceof DecimalType) return randomDecimal(r, type.precision, type.scale);
  switch (type.typeName) {
    case 'null':
      return null;
    case 'boolean':
      return r.chance(0.5);
    case 'int':
      return r.chance(0.5) ? r.pick(INTS) : (r.int(2 ** 32) | 0) >> r.int(32);
    case 'long':
      return r.chance(0.5) ? r.pick(LONGS) : Math.floor((r.next() - 0.5) * 2 ** r.int(54));
    case 'float':
    case 'double':
      return r.chance(0.5) ? r.pick(DOUBLES) : (r.next() - 0.5) * 10 ** r.int(40);
    case 'string':
      return randomString(r);
    case 'bytes':
      return Buffer.from(Array.from({ length: r.int(40) }, () => r.int(256)));
    case 'fixed':
      return Buffer.from(Array.from({ length: (type as avro.types.FixedType).size }, () => r.int(256)));
    case 'enum':
      return r.pick((type as avro.types.EnumType).symbols);
    case 'array':
      return Array.from({ length: depth > 3 ? 0 : r.int(4) }, () => randomValue((type as avro.types.ArrayType).itemsType, r, depth + 1));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (let i = depth > 3 ? 0 : r.int(4); i > 0; i--) out[randomString(r)] = randomValue((type as avro.types.MapType).valuesType as avro.Type, r, depth + 1);
      return out;
    }
    case 'record': {
      const out: Record<string, unknown> = {};
      for (const f of (type as avro.types.RecordType).fields) {
        if (f.defaultValue() !== undefined && r.chance(0.15)) {
          if (r.chance(0.5)) out[f.name] = undefined; // else absent: both write the default
        } else out[f.name] = randomValue(f.type, r, depth + 1);
      }
      return out;
    }
    default: {
      const branches = (type as avro.types.UnwrappedUnionType).types;
      // deep down, the null branch (recursive schemas end)
      const nullBranch = branches.find((t) => t.typeName === 'null');
      return randomValue(depth > 3 && nullBranch ? nullBranch : r.pick(branches), r, depth + 1);
    }
  }
}

/** Plain data of an avsc value (its records are instances of generated classes). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (Buffer.isBuffer(value) || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = plain((value as Record<string, unknown>)[k]);
  return out;
}

/** Every (parent, key) of a value tree, the root as (undefined, undefined). */
function slots(value: unknown, out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = []): typeof out {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push({ parent: value, key: i });
      slots(v, out);
    });
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const k of Object.keys(value)) {
      out.push({ parent: value as Record<string, unknown>, key: k });
      slots((value as Record<string, unknown>)[k], out);
    }
  }
  return out;
}

const WEIRD: readonly unknown[] = [
  undefined,
  null,
  0,
  -0,
  1,
  -1,
  1.5,
  NaN,
  Infinity,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  2 ** 53 - 1,
  9007199254740990,
  '',
  'x',
  'USDT',
  'BUY',
  '1.5',
  '-0',
  '1.000000001',
  '1.100000000000',
  '99999999999.99999999',
  '9999999999.99999999',
  '1234567890',
  '123456789.1234',
  '1234567.12',
  '1e3',
  ' 1',
  '1.',
  '.5',
  '+1',
  '--1',
  '١',
  true,
  false,
  [],
  [1],
  {},
  { a: 1 },
  Buffer.from([1, 2]),
  Buffer.alloc(0),
  Buffer.alloc(4),
];

/** A copy of `value` with one change somewhere: a replaced, deleted or added field or item. */
function mutate(value: unknown, r: Rng): unknown {
  const root = { v: structuredCopy(value) };
  const all = slots(root);
  const { parent, key } = r.pick(all);
  const kind = r.int(10);
  if (kind === 0 && !Array.isArray(parent)) Reflect.deleteProperty(parent, key);
  else if (kind === 1) {
    const objects = all
      .map((s) => (s.parent as Record<string, unknown>[])[s.key as number])
      .filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v));
    if (objects.length > 0) (r.pick(objects) as Record<string, unknown>)[r.pick(['extra_field', 'x', 'zz'])] = r.pick(WEIRD);
  } else if (Array.isArray(parent)) parent[key as number] = r.pick(WEIRD);
  else parent[key as string] = r.pick(WEIRD);
  return root.v;
}

/** A deep copy keeping Buffers (structuredClone would turn them into Uint8Arrays). */
function structuredCopy(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(structuredCopy);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = structuredCopy((value as Record<string, unknown>)[k]);
  return out;
}

function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)).slice(0, 400);
  } catch {
    return String(value);
  }
}

/** Encode agrees with avsc on `value`: same bytes when avsc's strict isValid accepts it, an InvalidValueError when not. */
function expectSameEncode(type: avro.Type, codec: CompiledAvroCodec, value: unknown): void {
  const valid = type.isValid(value, STRICT);
  const ours = outcome(() => codec.encode(value));
  if (valid !== ours.ok)
    throw new Error(`avsc isValid ${valid}, compiled encode ${ours.ok ? 'wrote it' : String((ours as { error: unknown }).error)}: ${show(value)}`);
  if (!ours.ok) {
    expect(ours.error).toBeInstanceOf(InvalidValueError);
    return;
  }
  const bytes = type.toBuffer(value);
  if (!bytes.equals(ours.value as Buffer))
    throw new Error(`bytes differ for ${show(value)}:\n avsc ${bytes.toString('hex')}\n ours ${(ours.value as Buffer).toString('hex')}`);
  expect(codec.encodeFramed(0x01020304, value).equals(encodeFrame(0x01020304, bytes))).toBe(true);
}

/** Decode agrees with avsc on `bytes`: the same value (as plain data), or an error from both. */
function expectSameDecode(type: avro.Type, codec: CompiledAvroCodec, bytes: Buffer): void {
  const ours = outcome(() => codec.decode(bytes));
  // a corrupt block count larger than the input: avsc would read on past the end (allocating an
  // array of that length: a crash for a large one), the compiled codec stops
  if (!ours.ok && String(ours.error).includes('items')) return;
  const theirs = outcome(() => plain(type.fromBuffer(bytes)));
  if (theirs.ok !== ours.ok) throw new Error(`avsc ${theirs.ok ? 'decodes' : 'throws'}, compiled ${ours.ok ? 'decodes' : 'throws'}: ${bytes.toString('hex')}`);
  if (theirs.ok && ours.ok && !isDeepStrictEqual(ours.value, theirs.value)) {
    throw new Error(`values differ for ${bytes.toString('hex')}:\n avsc ${show(theirs.value)}\n ours ${show(ours.value)}`);
  }
}

function avroContracts(): { name: string; type: avro.Type; schema: unknown; references: ReadonlyMap<string, unknown> }[] {
  const { graph } = loadProject(ROOT);
  const out = [];
  for (const [name, contract] of graph.contracts) {
    const doc = contract.schema;
    if (doc?.format !== 'avro') continue;
    const references = referencedSchemas(graph, doc);
    out.push({ name, type: buildAvroType(doc.document.value, references), schema: doc.document.value, references });
  }
  return out;
}

const decimal = (precision: number, scale: number): avro.Schema => ({ type: 'bytes', logicalType: 'decimal', precision, scale }) as avro.Schema;

/** Every construct the compiler covers (and the corners of each). */
const SINK: avro.Schema = {
  type: 'record',
  name: 'Sink',
  namespace: 'test.compiled',
  fields: [
    { name: 'b', type: 'boolean' },
    { name: 'i', type: 'int' },
    { name: 'l', type: 'long' },
    { name: 'f', type: 'float' },
    { name: 'd', type: 'double' },
    { name: 's', type: 'string' },
    { name: 'by', type: 'bytes' },
    { name: 'fx', type: { type: 'fixed', name: 'Four', size: 4 } },
    { name: 'e', type: { type: 'enum', name: 'Small', symbols: ['A', 'B', 'C'] } },
    { name: 'mid', type: { type: 'enum', name: 'Mid', symbols: Array.from({ length: 40 }, (_, i) => `M${i}`) } },
    { name: 'big', type: { type: 'enum', name: 'Big', symbols: Array.from({ length: 70 }, (_, i) => `B${i}`) } },
    { name: 'dec', type: decimal(18, 8) },
    { name: 'dec0', type: decimal(9, 0) },
    { name: 'decWide', type: decimal(38, 18) },
    { name: 'decHuge', type: decimal(40, 30) },
    { name: 'decFixed', type: { type: 'fixed', name: 'Dec16', size: 16, logicalType: 'decimal', precision: 30, scale: 6 } },
    { name: 'decFixedSmall', type: { type: 'fixed', name: 'Dec3', size: 3, logicalType: 'decimal', precision: 6, scale: 2 } },
    { name: 'optDec', type: ['null', decimal(12, 4)], default: null },
    { name: 'numOrDec', type: ['null', 'long', decimal(12, 4)] },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'uuid', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'date', type: { type: 'int', logicalType: 'date' } },
    { name: 'arr', type: { type: 'array', items: { type: 'map', values: 'long' } } },
    { name: 'map', type: { type: 'map', values: { type: 'array', items: 'string' } } },
    {
      name: 'any',
      type: ['null', 'string', 'long', 'boolean', 'bytes', { type: 'array', items: 'int' }, { type: 'map', values: 'double' }],
    },
    {
      name: 'list',
      type: [
        'null',
        {
          type: 'record',
          name: 'Node',
          fields: [
            { name: 'value', type: 'int' },
            { name: 'next', type: ['null', 'Node'] },
          ],
        },
      ],
    },
    { name: 'stringFirst', type: ['string', 'null'], default: 'dflt' },
    {
      name: 'defaults',
      type: {
        type: 'record',
        name: 'Defaults',
        fields: [
          { name: 'ds', type: 'string', default: 'héllo' },
          { name: 'di', type: 'int', default: 42 },
          { name: 'dl', type: 'long', default: -5 },
          { name: 'dd', type: 'double', default: 1.5 },
          { name: 'db', type: 'boolean', default: true },
          { name: 'de', type: 'Small', default: 'B' },
          { name: 'da', type: { type: 'array', items: 'int' }, default: [1, 2] },
          { name: 'dm', type: { type: 'map', values: 'string' }, default: { k: 'v' } },
          { name: 'dr', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int', default: 7 }] }, default: { x: 3 } },
          { name: 'dn', type: ['null', 'string'], default: null },
        ],
      },
      default: {},
    },
    { name: 'dby', type: 'bytes', default: '\u00ff\u0000' },
    { name: 'optMap', type: ['null', { type: 'map', values: 'int' }], default: null },
    { name: 'optDefaults', type: ['null', 'Defaults'], default: null },
    { name: 'empty', type: { type: 'record', name: 'Empty', fields: [] } },
  ],
} as avro.Schema;

const cases = [...avroContracts(), { name: 'every construct', type: buildAvroType(SINK), schema: SINK, references: new Map<string, unknown>() }];

describe.each(cases)('compiled Avro codec: $name', ({ name, type, schema, references }) => {
  const codec = compileAvroCodec(schema, references) as CompiledAvroCodec;
  const seed = [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261);

  it('compiles', () => {
    expect(codec).toBeDefined();
  });

  it("writes avsc's bytes and reads avsc's values back, on avsc's random values", () => {
    for (let i = 0; i < 300; i++) {
      const value = type.random();
      expectSameEncode(type, codec, value); // a record instance: for-in sees its prototype's methods
      expectSameEncode(type, codec, plain(value));
      expectSameDecode(type, codec, type.toBuffer(value));
    }
  });

  it('...on wider random values', () => {
    const r = new Rng(seed);
    for (let i = 0; i < 1000; i++) {
      const value = randomValue(type, r);
      expect(type.isValid(value, STRICT)).toBe(true);
      expectSameEncode(type, codec, value);
      expectSameDecode(type, codec, type.toBuffer(value));
    }
  });

  it('refuses exactly the values avsc refuses (mutations: wrong types, missing and undeclared fields, bad symbols, inexact decimals, unsafe longs)', () => {
    const r = new Rng(seed ^ 1);
    let invalid = 0;
    for (let i = 0; i < 2000; i++) {
      const value = mutate(randomValue(type, r), r);
      expectSameEncode(type, codec, value);
      if (!type.isValid(value, STRICT)) invalid++;
      else expectSameDecode(type, codec, type.toBuffer(value));
    }
    expect(invalid).toBeGreaterThan(600);
  });

  it('throws where avsc throws on truncated, padded and corrupted input, and decodes at an offset', () => {
    const r = new Rng(seed ^ 2);
    const throws = (f: () => unknown): boolean => !outcome(f).ok;
    for (let i = 0; i < 40; i++) {
      const bytes = type.toBuffer(randomValue(type, r));
      if (i < 8) {
        // every strict prefix (the decode of a prefix reads what the whole one reads, until it runs out)
        const prefixes = Array.from({ length: bytes.length }, (_, n) => bytes.subarray(0, n));
        expect(prefixes.filter((p) => !throws(() => codec.decode(p)) || !throws(() => type.fromBuffer(p)))).toEqual([]);
      }
      expect(() => codec.decode(Buffer.concat([bytes, Buffer.from([0])]))).toThrow('trailing data');
      const framed = encodeFrame(7, bytes);
      expect(isDeepStrictEqual(codec.decode(framed, 5), plain(type.fromBuffer(bytes)))).toBe(true);
      for (let k = 0; k < 10 && bytes.length > 0; k++) {
        const corrupt = Buffer.from(bytes);
        corrupt[r.int(bytes.length)] = r.int(256);
        expectSameDecode(type, codec, corrupt);
      }
    }
  });
});

describe('compiled Avro codec: corners', () => {
  const sink = buildAvroType(SINK);
  const codec = compileAvroTypeCodec(sink) as CompiledAvroCodec;
  const r = new Rng(7);
  const base = (): Record<string, unknown> => randomValue(sink, r) as Record<string, unknown>;

  it('writes every long and int at the varint boundaries as avsc does (and reads them back)', () => {
    for (const l of LONGS.flatMap((n) => [n, -n, n + 1, n - 1]).filter((n) => Math.abs(n) <= 2 ** 53 - 2)) {
      expectSameEncode(sink, codec, { ...base(), l, ts: l });
      expectSameDecode(sink, codec, sink.toBuffer({ ...base(), l }));
    }
    for (const i of INTS) expectSameEncode(sink, codec, { ...base(), i });
    for (const l of [2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, 1.5, NaN, Infinity, '1']) expect(() => codec.encode({ ...base(), l })).toThrow(InvalidValueError);
    for (const i of [2 ** 31, -(2 ** 31) - 1, 0.5, NaN, '1']) expect(() => codec.encode({ ...base(), i })).toThrow(InvalidValueError);
  });

  it('reads what avsc reads from non-canonical and oversized varints (an int past 32 bits, a long past 2^53 - 2)', () => {
    const intType = buildAvroType('int');
    const longType = buildAvroType('long');
    const ints = compileAvroTypeCodec(intType) as CompiledAvroCodec;
    const longs = compileAvroTypeCodec(longType) as CompiledAvroCodec;
    const varints = [
      [0x80, 0x00],
      [0x81, 0x80, 0x80, 0x80, 0x00],
      [0xff, 0xff, 0xff, 0xff, 0x7f],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
      [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f],
      [0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00],
    ];
    for (const v of varints) {
      expectSameDecode(intType, ints, Buffer.from(v));
      expectSameDecode(longType, longs, Buffer.from(v));
    }
  });

  it('writes non-ASCII strings and map keys as avsc does, and leaves lone surrogates to avsc', () => {
    for (const s of ['é', '日本語', '😀', 'a'.repeat(63) + 'é', 'é'.repeat(32), 'x'.repeat(64), 'x'.repeat(1000) + '😀', '\u0000\u0080\u07ff\u0800\uffff']) {
      expectSameEncode(sink, codec, { ...base(), s, map: { [s]: [s] } });
      expectSameDecode(sink, codec, sink.toBuffer({ ...base(), s, map: { [s]: [s] } }));
    }
    for (const s of ['\ud800', 'a\udc00b', 'x'.repeat(70) + '\ud83d']) {
      expect(sink.isValid({ ...base(), s }, STRICT)).toBe(true);
      expect(() => codec.encode({ ...base(), s })).toThrow(InvalidValueError);
    }
  });

  it('checks decimals as DecimalType does, on its fast path and on the BigInt path', () => {
    const ok = ['0', '-0', '-0.000', '000123.45', '1.10000000000000', '9999999999.99999999', '-9999999999.99999999', '90071992.54740991', '90071992.54740993'];
    for (const dec of ok) expectSameEncode(sink, codec, { ...base(), dec });
    const bad = ['', '-', '1.', '.5', '+1', '1e3', ' 1', '1 ', '1.000000001', '99999999999.99999999', '١', '0x10', '1..2', '--1'];
    for (const dec of bad) expect(() => codec.encode({ ...base(), dec })).toThrow(InvalidValueError);
    for (const decWide of ['12345678901234567890.123456789012345678', '-1', '0.000000000000000001', '99999999999999999999.999999999999999999']) {
      expectSameEncode(sink, codec, { ...base(), decWide });
    }
    expect(() => codec.encode({ ...base(), decWide: '1.0000000000000000001' })).toThrow(InvalidValueError);
    for (const decFixed of ['-999999999999999999999999.999999', '0.000001', '-0.000001']) expectSameEncode(sink, codec, { ...base(), decFixed });
  });

  it("writes and reads decimals at every two's complement length and precision boundary", () => {
    const fields = (sink as avro.types.RecordType).fields.filter((f) => f.type instanceof DecimalType);
    expect(fields.map((f) => f.name)).toEqual(['dec', 'dec0', 'decWide', 'decHuge', 'decFixed', 'decFixedSmall']);
    for (const f of fields) {
      const { precision, scale } = f.type as DecimalType;
      const most = 10n ** BigInt(precision) - 1n;
      const unscaled = [most, -most, ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((k) => [2n ** BigInt(8 * k - 1), -(2n ** BigInt(8 * k - 1))])]
        .flatMap((n) => [n - 1n, n, n + 1n])
        .filter((n) => n <= most && n >= -most);
      for (const n of unscaled) {
        const value = { ...base(), [f.name]: formatDecimal(n, scale) };
        expectSameEncode(sink, codec, value);
        expectSameDecode(sink, codec, sink.toBuffer(value));
      }
      for (const text of [formatDecimal(most + 1n, scale), formatDecimal(-most - 1n, scale), `${'9'.repeat(precision - scale + 1)}`]) {
        expect(sink.isValid({ ...base(), [f.name]: text }, STRICT)).toBe(false);
        expect(() => codec.encode({ ...base(), [f.name]: text })).toThrow(InvalidValueError);
      }
    }
  });

  it('reads every decimal as formatDecimal writes it, at every scale (near multiples of the unit too)', () => {
    const rr = new Rng(11);
    for (let scale = 0; scale <= 18; scale++) {
      const type = buildAvroType(decimal(18, scale));
      const c = compileAvroTypeCodec(type) as CompiledAvroCodec;
      const unit = 10n ** BigInt(scale);
      const values: bigint[] = [0n, 1n, unit - 1n, unit, unit + 1n, 2n ** 52n - 1n, 2n ** 52n, 2n ** 53n - 1n, 2n ** 53n, 10n ** 18n - 1n];
      for (let i = 0; i < 300; i++) {
        const k = BigInt(Math.floor(rr.next() * 2 ** rr.int(54))) / (unit > 1n ? unit : 1n);
        values.push(k * unit - 1n, k * unit, k * unit + 1n, BigInt(Math.floor(rr.next() * 2 ** rr.int(60))));
      }
      for (const v of values.filter((n) => n >= 0n && n < 10n ** 18n).flatMap((n) => [n, -n])) {
        const text = formatDecimal(v, scale);
        expect(c.decode(type.toBuffer(text))).toBe(text);
        expect(c.encode(text).equals(type.toBuffer(text))).toBe(true);
      }
    }
  });

  it('refuses undeclared fields wherever they are, inherited or own, in order or not', () => {
    const value = base();
    expectSameEncode(sink, codec, value);
    expect(() => codec.encode({ ...value, extra: 1 })).toThrow(InvalidValueError);
    expect(() => codec.encode({ extra: 1, ...value })).toThrow(InvalidValueError);
    expect(() => codec.encode({ ...value, extra: undefined })).toThrow(InvalidValueError); // avsc's strict isValid counts it
    const reordered = Object.fromEntries(Object.entries(value).reverse());
    expectSameEncode(sink, codec, reordered);
    const inherited = Object.assign(Object.create({ extra: 1 }) as Record<string, unknown>, value);
    expectSameEncode(sink, codec, inherited); // an inherited key is not an own one
    const fromProto = Object.create(value) as Record<string, unknown>; // every field inherited
    expectSameEncode(sink, codec, fromProto);
    const hidden = { ...value };
    Object.defineProperty(hidden, 'extra', { value: 1, enumerable: false });
    expectSameEncode(sink, codec, hidden);
  });

  it('leaves the values avsc accepts only by coercion to avsc (it refuses them)', () => {
    const value = base();
    for (const odd of [
      { ...value, e: ['A'] },
      { ...value, e: 'constructor' },
      { ...value, constructor: 1 },
    ]) {
      expect(sink.isValid(odd, STRICT)).toBe(true);
      expect(() => codec.encode(odd)).toThrow(InvalidValueError);
    }
  });

  it('reads the failures of a corrupt payload: enum and union indexes, lengths, lossy longs', () => {
    const small = buildAvroType({
      type: 'record',
      name: 'Small',
      fields: [
        { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B'] } },
        { name: 'u', type: ['null', 'string'] },
      ],
    });
    const c = compileAvroTypeCodec(small) as CompiledAvroCodec;
    expect(c.decode(Buffer.from([0x02, 0x02, 0x02, 0x61]))).toEqual({ e: 'B', u: 'a' });
    // non-canonical varints (padded with continuation bytes) read as avsc reads them
    expectSameDecode(small, c, Buffer.from([0x82, 0x00, 0x82, 0x80, 0x00, 0x82, 0x00, 0x61]));
    expectSameDecode(small, c, Buffer.from([0x80, 0x00, 0x80, 0x00]));
    const dec = buildAvroType(decimal(9, 2));
    expectSameDecode(dec, compileAvroTypeCodec(dec) as CompiledAvroCodec, Buffer.from([0x82, 0x00, 0x05]));
    const str = buildAvroType('string');
    expectSameDecode(str, compileAvroTypeCodec(str) as CompiledAvroCodec, Buffer.from([0x82, 0x80, 0x00, 0x61]));
    expect(() => c.decode(Buffer.from([0x04, 0x00]))).toThrow('invalid E enum index: 2');
    expect(() => c.decode(Buffer.from([0x01, 0x00]))).toThrow('enum index');
    expect(() => c.decode(Buffer.from([0x00, 0x04]))).toThrow('invalid union index: 2');
    expect(() => c.decode(Buffer.from([0x00, 0x02, 0x01]))).toThrow();
    expect(() => c.decode(Buffer.from([0x00, 0x02, 0x08, 0x61]))).toThrow('truncated');
    const longs = compileAvroTypeCodec(buildAvroType('long')) as CompiledAvroCodec;
    expect(() => longs.decode(Buffer.alloc(0))).toThrow('truncated');
    expect(() => longs.decode(Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]))).toThrow('potential precision loss');
    const booleans = buildAvroType('boolean');
    expectSameDecode(booleans, compileAvroTypeCodec(booleans) as CompiledAvroCodec, Buffer.from([0x02])); // any non-zero byte is true
    const arrays = compileAvroTypeCodec(buildAvroType({ type: 'array', items: 'string' })) as CompiledAvroCodec;
    expect(() => arrays.decode(Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]))).toThrow('truncated'); // 2^31 - 1 items claimed, none there
    expect(arrays.decode(Buffer.from([0x01, 0x04, 0x02, 0x61, 0x00]))).toEqual(['a']); // a negative count carries the block size
  });

  it('keeps every returned buffer intact across slabs (values that outgrow what is left of one move to the next)', () => {
    const rr = new Rng(5);
    const kept: { value: unknown; framed: boolean; bytes: Buffer }[] = [];
    for (let i = 0; i < 300; i++) {
      const size = rr.pick([0, 10, 31, 32, 100, 1000, 2047, 2048, 5000, 30000, 70000, 200000]);
      const s = rr.chance(0.5) ? 'x'.repeat(size) : 'é😀'.repeat(Math.floor(size / 3)) + 'x'.repeat(size % 3);
      const prefix = (n: number): string => [...s].slice(0, n).join(''); // whole code points (no lone surrogate)
      const value = { ...base(), s, map: { [prefix(40)]: [prefix(rr.int(100))] } };
      const framed = rr.chance(0.5);
      kept.push({ value, framed, bytes: framed ? codec.encodeFramed(9, value) : codec.encode(value) });
    }
    for (const { value, framed, bytes } of kept) {
      const expected = framed ? encodeFrame(9, sink.toBuffer(value)) : sink.toBuffer(value);
      expect(bytes.equals(expected)).toBe(true);
    }
  });

  it('writes values of no bytes at all (null, an empty record), framed or not, first or later', () => {
    for (const schema of ['null', { type: 'record', name: 'E', fields: [] }]) {
      const type = buildAvroType(schema);
      const value = type.typeName === 'null' ? null : {};
      for (const first of ['encode', 'encodeFramed'] as const) {
        const c = compileAvroCodec(schema) as CompiledAvroCodec;
        const order = first === 'encode' ? ([0, 1, 0, 1] as const) : ([1, 0, 1, 0] as const);
        for (const framed of order) {
          const bytes = framed ? c.encodeFramed(3, value) : c.encode(value);
          expect([...bytes]).toEqual(framed ? [0, 0, 0, 0, 3] : []);
          expect(c.decode(bytes, framed ? 5 : 0)).toEqual(value);
        }
      }
    }
  });

  it('writes large values (a slab of their own)', () => {
    const value = { ...base(), s: 'x'.repeat(3_000_000), arr: Array.from({ length: 5000 }, (_, i) => ({ [`k${i}`]: i })) };
    expectSameEncode(sink, codec, value);
    const small = base();
    expectSameEncode(sink, codec, small);
  });

  it('returns undefined for what it does not cover: wrapped unions, ambiguous logical branches', () => {
    expect(compileAvroCodec(['int', 'long'])).toBeUndefined();
    expect(compileAvroCodec({ type: 'record', name: 'R', fields: [{ name: 'u', type: ['null', 'string', decimal(9, 2)] }] })).toBeUndefined();
    expect(compileAvroCodec({ type: 'record', name: 'R', fields: [{ name: '__proto__', type: 'int' }] })).toBeUndefined();
  });
});
