/**
 * Schemas Apache Avro's parser rejects, with where we report the problem. `avro182` is what
 * Debian's 1.8.2 parser does (the differential test checks it): it validates less than Avro 1.11.
 */
export interface InvalidSchema {
  readonly description: string;
  readonly schema: unknown;
  readonly references?: Readonly<Record<string, unknown>>;
  readonly pointer: string;
  /** Set when the error is inside a reference: its key. */
  readonly reference?: string;
  readonly avro182: 'rejects' | 'accepts';
}

const record = (fields: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'record', name: 'R', fields, ...extra });

export const INVALID_SCHEMAS: readonly InvalidSchema[] = [
  { description: 'a number is not a schema', schema: 42, pointer: '', avro182: 'rejects' },
  { description: 'a type object without a string type', schema: { type: 5 }, pointer: '/type', avro182: 'rejects' },
  { description: 'an unknown type name', schema: 'Trade', pointer: '', avro182: 'rejects' },
  { description: 'a record without fields', schema: { type: 'record', name: 'R' }, pointer: '', avro182: 'rejects' },
  { description: 'a record without a name', schema: { type: 'record', fields: [] }, pointer: '', avro182: 'rejects' },
  { description: 'an invalid record name', schema: { type: 'record', name: '1R', fields: [] }, pointer: '/name', avro182: 'rejects' },
  { description: 'an invalid name after the last dot', schema: { type: 'record', name: 'com.acme.', fields: [] }, pointer: '/name', avro182: 'rejects' },
  { description: 'an invalid field name', schema: record([{ name: 'a-b', type: 'int' }]), pointer: '/fields/0/name', avro182: 'rejects' },
  { description: 'a field without a type', schema: record([{ name: 'a' }]), pointer: '/fields/0', avro182: 'rejects' },
  {
    description: 'a duplicate field',
    schema: record([
      { name: 'a', type: 'int' },
      { name: 'a', type: 'long' },
    ]),
    pointer: '/fields/1',
    avro182: 'rejects',
  },
  { description: 'a field of an undefined type', schema: record([{ name: 'a', type: 'Missing' }]), pointer: '/fields/0/type', avro182: 'rejects' },
  {
    description: 'a type used before it is defined',
    schema: record([
      { name: 'a', type: 'S' },
      { name: 'b', type: { type: 'enum', name: 'S', symbols: ['A'] } },
    ]),
    pointer: '/fields/0/type',
    avro182: 'rejects',
  },
  {
    description: 'a type defined twice',
    schema: record([{ name: 'a', type: { type: 'record', name: 'R', fields: [] } }]),
    pointer: '/fields/0/type/name',
    avro182: 'rejects',
  },
  { description: 'an invalid field order', schema: record([{ name: 'a', type: 'int', order: 'sideways' }]), pointer: '/fields/0/order', avro182: 'rejects' },
  { description: 'aliases that are not an array', schema: record([], { aliases: 'Old' }), pointer: '/aliases', avro182: 'rejects' },
  { description: 'an enum without symbols', schema: { type: 'enum', name: 'E' }, pointer: '', avro182: 'rejects' },
  { description: 'a duplicate enum symbol', schema: { type: 'enum', name: 'E', symbols: ['A', 'A'] }, pointer: '/symbols/1', avro182: 'rejects' },
  { description: 'an invalid enum symbol', schema: { type: 'enum', name: 'E', symbols: ['A', 'B C'] }, pointer: '/symbols/1', avro182: 'rejects' },
  // Enum defaults are Avro 1.11; 1.8.2 keeps "default" as a plain property.
  {
    description: 'an enum default that is not a symbol',
    schema: { type: 'enum', name: 'E', symbols: ['A'], default: 'B' },
    pointer: '/default',
    avro182: 'accepts',
  },
  { description: 'a fixed without a size', schema: { type: 'fixed', name: 'F' }, pointer: '/size', avro182: 'rejects' },
  { description: 'a fixed with a fractional size', schema: { type: 'fixed', name: 'F', size: 1.5 }, pointer: '/size', avro182: 'rejects' },
  { description: 'an array without items', schema: { type: 'array' }, pointer: '', avro182: 'rejects' },
  { description: 'a map without values', schema: { type: 'map' }, pointer: '', avro182: 'rejects' },
  { description: 'a duplicate union branch', schema: ['int', 'string', 'int'], pointer: '/2', avro182: 'rejects' },
  {
    description: 'two arrays in a union',
    schema: [
      { type: 'array', items: 'int' },
      { type: 'array', items: 'long' },
    ],
    pointer: '/1',
    avro182: 'rejects',
  },
  { description: 'a union in a union', schema: ['int', ['null', 'string']], pointer: '/1', avro182: 'rejects' },
  // Field defaults are validated by Avro 1.11 only.
  {
    description: 'an int default out of range',
    schema: record([{ name: 'a', type: 'int', default: 2 ** 31 }]),
    pointer: '/fields/0/default',
    avro182: 'accepts',
  },
  {
    description: 'a double default that is not a number',
    schema: record([{ name: 'a', type: 'double', default: 'fast' }]),
    pointer: '/fields/0/default',
    avro182: 'rejects',
  },
  {
    description: 'a record default missing a field',
    schema: record([{ name: 'a', type: record([{ name: 'x', type: 'int' }], { name: 'S' }), default: {} }]),
    pointer: '/fields/0/default',
    avro182: 'accepts',
  },
  {
    description: 'an error inside a reference is reported in the reference',
    schema: record([{ name: 'a', type: 'com.acme.Side' }]),
    references: { 'com.acme.Side': { type: 'enum', name: 'Side', namespace: 'com.acme', symbols: ['BUY', 'BUY'] } },
    pointer: '/symbols/1',
    reference: 'com.acme.Side',
    avro182: 'rejects',
  },
  {
    description: 'a type defined both in the schema and in a reference',
    schema: record([{ name: 'a', type: { type: 'enum', name: 'Side', namespace: 'com.acme', symbols: ['BUY'] } }]),
    references: { 'com.acme.Side': { type: 'enum', name: 'Side', namespace: 'com.acme', symbols: ['BUY'] } },
    pointer: '/fields/0/type/name',
    avro182: 'rejects',
  },
];
