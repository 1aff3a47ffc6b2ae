/**
 * The registry service with Confluent's semantics, against both stores: the embedded one (a temporary data
 * directory) and a real PostgreSQL database (created for the run, dropped after).
 */
import { createRegistryService, ERROR, RegistryError, type RegistryService } from '../../src/service';
import type { SqlStore } from '../../src/store';
import { avroRecord, createBackend, truncate, type Backend } from '../store/helpers';

const NONE = 'NONE';

/** Expects the promise to fail with a RegistryError carrying `code`; returns its message. */
async function failsWith(promise: Promise<unknown>, code: number): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    expect({ code: error.errorCode, message: error.message }).toEqual({ code, message: expect.any(String) });
    return error.message;
  }
  throw new Error(`expected error ${code}, but the call succeeded`);
}

const USER_V1 = avroRecord('User', [['name', 'string']], { namespace: 'example' });
const USER_V2 = avroRecord(
  'User',
  [
    ['name', 'string'],
    ['age', 'int', 0],
  ],
  { namespace: 'example' },
);
const USER_NO_DEFAULT = avroRecord(
  'User',
  [
    ['name', 'string'],
    ['email', 'string'],
  ],
  { namespace: 'example' },
);

describe.each(['embedded', 'postgres'] as const)('registry service on the %s store', (kind) => {
  let backend: Backend;
  let store: SqlStore;
  let registry: RegistryService;

  beforeAll(async () => {
    backend = await createBackend(kind);
    store = await backend.open();
    registry = createRegistryService(store);
  });

  afterAll(async () => {
    await registry?.close();
    await backend?.cleanup();
  });

  beforeEach(async () => {
    await truncate(store);
  });

  describe('ids and versions', () => {
    it('gives the same schema the same id under every subject, with versions per subject', async () => {
      const a = await registry.register('a-value', { schema: USER_V1 });
      const b = await registry.register('b-value', { schema: USER_V1 });
      expect(a).toEqual({ id: 1, version: 1 });
      expect(b).toEqual({ id: 1, version: 1 });
      const other = await registry.register('b-value', { schema: USER_V2 });
      expect(other).toEqual({ id: 2, version: 2 });
      expect(await registry.subjectsForId(1)).toEqual(['a-value', 'b-value']);
      expect(await registry.versionsForId(1)).toEqual([
        { subject: 'a-value', version: 1 },
        { subject: 'b-value', version: 1 },
      ]);
      expect(await registry.listSubjects()).toEqual(['a-value', 'b-value']);
      expect(await registry.listSubjects({ subjectPrefix: 'a-' })).toEqual(['a-value']);
      // code-unit order (as Java sorts), whatever the database's collation
      await registry.register('B-value', { schema: USER_V1 });
      expect(await registry.listSubjects()).toEqual(['B-value', 'a-value', 'b-value']);
      expect(await registry.subjectsForId(1)).toEqual(['B-value', 'a-value', 'b-value']);
    });

    it('treats whitespace and key order as the same schema, and keeps the text as first registered', async () => {
      const pretty = JSON.stringify(JSON.parse(USER_V1), null, 2);
      const reordered = JSON.stringify({ fields: [{ type: 'string', name: 'name' }], namespace: 'example', name: 'User', type: 'record' });
      const first = await registry.register('s', { schema: pretty });
      expect(await registry.register('s', { schema: reordered })).toEqual(first);
      expect(await registry.register('t', { schema: USER_V1 })).toEqual({ id: first.id, version: 1 });
      expect((await registry.getSchemaById(first.id)).schema).toBe(pretty);
      // a doc is part of the schema: a new id
      const documented = avroRecord('User', [['name', 'string']], { namespace: 'example', doc: 'a user' });
      expect((await registry.register('t', { schema: documented })).id).not.toBe(first.id);
    });

    it('is idempotent: re-registering returns the id and version without a new version', async () => {
      const first = await registry.register('s', { schema: USER_V1 });
      await registry.register('s', { schema: USER_V2 });
      expect(await registry.register('s', { schema: USER_V1 })).toEqual(first);
      expect(await registry.listVersions('s')).toEqual([1, 2]);
    });

    it('numbers versions from 1 without gaps, counting soft-deleted versions', async () => {
      await registry.setConfig(undefined, NONE);
      for (let i = 1; i <= 3; i++) {
        expect((await registry.register('s', { schema: avroRecord(`R${i}`, [['f', 'int']]) })).version).toBe(i);
      }
      await registry.deleteVersion('s', 3);
      expect((await registry.register('s', { schema: avroRecord('R4', [['f', 'int']]) })).version).toBe(4);
      expect(await registry.listVersions('s')).toEqual([1, 2, 4]);
      expect(await registry.listVersions('s', { deleted: true })).toEqual([1, 2, 3, 4]);
      expect((await registry.getVersion('s', 'latest')).version).toBe(4);
      expect((await registry.getVersion('s', -1)).version).toBe(4);
    });

    it('gives a soft-deleted schema registered again a new version (and drops the old one, as Confluent)', async () => {
      await registry.setConfig(undefined, NONE);
      const a = await registry.register('s', { schema: USER_V1 });
      await registry.register('s', { schema: avroRecord('Other', [['x', 'int']]) });
      await registry.deleteVersion('s', 1);
      const again = await registry.register('s', { schema: USER_V1 });
      expect(again).toEqual({ id: a.id, version: 3 });
      expect(await registry.listVersions('s', { deleted: true })).toEqual([2, 3]);
    });

    it('returns the record of a subject version and of an id', async () => {
      const { id } = await registry.register('s', { schema: USER_V1 });
      expect(await registry.getVersion('s', 1)).toEqual({ subject: 's', version: 1, id, schema: USER_V1, schemaType: 'AVRO', references: [] });
      expect(await registry.getSchemaById(id)).toEqual({ id, schema: USER_V1, schemaType: 'AVRO', references: [] });
      await failsWith(registry.getSchemaById(999), ERROR.SCHEMA_NOT_FOUND);
      await failsWith(registry.subjectsForId(999), ERROR.SCHEMA_NOT_FOUND);
      await failsWith(registry.versionsForId(999), ERROR.SCHEMA_NOT_FOUND);
      await failsWith(registry.getVersion('s', 2), ERROR.VERSION_NOT_FOUND);
      await failsWith(registry.getVersion('nope', 1), ERROR.SUBJECT_NOT_FOUND);
      await failsWith(registry.getVersion('s', 0), ERROR.INVALID_VERSION);
      await failsWith(registry.listVersions('nope'), ERROR.SUBJECT_NOT_FOUND);
      expect(registry.schemaTypes()).toEqual(['AVRO', 'JSON']);
    });
  });

  describe('schema validation', () => {
    it('rejects invalid schemas with 42201', async () => {
      await failsWith(registry.register('s', { schema: '{"type": "record", ' }), ERROR.INVALID_SCHEMA);
      await failsWith(registry.register('s', { schema: avroRecord('R', [['a', 'int', 'not an int']]) }), ERROR.INVALID_SCHEMA);
      await failsWith(registry.register('s', { schema: '"NoSuchType"' }), ERROR.INVALID_SCHEMA);
      await failsWith(registry.register('s', { schema: '{"type": "foo"}', schemaType: 'JSON' }), ERROR.INVALID_SCHEMA);
      await failsWith(registry.register('s', { schema: '{"$ref": "other.json"}', schemaType: 'JSON' }), ERROR.INVALID_SCHEMA);
      expect(await failsWith(registry.register('s', { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' }), ERROR.INVALID_SCHEMA)).toBe(
        'PROTOBUF is not supported by this registry',
      );
      await failsWith(registry.register('s', { schema: '{}', schemaType: 'XML' }), ERROR.INVALID_SCHEMA);
      await failsWith(registry.register('s', { schema: '' }), ERROR.INVALID_SCHEMA);
      await failsWith(registry.register('', { schema: USER_V1 }), ERROR.INVALID_SUBJECT);
      expect(await registry.listSubjects({ deleted: true })).toEqual([]);
    });

    it('accepts JSON Schema and Avro primitives', async () => {
      const json = await registry.register('j', { schema: '{"type":"object","properties":{"a":{"type":"string"}}}', schemaType: 'JSON' });
      expect((await registry.getSchemaById(json.id)).schemaType).toBe('JSON');
      expect((await registry.register('p', { schema: '"string"' })).version).toBe(1);
      // the same text as AVRO and as JSON are two schemas
      const asJson = await registry.register('p2', { schema: '"string"', schemaType: 'JSON' }).catch((e: unknown) => e);
      expect(asJson).toBeInstanceOf(RegistryError); // a JSON string is not a JSON Schema
    });
  });

  describe('compatibility', () => {
    it('enforces BACKWARD by default against the latest version', async () => {
      await registry.register('s', { schema: USER_V1 });
      const message = await failsWith(registry.register('s', { schema: USER_NO_DEFAULT }), ERROR.INCOMPATIBLE_SCHEMA);
      expect(message).toContain('Schema being registered is incompatible with an earlier schema for subject "s"');
      expect(message).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
      expect(message).toContain('{oldSchemaVersion: 1}');
      expect(message).toContain("compatibility: 'BACKWARD'");
      expect((await registry.register('s', { schema: USER_V2 })).version).toBe(2);
      expect(await registry.listVersions('s')).toEqual([1, 2]);
    });

    it('uses the subject level before the global one, and transitive levels check every live version', async () => {
      await registry.setConfig(undefined, 'FORWARD');
      await registry.setConfig('s', NONE);
      await registry.register('s', { schema: avroRecord('R', [['a', 'string']]) });
      await registry.register('s', { schema: avroRecord('R', [['a', 'int']]) }); // NONE: anything goes
      await registry.setConfig('s', 'BACKWARD');
      // compatible with the latest (a: int) ...
      const next = avroRecord('R', [
        ['a', 'int'],
        ['b', 'int', 1],
      ]);
      await registry.setConfig('s', 'BACKWARD_TRANSITIVE');
      // ... but not with version 1 (a: string)
      const message = await failsWith(registry.register('s', { schema: next }), ERROR.INCOMPATIBLE_SCHEMA);
      expect(message).toContain('{oldSchemaVersion: 1}');
      await registry.deleteVersion('s', 1);
      expect((await registry.register('s', { schema: next })).version).toBe(3);
      // FORWARD from the global config when the subject has none
      await registry.register('f', { schema: avroRecord('F', [['a', 'int']]) });
      await failsWith(registry.register('f', { schema: avroRecord('F', [['b', 'int', 0]]) }), ERROR.INCOMPATIBLE_SCHEMA);
    });

    it('enforces JSON Schema compatibility', async () => {
      const v1 = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
      const v2 = { ...v1, properties: { a: { type: 'string' }, b: { type: 'integer' } } };
      const bad = { ...v1, required: ['a'] };
      await registry.register('j', { schema: JSON.stringify(v1), schemaType: 'JSON' });
      await failsWith(registry.register('j', { schema: JSON.stringify(bad), schemaType: 'JSON' }), ERROR.INCOMPATIBLE_SCHEMA);
      expect((await registry.register('j', { schema: JSON.stringify(v2), schemaType: 'JSON' })).version).toBe(2);
    });

    it('tests compatibility without registering', async () => {
      const none = await registry.testCompatibility('s', 'latest', { schema: USER_NO_DEFAULT });
      expect(none).toEqual({ is_compatible: true });
      await registry.register('s', { schema: USER_V1 });
      expect(await registry.testCompatibility('s', 'latest', { schema: USER_V2 })).toEqual({ is_compatible: true });
      expect(await registry.testCompatibility('s', undefined, { schema: USER_V2 }, { verbose: true })).toEqual({ is_compatible: true, messages: [] });
      const verdict = await registry.testCompatibility('s', 1, { schema: USER_NO_DEFAULT }, { verbose: true });
      expect(verdict.is_compatible).toBe(false);
      expect(verdict.messages?.join(' ')).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
      expect(await registry.testCompatibility('s', 1, { schema: USER_NO_DEFAULT })).toEqual({ is_compatible: false });
      await failsWith(registry.testCompatibility('s', 7, { schema: USER_V2 }), ERROR.VERSION_NOT_FOUND);
      await failsWith(registry.testCompatibility('s', 'latest', { schema: '{' }), ERROR.INVALID_SCHEMA);
      const invalid = await registry.testCompatibility('s', 'latest', { schema: '{' }, { verbose: true });
      expect(invalid.is_compatible).toBe(false);
      expect(invalid.messages).toHaveLength(1);
      expect(await registry.listVersions('s')).toEqual([1]);
    });
  });

  describe('references', () => {
    const INSTRUMENT = JSON.stringify({ type: 'record', name: 'Instrument', namespace: 'dc.common', fields: [{ name: 'symbol', type: 'string' }] });
    const ORDER = (extra: readonly (readonly [string, unknown, unknown?])[] = []): string =>
      avroRecord('Order', [['instrument', 'dc.common.Instrument'], ...extra], { namespace: 'dc.order' });
    const ref = { name: 'dc.common.Instrument', subject: 'instrument', version: 1 };

    it('resolves Avro references, tracks referencedby and checks compatibility through them', async () => {
      const instrument = await registry.register('instrument', { schema: INSTRUMENT });
      await failsWith(registry.register('order', { schema: ORDER() }), ERROR.INVALID_SCHEMA); // undefined name
      await failsWith(registry.register('order', { schema: ORDER(), references: [{ ...ref, version: 2 }] }), ERROR.INVALID_SCHEMA);
      const order = await registry.register('order', { schema: ORDER(), references: [ref] });
      expect(order.id).not.toBe(instrument.id);
      expect(await registry.getVersion('order', 1)).toMatchObject({ references: [ref] });
      expect(await registry.referencedBy('instrument', 1)).toEqual([order.id]);
      expect(await registry.referencedBy('instrument', 'latest')).toEqual([order.id]);
      // the same text with other references is another schema
      expect(await registry.register('order', { schema: ORDER(), references: [ref] })).toEqual(order);
      // compatibility is checked with the references resolved
      await failsWith(registry.register('order', { schema: ORDER([['qty', 'long']]), references: [ref] }), ERROR.INCOMPATIBLE_SCHEMA);
      expect((await registry.register('order', { schema: ORDER([['qty', 'long', 0]]), references: [ref] })).version).toBe(2);
      // a referenced version cannot be deleted, soft or hard
      await failsWith(registry.deleteVersion('instrument', 1), ERROR.REFERENCE_EXISTS);
      await failsWith(registry.deleteSubject('instrument'), ERROR.REFERENCE_EXISTS);
      // latest (-1) resolves to the version it names
      const latestRef = await registry.register('order2', { schema: ORDER(), references: [{ ...ref, version: -1 }] });
      expect(latestRef.id).toBe(order.id);
    });

    it('may reference a soft-deleted version, which then stays when its schema is registered again', async () => {
      await registry.setConfig(undefined, NONE);
      const instrument = await registry.register('instrument', { schema: INSTRUMENT });
      await registry.register('instrument', { schema: avroRecord('Other', [['x', 'int']]) });
      await registry.deleteVersion('instrument', 1);
      const order = await registry.register('order', { schema: ORDER(), references: [ref] });
      expect(await registry.register('instrument', { schema: INSTRUMENT })).toEqual({ id: instrument.id, version: 3 });
      expect(await registry.listVersions('instrument', { deleted: true })).toEqual([1, 2, 3]);
      expect(await registry.referencedBy('instrument', 1)).toEqual([order.id]);
    });

    it('resolves references of references', async () => {
      const money = JSON.stringify({ type: 'record', name: 'Money', namespace: 'dc.common', fields: [{ name: 'units', type: 'long' }] });
      const price = JSON.stringify({ type: 'record', name: 'Price', namespace: 'dc.common', fields: [{ name: 'amount', type: 'dc.common.Money' }] });
      await registry.register('money', { schema: money });
      await registry.register('price', { schema: price, references: [{ name: 'dc.common.Money', subject: 'money', version: 1 }] });
      const quote = avroRecord('Quote', [['bid', 'dc.common.Price']], { namespace: 'dc.q' });
      const registered = await registry.register('quote', { schema: quote, references: [{ name: 'dc.common.Price', subject: 'price', version: 1 }] });
      expect(registered.version).toBe(1);
    });

    it('resolves JSON Schema references by URL', async () => {
      const defs = { $id: 'https://example.com/defs.json', $defs: { Symbol: { type: 'string' } } };
      await registry.register('defs', { schema: JSON.stringify(defs), schemaType: 'JSON' });
      const main = (extra: Record<string, unknown>): string =>
        JSON.stringify({
          type: 'object',
          properties: { symbol: { $ref: 'https://example.com/defs.json#/$defs/Symbol' } },
          additionalProperties: false,
          ...extra,
        });
      const jsonRef = [{ name: 'https://example.com/defs.json', subject: 'defs', version: 1 }];
      await failsWith(registry.register('main', { schema: main({}), schemaType: 'JSON' }), ERROR.INVALID_SCHEMA);
      const first = await registry.register('main', { schema: main({}), schemaType: 'JSON', references: jsonRef });
      expect(await registry.referencedBy('defs', 1)).toEqual([first.id]);
      await failsWith(
        registry.register('main', { schema: main({ required: ['symbol'] }), schemaType: 'JSON', references: jsonRef }),
        ERROR.INCOMPATIBLE_SCHEMA,
      );
    });

    it('lets a referencing schema go first, then the referenced one', async () => {
      await registry.register('instrument', { schema: INSTRUMENT });
      await registry.register('order', { schema: ORDER(), references: [ref] });
      await registry.deleteSubject('order');
      await failsWith(registry.deleteVersion('instrument', 1), ERROR.REFERENCE_EXISTS); // soft-deleted still references
      await registry.deleteSubject('order', { permanent: true });
      expect(await registry.referencedBy('instrument', 1)).toEqual([]);
      expect(await registry.deleteVersion('instrument', 1)).toBe(1);
    });
  });

  describe('normalize', () => {
    it('matches schemas however they are written', async () => {
      const short = JSON.stringify({ type: 'record', name: 'User', namespace: 'example', fields: [{ name: 'name', type: { type: 'string' } }] });
      const long = JSON.stringify({ type: 'record', name: 'example.User', fields: [{ name: 'name', type: 'string' }] });
      const a = await registry.register('s', { schema: short }, { normalize: true });
      expect(await registry.register('s', { schema: long }, { normalize: true })).toEqual(a);
      expect(await registry.register('t', { schema: long }, { normalize: true })).toEqual({ id: a.id, version: 1 });
      // registered with normalize, the normalized text is stored: the short spelling alone is another schema
      expect((await registry.getSchemaById(a.id)).schema).toBe('{"name":"example.User","type":"record","fields":[{"name":"name","type":"string"}]}');
      const plain = await registry.register('u', { schema: short });
      expect(plain.id).not.toBe(a.id);
      // lookup falls back to normalization
      expect((await registry.lookup('s', { schema: short })).version).toBe(1);
      // normalization keeps defaults: a changed default is another schema
      const withDefault = avroRecord('User', [['name', 'string', 'x']], { namespace: 'example' });
      expect((await registry.register('s', { schema: withDefault }, { normalize: true })).id).not.toBe(a.id);
    });
  });

  describe('lookup', () => {
    it('finds the version holding a schema, with Confluent codes when absent', async () => {
      const { id } = await registry.register('s', { schema: USER_V1 });
      expect(await registry.lookup('s', { schema: JSON.stringify(JSON.parse(USER_V1), null, 1) })).toEqual({
        subject: 's',
        version: 1,
        id,
        schema: USER_V1,
        schemaType: 'AVRO',
        references: [],
      });
      await failsWith(registry.lookup('s', { schema: USER_V2 }), ERROR.SCHEMA_NOT_FOUND);
      await failsWith(registry.lookup('nope', { schema: USER_V1 }), ERROR.SUBJECT_NOT_FOUND);
      await failsWith(registry.lookup('s', { schema: 'nope' }), ERROR.INVALID_SCHEMA);
      await registry.register('s', { schema: USER_V2 });
      await registry.deleteVersion('s', 1);
      await failsWith(registry.lookup('s', { schema: USER_V1 }), ERROR.SCHEMA_NOT_FOUND);
      expect((await registry.lookup('s', { schema: USER_V1 }, { deleted: true })).version).toBe(1);
      await registry.deleteSubject('s');
      await failsWith(registry.lookup('s', { schema: USER_V2 }), ERROR.SUBJECT_NOT_FOUND);
      expect((await registry.lookup('s', { schema: USER_V2 }, { deleted: true })).version).toBe(2);
    });
  });

  describe('deletes', () => {
    beforeEach(async () => {
      await registry.setConfig(undefined, NONE);
      await registry.register('s', { schema: USER_V1 });
      await registry.register('s', { schema: USER_V2 });
      await registry.register('s', { schema: USER_NO_DEFAULT });
    });

    it('soft-deletes a version: hidden unless deleted=true', async () => {
      expect(await registry.deleteVersion('s', 2)).toBe(2);
      expect(await registry.listVersions('s')).toEqual([1, 3]);
      await failsWith(registry.getVersion('s', 2), ERROR.VERSION_NOT_FOUND);
      expect((await registry.getVersion('s', 2, { deleted: true })).version).toBe(2);
      await failsWith(registry.deleteVersion('s', 2), ERROR.SCHEMA_VERSION_SOFT_DELETED);
      expect(await registry.deleteVersion('s', 'latest')).toBe(3);
      expect((await registry.getVersion('s', 'latest')).version).toBe(1);
      // the id still resolves (soft delete keeps it)
      expect((await registry.getSchemaById(2)).schema).toBe(USER_V2);
      expect(await registry.subjectsForId(2)).toEqual([]);
      expect(await registry.subjectsForId(2, { deleted: true })).toEqual(['s']);
      await failsWith(registry.deleteVersion('s', 9), ERROR.VERSION_NOT_FOUND);
      await failsWith(registry.deleteVersion('nope', 1), ERROR.SUBJECT_NOT_FOUND);
    });

    it('hard-deletes only a soft-deleted version, and then the id is gone', async () => {
      await failsWith(registry.deleteVersion('s', 2, { permanent: true }), ERROR.SCHEMA_VERSION_NOT_SOFT_DELETED);
      await registry.deleteVersion('s', 2);
      expect(await registry.deleteVersion('s', 2, { permanent: true })).toBe(2);
      await failsWith(registry.getVersion('s', 2, { deleted: true }), ERROR.VERSION_NOT_FOUND);
      await failsWith(registry.getSchemaById(2), ERROR.SCHEMA_NOT_FOUND);
      expect(await registry.listVersions('s', { deleted: true })).toEqual([1, 3]);
    });

    it('soft-deletes a subject, then hard-deletes it', async () => {
      await failsWith(registry.deleteSubject('s', { permanent: true }), ERROR.SUBJECT_NOT_SOFT_DELETED);
      await registry.setConfig('s', 'FULL');
      expect(await registry.deleteSubject('s')).toEqual([1, 2, 3]);
      expect(await registry.listSubjects()).toEqual([]);
      expect(await registry.listSubjects({ deleted: true })).toEqual(['s']);
      await failsWith(registry.getVersion('s', 1), ERROR.SUBJECT_NOT_FOUND);
      await failsWith(registry.getVersion('s', 'latest'), ERROR.SUBJECT_NOT_FOUND);
      await failsWith(registry.listVersions('s'), ERROR.SUBJECT_NOT_FOUND);
      expect(await registry.listVersions('s', { deleted: true })).toEqual([1, 2, 3]);
      expect((await registry.getVersion('s', 1, { deleted: true })).schema).toBe(USER_V1);
      await failsWith(registry.deleteSubject('s'), ERROR.SUBJECT_SOFT_DELETED);
      // the subject's config went with it (Confluent)
      await failsWith(registry.getConfig('s'), ERROR.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED);
      expect(await registry.deleteSubject('s', { permanent: true })).toEqual([1, 2, 3]);
      await failsWith(registry.deleteSubject('s', { permanent: true }), ERROR.SUBJECT_NOT_FOUND);
      expect(await registry.listSubjects({ deleted: true })).toEqual([]);
      await failsWith(registry.getSchemaById(1), ERROR.SCHEMA_NOT_FOUND);
      // a new subject of the same name starts again at version 1, with new ids (a hard delete frees nothing for reuse)
      expect(await registry.register('s', { schema: USER_V1 })).toEqual({ id: 4, version: 1 });
    });

    it('hard-deletes a subject whose versions are partly soft-deleted only after a soft delete of all', async () => {
      await registry.deleteVersion('s', 1);
      await failsWith(registry.deleteSubject('s', { permanent: true }), ERROR.SUBJECT_NOT_SOFT_DELETED);
      expect(await registry.deleteSubject('s')).toEqual([2, 3]);
      expect(await registry.deleteSubject('s', { permanent: true })).toEqual([1, 2, 3]);
    });
  });

  describe('config', () => {
    it('reads, sets and deletes compatibility levels', async () => {
      expect(await registry.getConfig()).toEqual({ compatibilityLevel: 'BACKWARD' });
      await failsWith(registry.setConfig(undefined, 'SIDEWAYS'), ERROR.INVALID_COMPATIBILITY_LEVEL);
      expect(await registry.setConfig(undefined, 'full_transitive')).toEqual({ compatibility: 'FULL_TRANSITIVE' });
      expect(await registry.getConfig()).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
      await failsWith(registry.getConfig('s'), ERROR.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED);
      expect(await registry.getConfig('s', { defaultToGlobal: true })).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
      expect(await registry.setConfig('s', 'FORWARD')).toEqual({ compatibility: 'FORWARD' });
      expect(await registry.getConfig('s')).toEqual({ compatibilityLevel: 'FORWARD' });
      expect(await registry.deleteConfig('s')).toEqual({ compatibilityLevel: 'FORWARD' });
      await failsWith(registry.deleteConfig('s'), ERROR.SUBJECT_NOT_FOUND);
      expect(await registry.deleteConfig(undefined)).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
      expect(await registry.getConfig()).toEqual({ compatibilityLevel: 'BACKWARD' });
    });
  });

  describe('mode', () => {
    it('refuses writes in READONLY, per subject or globally, and READONLY_OVERRIDE beats subject modes', async () => {
      const { id } = await registry.register('s', { schema: USER_V1 });
      expect(await registry.getMode()).toEqual({ mode: 'READWRITE' });
      await failsWith(registry.setMode(undefined, 'READ_SOMETIMES'), ERROR.INVALID_MODE);
      await failsWith(registry.getMode('s'), ERROR.SUBJECT_LEVEL_MODE_NOT_CONFIGURED);
      expect(await registry.getMode('s', { defaultToGlobal: true })).toEqual({ mode: 'READWRITE' });

      expect(await registry.setMode('s', 'readonly')).toEqual({ mode: 'READONLY' });
      expect(await failsWith(registry.register('s', { schema: USER_V2 }), ERROR.OPERATION_NOT_PERMITTED)).toBe('Subject s is in read-only mode');
      // an already registered schema is answered before the mode applies (Confluent's registerOrForward)
      expect(await registry.register('s', { schema: USER_V1 })).toEqual({ id, version: 1 });
      await failsWith(registry.deleteVersion('s', 1), ERROR.OPERATION_NOT_PERMITTED);
      await failsWith(registry.deleteSubject('s'), ERROR.OPERATION_NOT_PERMITTED);
      await failsWith(registry.setConfig('s', 'NONE'), ERROR.OPERATION_NOT_PERMITTED);
      expect((await registry.register('other', { schema: USER_V2 })).version).toBe(1);
      expect(await registry.deleteMode('s')).toEqual({ mode: 'READONLY' });
      await failsWith(registry.deleteMode('s'), ERROR.SUBJECT_NOT_FOUND);

      await registry.setMode(undefined, 'READONLY');
      await failsWith(registry.register('s', { schema: USER_V2 }), ERROR.OPERATION_NOT_PERMITTED);
      await registry.setMode('s', 'READWRITE');
      expect((await registry.register('s', { schema: USER_V2 })).version).toBe(2); // the subject's mode wins
      await registry.setMode(undefined, 'READONLY_OVERRIDE');
      expect(await registry.getMode('s')).toEqual({ mode: 'READONLY_OVERRIDE' });
      await failsWith(
        registry.register('s', {
          schema: avroRecord(
            'User',
            [
              ['name', 'string'],
              ['x', 'int', 1],
            ],
            { namespace: 'example' },
          ),
        }),
        ERROR.OPERATION_NOT_PERMITTED,
      );
      await registry.setMode(undefined, 'READWRITE');
    });

    it('IMPORT mode takes ids and versions, and needs an empty subject unless forced', async () => {
      await registry.register('existing', { schema: USER_V1 });
      await failsWith(registry.register('existing', { schema: USER_V2, id: 100 }), ERROR.OPERATION_NOT_PERMITTED); // not in import mode
      expect(await failsWith(registry.setMode(undefined, 'IMPORT'), ERROR.OPERATION_NOT_PERMITTED)).toBe('Cannot import since found existing subjects');
      expect(await registry.setMode('imported', 'IMPORT')).toEqual({ mode: 'IMPORT' });
      await failsWith(registry.register('imported', { schema: USER_V2 }), ERROR.OPERATION_NOT_PERMITTED); // needs an id
      expect(await registry.register('imported', { schema: USER_V2, id: 100, version: 5 })).toEqual({ id: 100, version: 5 });
      // no compatibility check in IMPORT mode, and any version
      expect(await registry.register('imported', { schema: USER_NO_DEFAULT, id: 101, version: 9 })).toEqual({ id: 101, version: 9 });
      expect(await registry.listVersions('imported')).toEqual([5, 9]);
      // an id holds one schema, and a schema one id
      await failsWith(registry.register('imported', { schema: avroRecord('X', [['x', 'int']]), id: 100 }), ERROR.OPERATION_NOT_PERMITTED);
      await failsWith(registry.register('imported', { schema: USER_V2, id: 102 }), ERROR.ID_DOES_NOT_MATCH);
      await failsWith(registry.register('imported', { schema: USER_V1, id: 7 }), ERROR.ID_DOES_NOT_MATCH); // USER_V1 is id 1
      await registry.deleteMode('imported');
      // new ids continue after the imported ones
      expect((await registry.register('after', { schema: avroRecord('Y', [['y', 'int']]) })).id).toBe(102);
      // forced
      expect(await registry.setMode(undefined, 'IMPORT', { force: true })).toEqual({ mode: 'IMPORT' });
      await registry.setMode(undefined, 'READWRITE');
    });

    it('switching a subject to IMPORT purges its soft-deleted versions', async () => {
      await registry.register('s', { schema: USER_V1 });
      await registry.deleteSubject('s');
      await registry.setMode('s', 'IMPORT');
      expect(await registry.listSubjects({ deleted: true })).toEqual([]);
      expect(await registry.register('s', { schema: USER_V2, id: 50, version: 1 })).toEqual({ id: 50, version: 1 });
    });
  });
});
