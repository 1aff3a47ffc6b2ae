/**
 * The REST API over HTTP with the real service, on both stores: the same answers from the
 * embedded database and from PostgreSQL.
 */
import { createRegistryService, startRegistryServer, withReadCache, type RegistryServer } from '../../src';
import { createBackend, type Backend } from '../store/helpers';

const CT = 'application/vnd.schemaregistry.v1+json';
const money = JSON.stringify({ type: 'record', name: 'Money', namespace: 'dynamic_capital.common', fields: [{ name: 'units', type: 'long' }] });
const order = (extra: object[] = []): string =>
  JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'dynamic_capital.order.v1',
    fields: [{ name: 'id', type: 'string' }, { name: 'price', type: 'dynamic_capital.common.Money' }, ...extra],
  });

describe.each(['embedded', 'postgres'] as const)('REST API on the %s store', (kind) => {
  let backend: Backend;
  let server: RegistryServer;
  let closeService: () => Promise<void>;
  const call = async (method: string, path: string, body?: unknown, contentType = CT): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(server.url + path, {
      method,
      headers: { 'content-type': contentType },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // raw schema text
    }
    return { status: response.status, body: parsed };
  };

  beforeAll(async () => {
    backend = await createBackend(kind);
    const service = withReadCache(createRegistryService(await backend.open()), { lookups: kind === 'embedded' });
    closeService = () => service.close();
    server = await startRegistryServer({ service, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await closeService();
    await backend.cleanup();
  });

  it('registers with references, finds, versions, ids, referencedby', async () => {
    expect(await call('PUT', '/config', { compatibility: 'FULL_TRANSITIVE' })).toEqual({ status: 200, body: { compatibility: 'FULL_TRANSITIVE' } });
    const moneyId = ((await call('POST', '/subjects/dynamic_capital.common.Money/versions', { schema: money })).body as { id: number }).id;
    const refs = [{ name: 'dynamic_capital.common.Money', subject: 'dynamic_capital.common.Money', version: 1 }];
    const first = await call('POST', '/subjects/order-value/versions', { schema: order(), references: refs });
    expect(first.status).toBe(200);
    const orderId = (first.body as { id: number }).id;
    // Same schema, other subject: same id. Same schema again: same id, no new version.
    expect((await call('POST', '/subjects/order-copy-value/versions', { schema: order(), references: refs })).body).toEqual({ id: orderId });
    expect((await call('POST', '/subjects/order-value/versions', { schema: ` ${order()} `, references: refs })).body).toEqual({ id: orderId });
    expect((await call('GET', '/subjects/order-value/versions')).body).toEqual([1]);
    expect((await call('POST', '/subjects/order-value', { schema: order(), references: refs })).body).toMatchObject({
      subject: 'order-value',
      version: 1,
      id: orderId,
    });
    expect((await call('GET', '/subjects/order-value/versions/latest')).body).toMatchObject({
      subject: 'order-value',
      version: 1,
      id: orderId,
      references: refs,
    });
    // The raw schema text is the body itself.
    expect((await call('GET', '/subjects/order-value/versions/-1/schema')).body).toMatchObject({ name: 'Order' });
    expect((await call('GET', `/schemas/ids/${orderId}`)).body).toMatchObject({ schema: expect.stringContaining('Order'), references: refs });
    expect(((await call('GET', `/schemas/ids/${orderId}/subjects`)).body as string[]).sort()).toEqual(['order-copy-value', 'order-value']);
    expect((await call('GET', '/subjects/dynamic_capital.common.Money/versions/1/referencedby')).body).toEqual([orderId]);
    expect(moneyId).not.toBe(orderId);
    expect((await call('GET', '/schemas/types')).body).toEqual(expect.arrayContaining(['AVRO', 'JSON']));
  });

  it('enforces compatibility: 409 40901, and verbose compatibility answers', async () => {
    const refs = [{ name: 'dynamic_capital.common.Money', subject: 'dynamic_capital.common.Money', version: 1 }];
    const breaking = order([{ name: 'qty', type: 'long' }]);
    const rejected = await call('POST', '/subjects/order-value/versions', { schema: breaking, references: refs });
    expect(rejected.status).toBe(409);
    expect(rejected.body).toMatchObject({ error_code: 40901 });
    const check = await call('POST', '/compatibility/subjects/order-value/versions/latest?verbose=true', { schema: breaking, references: refs });
    expect(check.body).toMatchObject({ is_compatible: false, messages: expect.arrayContaining([expect.stringContaining('qty')]) });
    const fine = order([{ name: 'qty', type: 'long', default: 0 }]);
    expect((await call('POST', '/compatibility/subjects/order-value/versions', { schema: fine, references: refs })).body).toEqual({ is_compatible: true });
    expect((await call('POST', '/subjects/order-value/versions', { schema: fine, references: refs })).status).toBe(200);
    expect((await call('GET', '/subjects/order-value/versions')).body).toEqual([1, 2]);
  });

  it('modes, deletes and their rules', async () => {
    expect((await call('PUT', '/mode/order-value', { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' });
    expect(
      (
        await call('POST', '/subjects/order-value/versions', {
          schema: order([{ name: 'x', type: 'int', default: 1 }]),
          references: [{ name: 'dynamic_capital.common.Money', subject: 'dynamic_capital.common.Money', version: 1 }],
        })
      ).body,
    ).toMatchObject({ error_code: 42205 });
    await call('DELETE', '/mode/order-value');
    expect((await call('DELETE', '/subjects/dynamic_capital.common.Money/versions/1')).body).toMatchObject({ error_code: 42206 });
    expect((await call('DELETE', '/subjects/order-copy-value/versions/1?permanent=true')).body).toMatchObject({ error_code: 40407 });
    expect((await call('DELETE', '/subjects/order-copy-value/versions/1')).body).toBe(1);
    expect((await call('GET', '/subjects/order-copy-value/versions/1')).status).toBe(404);
    expect((await call('GET', '/subjects/order-copy-value/versions?deleted=true')).body).toEqual([1]);
    expect((await call('DELETE', '/subjects/order-copy-value/versions/1?permanent=true')).body).toBe(1);
    expect((await call('GET', '/subjects')).body).not.toContain('order-copy-value');
  });

  it('answers bad input with 4xx and a code, never 500', async () => {
    expect((await call('POST', '/subjects/x-value/versions', { schema: '{"type": "protobuf"}', schemaType: 'PROTOBUF' })).body).toMatchObject({
      error_code: 42201,
      message: expect.stringMatching(/PROTOBUF/),
    });
    expect((await call('POST', '/subjects/x-value/versions', '{"schema": ')).body).toMatchObject({ error_code: 40001 });
    expect(
      (await call('POST', '/subjects/x-value/versions', { schema: '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "nope"}]}' })).body,
    ).toMatchObject({ error_code: 42201 });
    expect((await call('PUT', '/config/x-value', { compatibility: 'SIDEWAYS' })).body).toMatchObject({ error_code: 42203 });
    expect((await call('GET', '/subjects/nope-value/versions/abc')).body).toMatchObject({ error_code: 42202 });
    expect((await call('GET', '/subjects/nope-value/versions')).body).toMatchObject({ error_code: 40401 });
    expect((await call('GET', '/schemas/ids/99999')).body).toMatchObject({ error_code: 40403 });
    expect((await call('POST', '/subjects/x-value/versions', { schema: 'x'.repeat(2 * 1024 * 1024) })).status).toBe(413);
  });
});
