/** Every route: status, response shape (as Confluent's), content type, and what reaches the service. */
import { AVRO_RECORD, AVRO_RECORD_V2, JSON_SCHEMA, V1, startHarness, type Harness } from './helpers';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

async function seed(): Promise<void> {
  expect((await h.call('POST', '/subjects/order-value/versions', { body: { schema: AVRO_RECORD } })).body).toEqual({ id: 1 });
  expect((await h.call('POST', '/subjects/order-value/versions', { body: { schema: AVRO_RECORD_V2 } })).body).toEqual({ id: 2 });
  expect((await h.call('POST', '/subjects/json-value/versions', { body: { schema: JSON_SCHEMA, schemaType: 'JSON' } })).body).toEqual({ id: 3 });
}

describe('root and types', () => {
  it('GET / answers {}', async () => {
    const r = await h.call('GET', '/');
    expect([r.status, r.body]).toEqual([200, {}]);
    expect(r.headers.get('content-type')).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
  });

  it('GET /schemas/types lists the service types', async () => {
    const r = await h.call('GET', '/schemas/types');
    expect([r.status, r.body]).toEqual([200, ['JSON', 'AVRO']]);
  });
});

describe('subjects and versions', () => {
  it('POST /subjects/{s}/versions returns only {id}; registering again is idempotent', async () => {
    await seed();
    const again = await h.call('POST', '/subjects/order-value/versions', { body: { schema: AVRO_RECORD } });
    expect([again.status, again.body]).toEqual([200, { id: 1 }]);
    expect(h.service.lastCall('register')).toEqual(['order-value', { schema: AVRO_RECORD }, { normalize: false }]);
  });

  it('passes normalize, schemaType, references, id and version through; ignores unknown fields', async () => {
    await seed();
    const body = {
      schema: AVRO_RECORD,
      schemaType: 'AVRO',
      references: [{ name: 'dc.Fill', subject: 'order-value', version: 1 }],
      metadata: { properties: {} },
      ruleSet: null,
      id: 7,
      version: 3,
    };
    const r = await h.call('POST', '/subjects/with-ref/versions?normalize=true', { body });
    expect(r.status).toBe(200);
    expect(h.service.lastCall('register')).toEqual([
      'with-ref',
      { schema: AVRO_RECORD, schemaType: 'AVRO', references: [{ name: 'dc.Fill', subject: 'order-value', version: 1 }], id: 7, version: 3 },
      { normalize: true },
    ]);
  });

  it('GET /subjects lists subjects, with ?deleted and ?subjectPrefix passed down', async () => {
    await seed();
    expect((await h.call('GET', '/subjects')).body).toEqual(['json-value', 'order-value']);
    expect((await h.call('GET', '/subjects?subjectPrefix=order')).body).toEqual(['order-value']);
    await h.call('GET', '/subjects?deleted=true&subjectPrefix=x');
    expect(h.service.lastCall('listSubjects')).toEqual([{ deleted: true, subjectPrefix: 'x' }]);
  });

  it('GET /subjects/{s}/versions lists version numbers', async () => {
    await seed();
    const r = await h.call('GET', '/subjects/order-value/versions');
    expect([r.status, r.body]).toEqual([200, [1, 2]]);
    await h.call('GET', '/subjects/order-value/versions?deleted=TRUE');
    expect(h.service.lastCall('listVersions')).toEqual(['order-value', { deleted: true }]);
  });

  it('GET /subjects/{s}/versions/{v}: AVRO omits schemaType, empty references are omitted', async () => {
    await seed();
    const r = await h.call('GET', '/subjects/order-value/versions/1');
    expect([r.status, r.body]).toEqual([200, { subject: 'order-value', version: 1, id: 1, schema: AVRO_RECORD }]);
    expect(Object.keys(r.body as object)).toEqual(['subject', 'version', 'id', 'schema']);
  });

  it('GET /subjects/{s}/versions/{v}: JSON carries schemaType, references when present', async () => {
    await seed();
    await h.call('POST', '/subjects/ref-value/versions', {
      body: { schema: JSON_SCHEMA.replace('"a"', '"b"'), schemaType: 'JSON', references: [{ name: 'a.json', subject: 'json-value', version: 1 }] },
    });
    const r = await h.call('GET', '/subjects/ref-value/versions/latest');
    expect(r.body).toEqual({
      subject: 'ref-value',
      version: 1,
      id: 4,
      schemaType: 'JSON',
      references: [{ name: 'a.json', subject: 'json-value', version: 1 }],
      schema: JSON_SCHEMA.replace('"a"', '"b"'),
    });
  });

  it('GET /subjects/{s}/versions/{v}/schema answers the raw schema text', async () => {
    await seed();
    const r = await h.call('GET', '/subjects/order-value/versions/2/schema');
    expect(r.status).toBe(200);
    expect(r.text).toBe(AVRO_RECORD_V2);
    expect(r.headers.get('content-type')).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
  });

  it('GET /subjects/{s}/versions/{v}/referencedby lists ids', async () => {
    await seed();
    await h.call('POST', '/subjects/ref-value/versions', {
      body: { schema: '"string"', references: [{ name: 'dc.Fill', subject: 'order-value', version: 2 }] },
    });
    const r = await h.call('GET', '/subjects/order-value/versions/latest/referencedby');
    expect([r.status, r.body]).toEqual([200, [4]]);
    expect(h.service.lastCall('referencedBy')).toEqual(['order-value', 'latest']);
  });

  it('POST /subjects/{s} (lookup) answers the full version; ?normalize and ?deleted pass down', async () => {
    await seed();
    const r = await h.call('POST', '/subjects/order-value?normalize=true&deleted=true', { body: { schema: AVRO_RECORD_V2 } });
    expect([r.status, r.body]).toEqual([200, { subject: 'order-value', version: 2, id: 2, schema: AVRO_RECORD_V2 }]);
    expect(h.service.lastCall('lookup')).toEqual(['order-value', { schema: AVRO_RECORD_V2 }, { normalize: true, deleted: true }]);
    const missing = await h.call('POST', '/subjects/order-value', { body: { schema: '"int"' } });
    expect([missing.status, (missing.body as { error_code: number }).error_code]).toEqual([404, 40403]);
  });

  it('DELETE /subjects/{s}/versions/{v} answers the version; ?permanent passes down', async () => {
    await seed();
    const soft = await h.call('DELETE', '/subjects/order-value/versions/2');
    expect([soft.status, soft.body]).toEqual([200, 2]);
    const hard = await h.call('DELETE', '/subjects/order-value/versions/2?permanent=true');
    expect([hard.status, hard.body]).toEqual([200, 2]);
    expect(h.service.lastCall('deleteVersion')).toEqual(['order-value', 2, { permanent: true }]);
    const notSoft = await h.call('DELETE', '/subjects/order-value/versions/1?permanent=true');
    expect([notSoft.status, notSoft.body]).toEqual([404, { error_code: 40407, message: expect.any(String) }]);
  });

  it('DELETE /subjects/{s} answers the deleted versions; ?permanent passes down', async () => {
    await seed();
    const soft = await h.call('DELETE', '/subjects/order-value');
    expect([soft.status, soft.body]).toEqual([200, [1, 2]]);
    const again = await h.call('DELETE', '/subjects/order-value');
    expect([again.status, (again.body as { error_code: number }).error_code]).toEqual([404, 40404]);
    const hard = await h.call('DELETE', '/subjects/order-value?permanent=true');
    expect([hard.status, hard.body]).toEqual([200, [1, 2]]);
    expect(h.service.lastCall('deleteSubject')).toEqual(['order-value', { permanent: true }]);
  });

  it('URL-decodes subjects (slashes, spaces, unicode, colons)', async () => {
    for (const subject of ['a/b', 'with space', 'ünï-çødé', ':.ctx:sub', 'x%y']) {
      const r = await h.call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { body: { schema: '"string"' } });
      expect(r.status).toBe(200);
      expect(h.service.lastCall('register')?.[0]).toBe(subject);
      expect((await h.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/1`)).body).toMatchObject({ subject });
    }
  });

  it('tolerates a trailing slash', async () => {
    await seed();
    expect((await h.call('GET', '/subjects/')).body).toEqual(['json-value', 'order-value']);
  });
});

describe('schemas by id', () => {
  it('GET /schemas/ids/{id}: {schema} for AVRO, schemaType for JSON, ?subject passes down', async () => {
    await seed();
    expect((await h.call('GET', '/schemas/ids/1')).body).toEqual({ schema: AVRO_RECORD });
    expect((await h.call('GET', '/schemas/ids/3?subject=json-value')).body).toEqual({ schema: JSON_SCHEMA, schemaType: 'JSON' });
    expect(h.service.lastCall('getSchemaById')).toEqual([3, { subject: 'json-value' }]);
    const missing = await h.call('GET', '/schemas/ids/99');
    expect([missing.status, (missing.body as { error_code: number }).error_code]).toEqual([404, 40403]);
  });

  it('GET /schemas/ids/{id}/schema answers the raw schema', async () => {
    await seed();
    const r = await h.call('GET', '/schemas/ids/3/schema');
    expect([r.status, r.text]).toEqual([200, JSON_SCHEMA]);
  });

  it('GET /schemas/ids/{id}/subjects and /versions', async () => {
    await seed();
    await h.call('POST', '/subjects/copy-value/versions', { body: { schema: AVRO_RECORD } });
    expect((await h.call('GET', '/schemas/ids/1/subjects')).body).toEqual(['order-value', 'copy-value']);
    expect((await h.call('GET', '/schemas/ids/1/versions')).body).toEqual([
      { subject: 'order-value', version: 1 },
      { subject: 'copy-value', version: 1 },
    ]);
    await h.call('GET', '/schemas/ids/1/versions?deleted=true');
    expect(h.service.lastCall('versionsForId')).toEqual([1, { deleted: true }]);
  });

  it('a non-numeric or out-of-range id is 40403, never a 500', async () => {
    for (const id of ['abc', '-1', '1.5', '99999999999', '0x10', '%20']) {
      const r = await h.call('GET', `/schemas/ids/${id}`);
      expect([id, r.status, (r.body as { error_code: number }).error_code]).toEqual([id, 404, 40403]);
    }
  });
});

describe('compatibility', () => {
  it('POST /compatibility/subjects/{s}/versions/{v} answers {is_compatible}', async () => {
    await seed();
    const r = await h.call('POST', '/compatibility/subjects/order-value/versions/latest', { body: { schema: AVRO_RECORD_V2 } });
    expect([r.status, r.body]).toEqual([200, { is_compatible: true }]);
    expect(h.service.lastCall('testCompatibility')).toEqual(['order-value', 'latest', { schema: AVRO_RECORD_V2 }, { verbose: false, normalize: false }]);
  });

  it('without a version, the service gets undefined; ?verbose=true adds messages', async () => {
    await seed();
    const r = await h.call('POST', '/compatibility/subjects/order-value/versions?verbose=true', { body: { schema: '{"INCOMPATIBLE":1}' } });
    expect([r.status, r.body]).toEqual([200, { is_compatible: false, messages: ['READER_FIELD_MISSING_DEFAULT_VALUE at /fields/0'] }]);
    expect(h.service.lastCall('testCompatibility')?.[1]).toBeUndefined();
    const quiet = await h.call('POST', '/compatibility/subjects/order-value/versions', { body: { schema: '{"INCOMPATIBLE":1}' } });
    expect(quiet.body).toEqual({ is_compatible: false });
    const compatibleVerbose = await h.call('POST', '/compatibility/subjects/order-value/versions/1?verbose=true', { body: { schema: AVRO_RECORD } });
    expect(compatibleVerbose.body).toEqual({ is_compatible: true, messages: [] });
  });

  it('version parsing applies (-1 = latest, 0 and abc are 42202)', async () => {
    await seed();
    await h.call('POST', '/compatibility/subjects/order-value/versions/-1', { body: { schema: AVRO_RECORD } });
    expect(h.service.lastCall('testCompatibility')?.[1]).toBe('latest');
    for (const v of ['0', 'abc']) {
      const r = await h.call('POST', `/compatibility/subjects/order-value/versions/${v}`, { body: { schema: AVRO_RECORD } });
      expect([r.status, (r.body as { error_code: number }).error_code]).toEqual([422, 42202]);
    }
  });
});

describe('config', () => {
  it('GET /config answers {compatibilityLevel}; PUT answers {compatibility}; DELETE resets', async () => {
    expect((await h.call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    const put = await h.call('PUT', '/config', { body: { compatibility: 'full_transitive' } });
    expect([put.status, put.body]).toEqual([200, { compatibility: 'FULL_TRANSITIVE' }]);
    expect(h.service.lastCall('setConfig')).toEqual([undefined, 'FULL_TRANSITIVE']);
    expect((await h.call('GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
    const del = await h.call('DELETE', '/config');
    expect([del.status, del.body]).toEqual([200, { compatibilityLevel: 'BACKWARD' }]);
  });

  it('subject level: 40408 when unset, ?defaultToGlobal, PUT and DELETE', async () => {
    const unset = await h.call('GET', '/config/order-value');
    expect([unset.status, (unset.body as { error_code: number }).error_code]).toEqual([404, 40408]);
    expect((await h.call('GET', '/config/order-value?defaultToGlobal=true')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await h.call('PUT', '/config/order-value', { body: { compatibility: 'NONE' } })).body).toEqual({ compatibility: 'NONE' });
    expect((await h.call('GET', '/config/order-value')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await h.call('DELETE', '/config/order-value')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await h.call('DELETE', '/config/order-value')).status).toBe(404);
  });

  it('an unknown, missing or mistyped level is 42203', async () => {
    for (const body of [{ compatibility: 'SIDEWAYS' }, {}, { compatibility: 3 }, { compatibilityLevel: 'FULL' }, [], 'FULL', null]) {
      for (const path of ['/config', '/config/s']) {
        const r = await h.call('PUT', path, { raw: JSON.stringify(body) });
        expect([JSON.stringify(body), r.status, (r.body as { error_code: number }).error_code]).toEqual([JSON.stringify(body), 422, 42203]);
      }
    }
    expect(h.service.calls.filter((c) => c.method === 'setConfig')).toEqual([]);
  });
});

describe('mode', () => {
  it('global GET/PUT/DELETE', async () => {
    expect((await h.call('GET', '/mode')).body).toEqual({ mode: 'READWRITE' });
    expect((await h.call('PUT', '/mode', { body: { mode: 'readonly' } })).body).toEqual({ mode: 'READONLY' });
    expect((await h.call('GET', '/mode')).body).toEqual({ mode: 'READONLY' });
    const del = await h.call('DELETE', '/mode');
    expect([del.status, del.body]).toEqual([200, { mode: 'READWRITE' }]);
  });

  it('PUT ?force passes down; the service refusal (42205) maps to 422', async () => {
    await seed();
    const refused = await h.call('PUT', '/mode', { body: { mode: 'IMPORT' } });
    expect([refused.status, (refused.body as { error_code: number }).error_code]).toEqual([422, 42205]);
    const forced = await h.call('PUT', '/mode?force=true', { body: { mode: 'IMPORT' } });
    expect([forced.status, forced.body]).toEqual([200, { mode: 'IMPORT' }]);
    expect(h.service.lastCall('setMode')).toEqual([undefined, 'IMPORT', { force: true }]);
  });

  it('subject level: 40409 when unset, ?defaultToGlobal, PUT, DELETE', async () => {
    const unset = await h.call('GET', '/mode/s');
    expect([unset.status, (unset.body as { error_code: number }).error_code]).toEqual([404, 40409]);
    expect((await h.call('GET', '/mode/s?defaultToGlobal=true')).body).toEqual({ mode: 'READWRITE' });
    expect((await h.call('PUT', '/mode/s', { body: { mode: 'READONLY_OVERRIDE' } })).body).toEqual({ mode: 'READONLY_OVERRIDE' });
    expect((await h.call('GET', '/mode/s')).body).toEqual({ mode: 'READONLY_OVERRIDE' });
    expect((await h.call('DELETE', '/mode/s')).body).toEqual({ mode: 'READONLY_OVERRIDE' });
    expect(h.service.lastCall('deleteMode')).toEqual(['s']);
  });

  it('an unknown, missing or mistyped mode is 42204', async () => {
    for (const body of [{ mode: 'WRITEONLY' }, {}, { mode: true }, [], null]) {
      const r = await h.call('PUT', '/mode/s', { raw: JSON.stringify(body) });
      expect([r.status, (r.body as { error_code: number }).error_code]).toEqual([422, 42204]);
    }
  });
});

describe('content types', () => {
  it.each([
    'application/vnd.schemaregistry.v1+json',
    'application/vnd.schemaregistry+json',
    'application/json',
    'application/json; charset=utf-8',
    'application/octet-stream',
  ])('accepts %s', async (type) => {
    const r = await h.call('POST', '/subjects/s/versions', { raw: JSON.stringify({ schema: '"string"' }), headers: { 'content-type': type } });
    expect([r.status, r.body]).toEqual([200, { id: 1 }]);
    expect(r.headers.get('content-type')).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
  });

  it('a bodiless DELETE or GET with a JSON content type is fine', async () => {
    await seed();
    expect((await h.call('DELETE', '/subjects/order-value/versions/1', { headers: { 'content-type': V1 } })).status).toBe(200);
    expect((await h.call('DELETE', '/subjects/order-value/versions/2', { raw: '', headers: { 'content-type': V1 } })).status).toBe(200);
    expect((await h.call('GET', '/subjects', { headers: { 'content-type': V1 } })).status).toBe(200);
  });
});
