import { avroCanonicalForm, avroFingerprint, AvroSchemaError, compileAvro, type AvroNode, type CompiledAvro } from '../../src/avro';
import { INVALID_SCHEMAS } from './invalid-schemas';

function fieldType(node: AvroNode, name: string): AvroNode {
  const field = node.fieldsByName.get(name);
  if (!field) throw new Error(`no field ${name}`);
  return field.type;
}

function named(compiled: CompiledAvro, fullName: string): AvroNode {
  const node = compiled.namedTypes.get(fullName);
  if (!node) throw new Error(`no named type ${fullName} (have ${[...compiled.namedTypes.keys()].join(', ')})`);
  return node;
}

describe('compileAvro: invalid schemas', () => {
  test.each(INVALID_SCHEMAS.map((s) => [s.description, s] as const))('%s', (_name, invalid) => {
    let error: unknown;
    try {
      compileAvro({ schema: invalid.schema, references: new Map(Object.entries(invalid.references ?? {})) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AvroSchemaError);
    const { pointer, reference } = error as AvroSchemaError;
    expect({ pointer, reference }).toEqual({ pointer: invalid.pointer, reference: invalid.reference });
  });

  test('validateDefaults: false accepts invalid defaults (Confluent does not validate registered schemas)', () => {
    const schema = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int', default: 'x' }] };
    expect(() => compileAvro({ schema })).toThrow(AvroSchemaError);
    expect(compileAvro({ schema }, { validateDefaults: false }).root.fields[0]?.defaultValue).toBe('x');
  });
});

describe('compileAvro: names and namespaces', () => {
  const compiled = compileAvro({
    schema: {
      type: 'record',
      name: 'Order',
      namespace: 'com.acme',
      aliases: ['OldOrder', 'org.legacy.Order'],
      fields: [
        { name: 'leg', type: { type: 'record', name: 'Leg', fields: [] } },
        {
          name: 'money',
          type: { type: 'record', name: 'com.acme.shared.Money', fields: [{ name: 'unit', type: { type: 'enum', name: 'Unit', symbols: ['USD'] } }] },
        },
        { name: 'top', type: { type: 'fixed', name: 'Top', namespace: '', size: 4 } },
        { name: 'leg2', type: 'Leg' },
        { name: 'unit2', type: 'com.acme.shared.Unit' },
        { name: 'top2', type: 'Top' },
        { name: 'self', type: ['null', 'Order'], default: null },
      ],
    },
  });
  const root = compiled.root;

  test('nested types inherit the namespace; a dotted name sets its own; "" means none', () => {
    expect([...compiled.namedTypes.keys()]).toEqual(['com.acme.Order', 'com.acme.Leg', 'com.acme.shared.Money', 'com.acme.shared.Unit', 'Top']);
    expect(named(compiled, 'com.acme.shared.Money')).toMatchObject({ name: 'Money', namespace: 'com.acme.shared' });
    expect(named(compiled, 'Top')).toMatchObject({ name: 'Top', namespace: null });
  });

  test('a short name resolves in the namespace in scope, then in no namespace', () => {
    expect(fieldType(root, 'leg2')).toBe(fieldType(root, 'leg'));
    expect(fieldType(root, 'unit2')).toBe(named(compiled, 'com.acme.shared.Unit'));
    expect(fieldType(root, 'top2')).toBe(named(compiled, 'Top'));
  });

  test('recursive types are cycles in the graph', () => {
    expect(fieldType(root, 'self').branches[1]).toBe(root);
  });

  test("aliases are full names, relative ones in the type's namespace", () => {
    expect(root.aliases).toEqual(['com.acme.OldOrder', 'org.legacy.Order']);
  });

  test('every node keeps where it is written', () => {
    expect(fieldType(root, 'money').pointer).toBe('/fields/1/type');
    expect(fieldType(root, 'money').namePointer).toBe('/fields/1/type/name');
    expect(fieldType(fieldType(root, 'money'), 'unit').symbolsPointer).toBe('/fields/1/type/fields/0/type/symbols');
    expect(fieldType(root, 'self').branches[0]?.pointer).toBe('/fields/6/type/0');
    expect(root.fields[6]?.pointer).toBe('/fields/6');
    // A reference by name is the defined node, which points at its definition.
    expect(fieldType(root, 'leg2').pointer).toBe('/fields/0/type');
  });

  test('a Unicode letter is a valid name, as in Java', () => {
    expect(compileAvro({ schema: { type: 'enum', name: 'Côté', symbols: ['ÉTÉ'] } }).root.fullName).toBe('Côté');
  });
});

describe('compileAvro: references', () => {
  const references = new Map<string, unknown>([
    ['com.acme.shared.Currency', { type: 'enum', name: 'Currency', namespace: 'com.acme.shared', symbols: ['USD', 'EUR'] }],
    [
      'com.acme.shared.Money',
      {
        type: 'record',
        name: 'Money',
        namespace: 'com.acme.shared',
        fields: [
          { name: 'units', type: 'long' },
          { name: 'currency', type: 'Currency' },
          { name: 'rounding', type: { type: 'enum', name: 'Rounding', symbols: ['UP', 'DOWN'] } },
        ],
      },
    ],
    ['com.acme.Unused', { type: 'record', name: 'Unused', namespace: 'com.acme', fields: [{ name: 'x', type: 'Nowhere' }] }],
  ]);
  const compiled = compileAvro({
    schema: {
      type: 'record',
      name: 'Order',
      namespace: 'com.acme',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'price', type: 'com.acme.shared.Money' },
        { name: 'rounding', type: 'com.acme.shared.Rounding' },
      ],
    },
    references,
  });

  test('referenced types, and the types they reference, point at the first reference in the document', () => {
    const money = fieldType(compiled.root, 'price');
    expect(money.fullName).toBe('com.acme.shared.Money');
    expect(money.pointer).toBe('/fields/1/type');
    expect(money.fields[0]?.pointer).toBe('/fields/1/type');
    expect(fieldType(money, 'currency').pointer).toBe('/fields/1/type');
    expect(fieldType(money, 'currency').symbolsPointer).toBe('/fields/1/type');
  });

  test('a type defined inside a reference is in scope, as when Confluent parses references first', () => {
    expect(fieldType(compiled.root, 'rounding')).toBe(fieldType(fieldType(compiled.root, 'price'), 'rounding'));
  });

  test('references the schema does not use are not parsed', () => {
    expect(compiled.namedTypes.has('com.acme.Unused')).toBe(false);
  });

  test('a reference must define the type it is keyed by', () => {
    const wrong = new Map([['com.acme.Side', { type: 'enum', name: 'Direction', namespace: 'com.acme', symbols: ['BUY'] }]]);
    expect(() => compileAvro({ schema: 'com.acme.Side', references: wrong })).toThrow(AvroSchemaError);
  });
});

describe('compileAvro: defaults', () => {
  const compile = (type: unknown, value: unknown): CompiledAvro =>
    compileAvro({ schema: { type: 'record', name: 'R', fields: [{ name: 'a', type, default: value }] } });

  test.each([
    ['int', 7],
    ['long', -3],
    ['double', 'NaN'],
    ['float', '-Infinity'],
    ['double', 1.5],
    ['bytes', '\u00ff'],
    [['null', 'string'], null],
    [['string', 'null'], 'x'],
    [{ type: 'array', items: 'int' }, [1, 2]],
    [{ type: 'map', values: 'boolean' }, { a: true }],
    [{ type: 'enum', name: 'E', symbols: ['A'] }, 'A'],
    [{ type: 'fixed', name: 'F', size: 2 }, 'ab'],
    [
      {
        type: 'record',
        name: 'S',
        fields: [
          { name: 'x', type: 'int', default: 1 },
          { name: 'y', type: 'string' },
        ],
      },
      { y: 'v' },
    ],
  ])('%j accepts %j', (type, value) => {
    expect(() => compile(type, value)).not.toThrow();
  });

  test.each([
    ['int', 1.5],
    ['long', '1'],
    ['boolean', 0],
    ['null', 0],
    [['null', 'string'], 'x'],
    [{ type: 'array', items: 'int' }, ['1']],
    [{ type: 'record', name: 'S', fields: [{ name: 'y', type: 'string' }] }, { z: 'v' }],
  ])('%j rejects %j', (type, value) => {
    expect(() => compile(type, value)).toThrow(AvroSchemaError);
  });

  test('a double field reads a string default as a Java double literal', () => {
    expect(compile('double', ' 1e3 ').root.fields[0]?.defaultValue).toBe(1000);
    expect(compile('double', '0x1.8p1').root.fields[0]?.defaultValue).toBe(3);
  });
});

describe('avroCanonicalForm', () => {
  test('primitives in simple form, logical types and attributes stripped', () => {
    expect(avroCanonicalForm({ schema: { type: 'long', logicalType: 'timestamp-millis' } })).toBe('"long"');
  });

  test('full names, attributes in the specification order, no whitespace', () => {
    const schema = {
      doc: 'An order.',
      fields: [
        { type: { type: 'fixed', size: 16, name: 'Id', aliases: ['Key'] }, name: 'id', default: 'x', doc: 'The id.' },
        { name: 'side', type: { symbols: ['BUY', 'SELL'], type: 'enum', name: 'Side', namespace: 'com.acme.enums' } },
        { name: 'legs', type: { items: { type: 'map', values: ['null', 'Id', 'com.acme.enums.Side'] }, type: 'array' } },
      ],
      namespace: 'com.acme',
      name: 'Order',
      type: 'error',
    };
    expect(avroCanonicalForm({ schema })).toBe(
      '{"name":"com.acme.Order","type":"record","fields":[' +
        '{"name":"id","type":{"name":"com.acme.Id","type":"fixed","size":16}},' +
        '{"name":"side","type":{"name":"com.acme.enums.Side","type":"enum","symbols":["BUY","SELL"]}},' +
        '{"name":"legs","type":{"type":"array","items":{"type":"map","values":["null","com.acme.Id","com.acme.enums.Side"]}}}]}',
    );
  });

  test('referenced types are written in full where first used', () => {
    const input = {
      schema: {
        type: 'record',
        name: 'R',
        fields: [
          { name: 'a', type: 'x.Side' },
          { name: 'b', type: 'x.Side' },
        ],
      },
      references: new Map([['x.Side', { type: 'enum', name: 'Side', namespace: 'x', symbols: ['A'] }]]),
    };
    expect(avroCanonicalForm(input)).toBe(
      '{"name":"R","type":"record","fields":[{"name":"a","type":{"name":"x.Side","type":"enum","symbols":["A"]}},{"name":"b","type":"x.Side"}]}',
    );
  });

  test('the fingerprint is the hex SHA-256 of the canonical form', () => {
    // Avro's own test vector for "int" (share/test/data/schema-tests.txt).
    expect(avroFingerprint({ schema: { type: 'int' } })).toBe('3f2b87a9fe7cc9b13835598c3981cd45e3e355309e5090aa0933d7becb6fba45');
  });
});
