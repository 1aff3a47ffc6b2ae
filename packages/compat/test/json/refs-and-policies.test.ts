/** Behaviour the Confluent corpus does not cover: cross-file $ref, recursion, dialect details, policies, rules. */
import type { SchemaInput } from '../../src/types';
import {
  checkJsonReaderWriter,
  diffJsonSchemas,
  JSON_LENIENT_EXTRA_COMPATIBLE,
  JSON_RULES,
  JSON_STRICT_COMPATIBLE,
  SchemaLoadError,
  type JsonDifference,
} from '../../src/json';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

const changes = (differences: readonly JsonDifference[]): string[] => differences.map((d) => `${d.type} ${d.jsonPath}`);

describe('cross-file $ref', () => {
  const order = (nameType: string, moneyType = 'number'): SchemaInput => ({
    schema: {
      $id: 'https://example.com/schemas/order.json',
      type: 'object',
      properties: {
        customer: { $ref: 'customer.json' },
        total: { $ref: 'common/defs.json#/definitions/money' },
      },
    },
    references: new Map<string, unknown>([
      [
        'https://example.com/schemas/customer.json',
        { type: 'object', properties: { name: { type: nameType }, address: { $ref: 'common/defs.json#/definitions/address' } } },
      ],
      [
        'https://example.com/schemas/common/defs.json',
        { definitions: { money: { type: moneyType }, address: { type: 'object', properties: { street: { type: 'string' } } } } },
      ],
    ]),
  });

  it('resolves relative refs against the enclosing $id and finds no change in identical graphs', () => {
    expect(diffJsonSchemas(order('string'), order('string'))).toEqual({ differences: [], compatible: true });
  });

  it('reports a change inside a referenced document at the referencing $ref in the root document', () => {
    const { differences, compatible } = diffJsonSchemas(order('string'), order('number'));
    expect(compatible).toBe(false);
    expect(differences).toEqual([
      { type: 'TYPE_CHANGED', jsonPath: '#/properties/customer/properties/name', originalPath: '/properties/customer', updatePath: '/properties/customer' },
    ]);
  });

  it('follows a JSON-pointer fragment into another document', () => {
    const { differences } = diffJsonSchemas(order('string', 'number'), order('string', 'integer'));
    expect(changes(differences)).toEqual(['TYPE_NARROWED #/properties/total']);
  });

  it('resolves a ref from one referenced document to another against that document URI', () => {
    const moved = order('string');
    const refs = new Map(moved.references);
    refs.set('https://example.com/schemas/common/defs.json', {
      definitions: { money: { type: 'number' }, address: { type: 'object', properties: { street: { type: 'string', maxLength: 10 } } } },
    });
    const { differences } = diffJsonSchemas(order('string'), { schema: moved.schema, references: refs });
    expect(changes(differences)).toEqual(['MAX_LENGTH_ADDED #/properties/customer/properties/address/properties/street/maxLength']);
  });

  it('uses a nested $id as the base for refs below it', () => {
    const doc = (t: string): SchemaInput => ({
      schema: {
        $id: 'https://example.com/root.json',
        properties: { item: { $id: 'https://example.com/items/', properties: { sku: { $ref: 'sku.json' } } } },
      },
      references: new Map([['https://example.com/items/sku.json', { type: t }]]),
    });
    expect(changes(diffJsonSchemas(doc('string'), doc('integer')).differences)).toEqual(['TYPE_CHANGED #/properties/item/properties/sku']);
  });

  it('matches a relative ref to a reference keyed by the same relative name when there is no $id', () => {
    const doc = (t: string): SchemaInput => ({ schema: { properties: { a: { $ref: 'a.json' } } }, references: new Map([['a.json', { type: t }]]) });
    expect(diffJsonSchemas(doc('integer'), doc('number')).differences.map((d) => d.type)).toEqual(['TYPE_EXTENDED']);
  });

  it('throws SchemaLoadError for a $ref to a document that was not supplied', () => {
    const broken: SchemaInput = { schema: { properties: { a: { $ref: 'https://example.com/missing.json' } } } };
    expect(() => diffJsonSchemas(broken, broken)).toThrow(SchemaLoadError);
  });
});

describe('local $ref, anchors and recursion', () => {
  it('compares draft-07 #/definitions targets, and moving to or from a $ref changes nothing', () => {
    const viaRef = { $ref: '#/definitions/s', definitions: { s: { type: 'string' } } };
    expect(diffJsonSchemas({ schema: { type: 'string' } }, { schema: viaRef }).differences).toEqual([]);
    const { differences } = diffJsonSchemas({ schema: viaRef }, { schema: { ...viaRef, definitions: { s: { type: 'string', minLength: 2 } } } });
    expect(differences).toEqual([
      { type: 'MIN_LENGTH_ADDED', jsonPath: '#/minLength', originalPath: '/definitions/s', updatePath: '/definitions/s/minLength' },
    ]);
  });

  it('resolves 2020-12 $defs and $anchor', () => {
    const doc = (t: string): SchemaInput => ({
      schema: {
        $schema: DRAFT_2020,
        $id: 'urn:example:root',
        $defs: { a: { $anchor: 'A', type: t } },
        properties: { p: { $ref: '#A' }, q: { $ref: '#/$defs/a' } },
      },
    });
    expect(changes(diffJsonSchemas(doc('integer'), doc('number')).differences)).toEqual(['TYPE_EXTENDED #/properties/p', 'TYPE_EXTENDED #/properties/q']);
  });

  const tree = (valueType: string): SchemaInput => ({
    schema: { type: 'object', properties: { value: { type: valueType }, children: { type: 'array', items: { $ref: '#' } } } },
  });

  it('terminates on recursive schemas', () => {
    expect(diffJsonSchemas(tree('string'), tree('string')).differences).toEqual([]);
    expect(changes(diffJsonSchemas(tree('string'), tree('number')).differences)).toEqual(['TYPE_CHANGED #/properties/value']);
  });

  it('does not let a recursive cycle mask an incompatible union (Confluent memo-masking case)', () => {
    const node = (idType: string, next: string): unknown => ({
      type: 'object',
      additionalProperties: true,
      properties: { id: { type: idType }, ref: { oneOf: [{ $ref: `#/definitions/${next}` }] } },
    });
    const schema = (t0: string, t1: string): SchemaInput => ({
      schema: {
        $schema: DRAFT_07,
        type: 'object',
        additionalProperties: true,
        definitions: { T0: node(t0, 'T2'), T1: node(t1, 'T2'), T2: node('integer', 'T0') },
        properties: { root: { oneOf: [{ $ref: '#/definitions/T0' }, { $ref: '#/definitions/T1' }] } },
      },
    });
    expect(diffJsonSchemas(schema('integer', 'boolean'), schema('integer', 'boolean')).differences).toEqual([]);
    expect(diffJsonSchemas(schema('integer', 'boolean'), schema('boolean', 'number')).compatible).toBe(false);
  });

  it('handles many mutually recursive unions quickly', () => {
    const names = ['Asset', 'Basket', 'Swap', 'Bond', 'Option', 'Future', 'Forward', 'Loan', 'Repo', 'Equity', 'Index', 'Leg'];
    const union = (): unknown => ({ oneOf: names.map((n) => ({ $ref: `#/definitions/${n}` })) });
    const trade = (assetId: string): SchemaInput => ({
      schema: {
        type: 'object',
        definitions: Object.fromEntries(
          names.map((n) => [n, { type: 'object', properties: { id: { type: n === 'Asset' ? assetId : 'string' }, underlying: union(), other: union() } }]),
        ),
        properties: { product: union() },
      },
    });
    const started = Date.now();
    expect(diffJsonSchemas(trade('string'), trade('string')).differences).toEqual([]);
    expect(diffJsonSchemas(trade('string'), trade('number')).compatible).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('draft-07 and 2020-12 differences', () => {
  it('reads 2020-12 prefixItems/items like draft-07 items/additionalItems', () => {
    const d7 = diffJsonSchemas(
      { schema: { type: 'array', items: [{ type: 'string' }], additionalItems: false } },
      { schema: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false } },
    );
    const d2020 = diffJsonSchemas(
      { schema: { $schema: DRAFT_2020, type: 'array', prefixItems: [{ type: 'string' }], items: false } },
      { schema: { $schema: DRAFT_2020, type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false } },
    );
    expect(changes(d7.differences)).toEqual(['ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1']);
    expect(changes(d2020.differences)).toEqual(changes(d7.differences));
    expect(d2020.differences[0]).toMatchObject({ originalPath: '/prefixItems', updatePath: '/prefixItems/1' });
  });

  it('maps dependentRequired to Confluent dependencies paths', () => {
    const { differences } = diffJsonSchemas(
      { schema: { $schema: DRAFT_2020, dependentRequired: { a: ['b'] } } },
      { schema: { $schema: DRAFT_2020, dependentRequired: { a: ['b', 'c'] } } },
    );
    expect(differences).toEqual([
      { type: 'DEPENDENCY_ARRAY_EXTENDED', jsonPath: '#/dependencies/a', originalPath: '/dependentRequired/a', updatePath: '/dependentRequired/a' },
    ]);
  });

  it('keeps Confluent 2020-12 quirks: $id is not compared and a lone empty properties is the empty schema', () => {
    expect(diffJsonSchemas({ schema: { $schema: DRAFT_2020, $id: 'a' } }, { schema: { $schema: DRAFT_2020, $id: 'b' } }).differences).toEqual([]);
    expect(changes(diffJsonSchemas({ schema: { $id: 'a' } }, { schema: { $id: 'b' } }).differences)).toEqual(['ID_CHANGED #/']);
    const closed = { $schema: DRAFT_2020, properties: {}, additionalProperties: false };
    expect(diffJsonSchemas({ schema: closed }, { schema: { $schema: DRAFT_2020, properties: {} } }).differences).toEqual([]);
  });

  it('treats unevaluatedProperties: false as a closed content model', () => {
    const base = { $schema: DRAFT_2020, properties: { a: { type: 'string' } }, unevaluatedProperties: false };
    const { differences, compatible } = diffJsonSchemas(
      { schema: base },
      { schema: { ...base, properties: { a: { type: 'string' }, b: { type: 'number' } } } },
    );
    expect(changes(differences)).toEqual(['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b']);
    expect(compatible).toBe(true);
  });
});

describe('type changes', () => {
  it('lets Kafka Connect bytes change representation (Confluent testConnectTypeAsBytes)', () => {
    const decimal = (type: string): SchemaInput => ({
      schema: { type, title: 'org.apache.kafka.connect.data.Decimal', 'connect.version': 1, 'connect.type': 'bytes', 'connect.parameters': { scale: '2' } },
    });
    expect(diffJsonSchemas(decimal('string'), decimal('number')).differences).toEqual([]);
    expect(changes(diffJsonSchemas({ schema: { type: 'string' } }, { schema: { type: 'number' } }).differences)).toEqual(['TYPE_CHANGED #/']);
  });

  it('treats the empty schema and an empty object schema as Confluent does', () => {
    expect(diffJsonSchemas({ schema: { properties: {} } }, { schema: {} }).differences).toEqual([]);
    expect(diffJsonSchemas({ schema: {} }, { schema: { properties: {} } }).compatible).toBe(false);
    expect(diffJsonSchemas({ schema: false }, { schema: { type: 'string' } }).differences).toEqual([]);
  });
});

describe('policies', () => {
  const open = { properties: { a: { type: 'string' } } };
  const withB = { properties: { a: { type: 'string' }, b: { type: 'number' } } };

  it('STRICT (default) rejects adding a property to an open content model; LENIENT accepts it', () => {
    expect(diffJsonSchemas({ schema: open }, { schema: withB }).compatible).toBe(false);
    expect(diffJsonSchemas({ schema: open }, { schema: withB }, { policy: 'strict' }).compatible).toBe(false);
    expect(diffJsonSchemas({ schema: open }, { schema: withB }, { policy: 'lenient' }).compatible).toBe(true);
  });

  it('LENIENT still rejects a required property added to an open content model, and type changes', () => {
    const required = { ...withB, required: ['b'] };
    expect(changes(diffJsonSchemas({ schema: open }, { schema: required }, { policy: 'lenient' }).differences)).toEqual([
      'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b',
    ]);
    expect(diffJsonSchemas({ schema: open }, { schema: required }, { policy: 'lenient' }).compatible).toBe(false);
    expect(diffJsonSchemas({ schema: { type: 'string' } }, { schema: { type: 'number' } }, { policy: 'lenient' }).compatible).toBe(false);
  });

  it('applies the policy inside union matching too', () => {
    const before = { oneOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'null' }] };
    const after = { oneOf: [{ type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } } }, { type: 'null' }] };
    expect(changes(diffJsonSchemas({ schema: before }, { schema: after }).differences)).toEqual(['COMBINED_TYPE_SUBSCHEMAS_CHANGED #/']);
    expect(diffJsonSchemas({ schema: before }, { schema: after }, { policy: 'lenient' })).toMatchObject({
      compatible: true,
      differences: [{ type: 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', jsonPath: '#/oneOf/0/properties/b' }],
    });
  });
});

describe('checkJsonReaderWriter', () => {
  const writer: SchemaInput = { schema: { type: 'object', properties: { qty: { type: 'number' }, note: { type: 'string' } }, additionalProperties: false } };

  it('is empty when the reader can read everything the writer wrote', () => {
    const reader: SchemaInput = {
      schema: { type: 'object', properties: { qty: { type: 'number' }, note: { type: 'string' }, tag: { type: 'string' } }, additionalProperties: false },
    };
    expect(checkJsonReaderWriter(reader, writer)).toEqual([]);
  });

  it('lists the incompatible differences of diff(writer, reader) with reader/writer paths and a message', () => {
    const reader: SchemaInput = {
      schema: {
        type: 'object',
        properties: { qty: { type: 'integer' }, note: { type: 'string', maxLength: 5 } },
        required: ['qty'],
        additionalProperties: false,
      },
    };
    const found = checkJsonReaderWriter(reader, writer);
    // Properties come in Java HashMap order, as Confluent iterates them: "note" before "qty".
    expect(found.map((f) => [f.rule, f.writerPath, f.readerPath])).toEqual([
      ['REQUIRED_ATTRIBUTE_ADDED', '/properties/qty', '/required/0'],
      ['MAX_LENGTH_ADDED', '/properties/note', '/properties/note/maxLength'],
      ['TYPE_NARROWED', '/properties/qty/type', '/properties/qty/type'],
    ]);
    for (const f of found) expect(f.message).toMatch(/^[A-Z].*\.$/);
    expect(found[0]?.message).toContain("'#/required/qty'");
  });

  it('honours the policy', () => {
    const openWriter: SchemaInput = { schema: { properties: { a: { type: 'string' } } } };
    const reader: SchemaInput = { schema: { properties: { a: { type: 'string' }, b: { type: 'string' } } } };
    expect(checkJsonReaderWriter(reader, openWriter).map((f) => f.rule)).toEqual(['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']);
    expect(checkJsonReaderWriter(reader, openWriter, { policy: 'lenient' })).toEqual([]);
  });
});

describe('JSON_RULES', () => {
  it('lists each difference type once, as json rules with a one-line doc', () => {
    const ids = JSON_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of JSON_RULES) {
      expect(rule.format).toBe('json');
      expect(rule.doc).toMatch(/^\S.*\.$/);
      expect(rule.doc).not.toContain('\n');
    }
  });

  it('classifies as Confluent does', () => {
    const compatible = (id: string): boolean | undefined => JSON_RULES.find((r) => r.id === id)?.compatible;
    expect(compatible('TYPE_EXTENDED')).toBe(true);
    expect(compatible('TYPE_NARROWED')).toBe(false);
    expect(compatible('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL')).toBe(true);
    expect(compatible('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL')).toBe(false);
    expect(compatible('REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL')).toBe(false);
    expect(new Set(JSON_RULES.filter((r) => r.compatible).map((r) => r.id))).toEqual(JSON_STRICT_COMPATIBLE);
    for (const id of JSON_LENIENT_EXTRA_COMPATIBLE) expect(compatible(id)).toBe(false);
  });
});
