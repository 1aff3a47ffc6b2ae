/**
 * Where Avro 1.11 (what Confluent Schema Registry runs, and what we follow) answers differently
 * from Debian's Avro 1.8.2, the reference of the differential test. The generator keeps these
 * shapes out (see generator.ts); here each is pinned to the specification and to Avro 1.11's
 * SchemaCompatibility, and the differential test checks that 1.8.2 does answer `avro182`, so
 * every listed difference is real.
 */

export interface ExpectedIncompatibility {
  readonly rule: string;
  readonly readerPath: string;
  readonly writerPath: string;
}

export interface ModernVector {
  readonly description: string;
  readonly reader: unknown;
  readonly writer: unknown;
  /** What Avro 1.11 reports, or which schema it rejects and where. */
  readonly expect: readonly ExpectedIncompatibility[] | { readonly schemaError: 'reader' | 'writer'; readonly pointer: string };
  /** Debian's Avro 1.8.2 verdict. */
  readonly avro182: 'COMPATIBLE' | 'INCOMPATIBLE' | 'ERROR';
}

const side = (symbols: string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'enum',
  name: 'Side',
  namespace: 'com.acme',
  symbols,
  ...extra,
});

export const MODERN_VECTORS: readonly ModernVector[] = [
  // Difference 1, enum defaults (Avro 1.9 and later, AVRO-1340; spec: "if the writer's symbol is not
  // present in the reader's enum and the reader has a default value, then that value is used").
  // 1.8.2 has no enum defaults and keeps "default" as a plain property.
  {
    description: 'a reader enum default stands in for unknown writer symbols',
    reader: side(['BUY', 'SELL', 'UNKNOWN'], { default: 'UNKNOWN' }),
    writer: side(['BUY', 'SELL', 'HOLD']),
    expect: [],
    avro182: 'INCOMPATIBLE',
  },
  {
    description: 'without a reader enum default, unknown writer symbols are missing',
    reader: side(['BUY', 'SELL', 'UNKNOWN']),
    writer: side(['BUY', 'SELL', 'HOLD']),
    expect: [{ rule: 'MISSING_ENUM_SYMBOLS', readerPath: '/symbols', writerPath: '/symbols' }],
    avro182: 'INCOMPATIBLE',
  },
  // Difference 1 again: Avro 1.11 checks a missing reader field of an enum type with an enum
  // default (but no field default) as its enum against the writer record, so it reports
  // TYPE_MISMATCH where 1.8.2 (and the spec's reading) would report a missing default.
  {
    description: 'a missing enum field with an enum default but no field default',
    reader: {
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'side', type: side(['BUY', 'SELL'], { default: 'BUY' }) },
      ],
    },
    writer: { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] },
    expect: [{ rule: 'TYPE_MISMATCH', readerPath: '/fields/1/type', writerPath: '' }],
    avro182: 'INCOMPATIBLE',
  },
  // Difference 2, the namespace in name matching. Avro 1.11 matches records, enums and fixed by
  // unqualified name (spec: "both schemas are records with the same (unqualified) name"); 1.8.2
  // compares full names.
  {
    description: 'a record moved to another namespace',
    reader: { type: 'record', name: 'Trade', namespace: 'com.acme.v2', fields: [] },
    writer: { type: 'record', name: 'Trade', namespace: 'com.acme.v1', fields: [] },
    expect: [],
    avro182: 'INCOMPATIBLE',
  },
  {
    description: 'a record given a namespace',
    reader: { type: 'record', name: 'Trade', namespace: 'com.acme', fields: [] },
    writer: { type: 'record', name: 'Trade', fields: [] },
    expect: [],
    avro182: 'INCOMPATIBLE',
  },
  {
    description: 'a fixed and an enum moved to another namespace',
    reader: {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'h', type: { type: 'fixed', name: 'Hash', namespace: 'b', size: 8 } },
        { name: 's', type: side(['BUY'], { namespace: 'b' }) },
      ],
    },
    writer: {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'h', type: { type: 'fixed', name: 'Hash', namespace: 'a', size: 8 } },
        { name: 's', type: side(['BUY'], { namespace: 'a' }) },
      ],
    },
    expect: [],
    avro182: 'INCOMPATIBLE',
  },
  {
    description: 'same namespace, different unqualified names (both versions reject)',
    reader: { type: 'record', name: 'Fill', namespace: 'com.acme', fields: [] },
    writer: { type: 'record', name: 'Trade', namespace: 'com.acme', fields: [] },
    expect: [{ rule: 'NAME_MISMATCH', readerPath: '/name', writerPath: '/name' }],
    avro182: 'INCOMPATIBLE',
  },
  // Difference 3, a writer union read by a non-union reader. Avro 1.11 reads it when the reader
  // reads every branch (spec: "if writer's is a union, but reader's is not: if the reader's schema
  // matches the selected writer's schema, it is recursively resolved against it"); 1.8.2 only
  // unwraps a union of one branch.
  {
    description: 'reader long, writer int or long',
    reader: 'long',
    writer: ['int', 'long'],
    expect: [],
    avro182: 'INCOMPATIBLE',
  },
  {
    description: 'reader string, writer string or bytes',
    reader: { type: 'record', name: 'R', fields: [{ name: 'v', type: 'string' }] },
    writer: { type: 'record', name: 'R', fields: [{ name: 'v', type: ['string', 'bytes'] }] },
    expect: [],
    avro182: 'INCOMPATIBLE',
  },
  {
    description: 'reader long, writer int or string: the string branch is reported',
    reader: 'long',
    writer: ['int', 'string'],
    expect: [{ rule: 'TYPE_MISMATCH', readerPath: '', writerPath: '/1' }],
    avro182: 'INCOMPATIBLE',
  },
  // Difference 4, field defaults are validated (Avro 1.11 Schema.Parser validates by default;
  // 1.8.2 accepts any default). A union's default must match its first branch.
  {
    description: 'a string default for an int field',
    reader: { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int', default: 'x' }] },
    writer: { type: 'record', name: 'R', fields: [] },
    expect: { schemaError: 'reader', pointer: '/fields/0/default' },
    avro182: 'COMPATIBLE',
  },
  {
    description: "a union default that matches only the union's second branch",
    reader: { type: 'record', name: 'R', fields: [{ name: 'a', type: ['null', 'string'], default: 'x' }] },
    writer: { type: 'record', name: 'R', fields: [] },
    expect: { schemaError: 'reader', pointer: '/fields/0/default' },
    avro182: 'COMPATIBLE',
  },
  // (Difference 5, a reader field matching two writer fields, makes both versions throw; it is a
  // rule vector in vectors.json, READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS.)
  // Difference 6, a named type referred to in object form: Avro 1.11 resolves {"type": "Side"}
  // to the defined type; 1.8.2 rejects it ("Type not supported").
  {
    description: 'a named type referred to as {"type": name}',
    reader: {
      type: 'record',
      name: 'R',
      namespace: 'com.acme',
      fields: [
        { name: 'a', type: side(['BUY', 'SELL']) },
        { name: 'b', type: { type: 'Side' } },
      ],
    },
    writer: {
      type: 'record',
      name: 'R',
      namespace: 'com.acme',
      fields: [
        { name: 'a', type: side(['BUY']) },
        { name: 'b', type: 'Side' },
      ],
    },
    expect: [],
    avro182: 'ERROR',
  },
  // Difference 7, namespace inheritance through a type in no namespace. In Avro 1.11 (and the
  // spec) a type nested in {"name": "B", "namespace": ""} inherits no namespace; 1.8.2 keeps the
  // enclosing one, so C below is "outer.C" there and "C" here.
  {
    description: 'a type nested in a type in no namespace has no namespace',
    reader: {
      type: 'record',
      name: 'A',
      namespace: 'outer',
      fields: [
        {
          name: 'x',
          type: { type: 'record', name: 'B', namespace: '', fields: [{ name: 'y', type: { type: 'record', name: 'C', fields: [] } }] },
          default: { y: {} },
        },
        { name: 'z', type: 'outer.C', default: {} },
      ],
    },
    writer: { type: 'record', name: 'A', namespace: 'outer', fields: [] },
    expect: { schemaError: 'reader', pointer: '/fields/1/type' },
    avro182: 'COMPATIBLE',
  },
  // Difference 8, memoized results. Avro 1.11 checks every field (to list every problem) where
  // 1.8.2 stops at the first failure, and both reuse a pair's result computed while an enclosing
  // pair was still in progress (assumed compatible). Here the reader union's first branch W fails
  // on "bad" but first caches (Y, Y) as compatible on the assumption that (W, W) is; branch B then
  // reuses it. 1.8.2 never computes (Y, Y) under that assumption. (Avro 1.11's answer is unsound:
  // B.y.w is a W, which cannot read the writer's "bad" string; but it is what the registry says.)
  {
    description: 'a reader union branch reuses a result cached under a failed assumption',
    reader: [
      {
        type: 'record',
        name: 'W',
        fields: [
          { name: 'bad', type: 'int' },
          { name: 'y', type: { type: 'record', name: 'Y', fields: [{ name: 'w', type: 'W' }] } },
        ],
      },
      { type: 'record', name: 'B', aliases: ['W'], fields: [{ name: 'y', type: 'Y' }] },
    ],
    writer: {
      type: 'record',
      name: 'W',
      fields: [
        { name: 'y', type: { type: 'record', name: 'Y', fields: [{ name: 'w', type: 'W' }] } },
        { name: 'bad', type: 'string' },
      ],
    },
    expect: [],
    avro182: 'INCOMPATIBLE',
  },
];
