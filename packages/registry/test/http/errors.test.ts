/** Error mapping, version parsing and malformed input: every bad request is a 4xx in Confluent's shape. */
import { ERROR, RegistryError } from '../../src/service/types';
import { parseVersion, toErrorResponse } from '../../src/http';
import { AVRO_RECORD, V1, rawRequest, startHarness, type Answer, type Harness } from './helpers';

let h: Harness;

beforeEach(async () => {
  h = await startHarness({ bodyLimit: 64 * 1024 });
  await h.call('POST', '/subjects/s/versions', { body: { schema: AVRO_RECORD } });
});

afterEach(async () => {
  await h.close();
});

function expectError(r: Answer, status: number, code: number): void {
  expect([r.status, r.body]).toEqual([status, { error_code: code, message: expect.any(String) }]);
  expect(Object.keys(r.body as object).sort()).toEqual(['error_code', 'message']);
  expect(r.headers.get('content-type')).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
}

describe('version parsing', () => {
  it.each([
    ['latest', 'latest'],
    ['LATEST', 'latest'],
    ['-1', 'latest'],
    ['1', 1],
    ['42', 42],
    ['2147483647', 2147483647],
  ])('%s -> %s', async (raw, expected) => {
    expect(parseVersion(raw)).toBe(expected);
    await h.call('GET', `/subjects/s/versions/${raw}`);
    expect(h.service.lastCall('getVersion')?.[1]).toBe(expected);
  });

  it.each(['0', '-2', 'abc', '1.5', '2147483648', '99999999999999', 'latest1', '1e3', '%20'])('%s is 42202 on every version route', async (raw) => {
    expectError(await h.call('GET', `/subjects/s/versions/${raw}`), 422, 42202);
    expectError(await h.call('GET', `/subjects/s/versions/${raw}/schema`), 422, 42202);
    expectError(await h.call('GET', `/subjects/s/versions/${raw}/referencedby`), 422, 42202);
    expectError(await h.call('DELETE', `/subjects/s/versions/${raw}`), 422, 42202);
    expectError(await h.call('POST', `/compatibility/subjects/s/versions/${raw}`, { body: { schema: AVRO_RECORD } }), 422, 42202);
  });
});

describe('service errors', () => {
  it.each([
    [ERROR.SUBJECT_NOT_FOUND, 404],
    [ERROR.INCOMPATIBLE_SCHEMA, 409],
    [ERROR.INVALID_SCHEMA, 422],
    [ERROR.REFERENCE_EXISTS, 422],
    [ERROR.OPERATION_TIMEOUT, 500],
    [ERROR.STORE_ERROR, 500],
  ])('RegistryError %d -> HTTP %d with its message', async (code, status) => {
    h.service.failWith = new RegistryError(code, `failure ${code}`);
    const r = await h.call('GET', '/subjects');
    expect([r.status, r.body]).toEqual([status, { error_code: code, message: `failure ${code}` }]);
  });

  it('a RegistryError-shaped error from another module copy is mapped too', async () => {
    h.service.failWith = Object.assign(new Error('nope'), { name: 'RegistryError', errorCode: 40401 });
    expectError(await h.call('GET', '/subjects'), 404, 40401);
  });

  it('a genuine internal error is 500/50001 with no stack or detail, and is reported', async () => {
    h.service.failWith = new TypeError('secret detail at /srv/db.ts:12');
    const r = await h.call('GET', '/subjects/s/versions');
    expect([r.status, r.body]).toEqual([500, { error_code: 50001, message: 'Internal server error' }]);
    expect(r.text).not.toContain('secret');
    expect(r.text).not.toContain('.ts');
    expect(h.internalErrors).toEqual([h.service.failWith]);
  });

  it('a thrown non-Error is a 500 too', async () => {
    h.service.failWith = 'a string';
    expectError(await h.call('GET', '/schemas/types'), 500, 50001);
  });

  it('incompatible registration is 409', async () => {
    expectError(await h.call('POST', '/subjects/s/versions', { body: { schema: '{"INCOMPATIBLE":true}' } }), 409, 40901);
  });
});

describe('malformed requests', () => {
  it('invalid JSON is 400/40001', async () => {
    for (const raw of ['{', '{"schema": }', 'nope', '{"schema":"x"} trailing', '\u0000']) {
      expectError(await h.call('POST', '/subjects/s/versions', { raw }), 400, 40001);
      expectError(await h.call('PUT', '/config', { raw }), 400, 40001);
    }
  });

  it('a wrong body shape for a schema request is 422/42201', async () => {
    const bodies: unknown[] = [
      {},
      { schema: 1 },
      { schema: null },
      { schema: { type: 'string' } },
      { schema: ['a'] },
      { schema: '"string"', schemaType: 5 },
      { schema: '"string"', references: 'x' },
      { schema: '"string"', references: [{ name: 'a', subject: 'b' }] },
      { schema: '"string"', references: [{ name: 1, subject: 'b', version: 1 }] },
      { schema: '"string"', references: [null] },
      { schema: '"string"', id: 'one' },
      { schema: '"string"', version: 1.5 },
      [],
      'schema',
      42,
      null,
    ];
    for (const body of bodies) {
      for (const path of ['/subjects/s/versions', '/subjects/s', '/compatibility/subjects/s/versions', '/compatibility/subjects/s/versions/1']) {
        const r = await h.call('POST', path, { raw: JSON.stringify(body) });
        expect([JSON.stringify(body), path, r.status, (r.body as { error_code: number }).error_code]).toEqual([JSON.stringify(body), path, 422, 42201]);
      }
    }
  });

  it('a missing body is 422/42201', async () => {
    expectError(await h.call('POST', '/subjects/s/versions', { headers: { 'content-type': V1 } }), 422, 42201);
    expectError(await h.call('POST', '/subjects/s/versions', { raw: '   ' }), 422, 42201);
  });

  it('a non-JSON content type is 415/41501', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
      expectError(
        await h.call('POST', '/subjects/s/versions', { raw: JSON.stringify({ schema: AVRO_RECORD }), headers: { 'content-type': type } }),
        415,
        41501,
      );
    }
  });

  it('an unparseable content type is 415/41501', async () => {
    const r = await rawRequest(h.server.url, 'POST', '/subjects/s/versions', '{"schema":"\\"int\\""}', { 'content-type': '???' });
    expect([r.status, JSON.parse(r.text)]).toEqual([415, { error_code: 41501, message: expect.any(String) }]);
  });

  it('a body without any content type is read as JSON (as Confluent)', async () => {
    const r = await rawRequest(h.server.url, 'POST', '/subjects/t/versions', JSON.stringify({ schema: '"int"' }));
    expect([r.status, JSON.parse(r.text)]).toEqual([200, { id: 2 }]);
    const bad = await rawRequest(h.server.url, 'POST', '/subjects/t/versions', '{oops');
    expect([bad.status, JSON.parse(bad.text).error_code]).toEqual([400, 40001]);
  });

  it('an oversized body is 413/41301 (declared length or streamed)', async () => {
    const big = JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'R', doc: 'x'.repeat(70 * 1024), fields: [] }) });
    expectError(await h.call('POST', '/subjects/s/versions', { raw: big }), 413, 41301);
    // Chunked, no Content-Length: the limit applies while reading.
    const chunked = await rawRequest(h.server.url, 'POST', '/subjects/s/versions', undefined, { 'content-type': V1, 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(422); // empty chunked body: no body
    const response = await fetch(`${h.server.url}/subjects/s/versions`, {
      method: 'POST',
      headers: { 'content-type': V1 },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect([response.status, ((await response.json()) as { error_code: number }).error_code]).toEqual([413, 41301]);
  });

  it('the default body limit is 1 MiB', async () => {
    const other = await startHarness();
    try {
      const justUnder = JSON.stringify({ schema: JSON.stringify({ type: 'string', doc: 'x'.repeat(1024 * 1024 - 100) }) });
      expect((await other.call('POST', '/subjects/s/versions', { raw: justUnder })).status).toBe(200);
      const over = JSON.stringify({ schema: 'x'.repeat(1024 * 1024) });
      expect((await other.call('POST', '/subjects/s/versions', { raw: over })).status).toBe(413);
    } finally {
      await other.close();
    }
  });

  it('an unknown route is 404 with error_code 40400', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/subjects/s/versions/1/extra'],
      ['PUT', '/subjects/s'],
      ['PATCH', '/config'],
      ['GET', '/schemas/ids'],
      ['POST', '/schemas/ids/1'],
    ] as const) {
      expectError(await h.call(method, path), 404, 40400);
    }
  });

  it('a malformed percent-encoding is 400/40001', async () => {
    const r = await rawRequest(h.server.url, 'GET', '/subjects/%E0%A4%A/versions', undefined);
    expect([r.status, JSON.parse(r.text).error_code]).toEqual([400, 40001]);
  });

  it('a very long subject is passed through (no router length limit below the URL limit)', async () => {
    const subject = 's'.repeat(3000);
    expect((await h.call('POST', `/subjects/${subject}/versions`, { body: { schema: '"long"' } })).status).toBe(200);
    const tooLong = await h.call('GET', `/subjects/${'s'.repeat(9000)}/versions`);
    expect(tooLong.status).toBeGreaterThanOrEqual(400);
    expect(tooLong.status).toBeLessThan(500);
  });

  it('query flags are lenient like JAX-RS booleans (only "true" is true)', async () => {
    for (const [value, expected] of [
      ['true', true],
      ['True', true],
      ['1', false],
      ['yes', false],
      ['', false],
    ] as const) {
      await h.call('GET', `/subjects?deleted=${value}`);
      expect(h.service.lastCall('listSubjects')?.[0]).toEqual({ deleted: expected, subjectPrefix: undefined });
    }
    await h.call('GET', '/subjects?deleted=true&deleted=false');
    expect(h.service.lastCall('listSubjects')?.[0]).toEqual({ deleted: true, subjectPrefix: undefined });
  });

  it('nothing in a battery of hostile requests answers 5xx', async () => {
    const requests: [string, string, string | undefined, Record<string, string>][] = [
      ['POST', '/subjects/s/versions', '{"schema":"\\"int\\"","__proto__":{"schema":1}}', { 'content-type': V1 }],
      ['POST', '/subjects/s/versions', '{"schema":"\\"int\\"","constructor":{"prototype":{"x":1}}}', { 'content-type': V1 }],
      ['POST', '/subjects/s/versions', '{"schema":"\\"int\\"","references":[{"name":"a","subject":"b","version":1e400}]}', { 'content-type': V1 }],
      ['POST', '/subjects/s/versions', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', { 'content-type': V1 }],
      ['POST', '/subjects/s/versions', '"just a string"', { 'content-type': V1 }],
      ['POST', '/subjects/s/versions', 'null', { 'content-type': V1 }],
      ['PUT', '/config/s', '{"compatibility":{"toUpperCase":1}}', { 'content-type': V1 }],
      ['PUT', '/mode', '{"mode":["READONLY"]}', { 'content-type': V1 }],
      ['PUT', '/mode?force=maybe', '{"mode":"IMPORT"}', { 'content-type': V1 }],
      ['GET', '/subjects/s/versions/latest?deleted[]=1', undefined, {}],
      ['GET', '/schemas/ids/1?subject[a]=b', undefined, {}],
      ['GET', '/schemas/ids/18446744073709551616', undefined, {}],
      ['GET', '/subjects/%00/versions', undefined, {}],
      ['DELETE', '/subjects/s/versions/latest?permanent=true', undefined, {}],
      ['POST', '/subjects/s/versions', '{"schema":"\\"int\\""}', { 'content-type': 'application/json; charset=latin1' }],
      ['POST', '/subjects/s/versions', '\uFEFF{"schema":"\\"int\\""}', { 'content-type': V1 }],
    ];
    for (const [method, path, body, headers] of requests) {
      const r = await rawRequest(h.server.url, method, path, body, headers);
      expect([method, path, body, r.status < 500]).toEqual([method, path, body, true]);
      const parsed = JSON.parse(r.text) as unknown;
      if (r.status >= 400) expect(parsed).toEqual({ error_code: expect.any(Number), message: expect.any(String) });
    }
    expect(h.internalErrors).toEqual([]);
  });
});

describe('toErrorResponse', () => {
  it('maps edge cases without throwing', () => {
    expect(toErrorResponse(new RegistryError(123, 'odd'))).toMatchObject({ status: 500, body: { error_code: 50001 } });
    expect(toErrorResponse(Object.assign(new Error('aborted: socket detail'), { statusCode: 400 }))).toEqual({
      status: 400,
      body: { error_code: 40001, message: 'Bad request' },
      internal: false,
    });
    expect(toErrorResponse(Object.assign(new Error('x'), { code: 'constructor' }))).toMatchObject({ status: 500, internal: true });
    expect(toErrorResponse(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }))).toMatchObject({
      status: 413,
      body: { error_code: 41301 },
    });
    expect(toErrorResponse(null)).toMatchObject({ status: 500 });
    expect(toErrorResponse(undefined)).toMatchObject({ status: 500 });
  });
});
