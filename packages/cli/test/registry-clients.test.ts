/**
 * The registry driven by the real client libraries agents and tools use, over HTTP.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Compatibility, SchemaRegistryClient, type ClientConfig } from '@confluentinc/schemaregistry';
import { startServe, tempDir, type ServerProcess } from './registry-helpers';

const TRADE = {
  type: 'record',
  name: 'Trade',
  namespace: 'dynamic_capital.test.v1',
  fields: [
    { name: 'symbol', type: 'string' },
    { name: 'qty', type: 'long' },
  ],
};
const TRADE_V2 = { ...TRADE, fields: [...TRADE.fields, { name: 'venue', type: 'string', default: 'UNKNOWN' }] };
const ALERT = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { severity: { type: 'string', enum: ['LOW', 'HIGH'] }, text: { type: 'string' } },
  required: ['severity'],
  additionalProperties: false,
};

describe('real clients against contracts registry serve', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServe(['--data', tempDir('contracts-registry-clients-')]);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('@kafkajs/confluent-schema-registry: register, getLatestSchemaId, Avro and JSON encode/decode round trips', async () => {
    const registry = new SchemaRegistry({ host: server.url });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(TRADE) }, { subject: 'kafkajs.trade-value' });
    expect(await registry.getLatestSchemaId('kafkajs.trade-value')).toBe(id);
    const value = { symbol: 'BTC-USDT', qty: 3 };
    const encoded = await registry.encode(id, value);
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await registry.decode(encoded)).toEqual(value);

    const again = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(TRADE) }, { subject: 'kafkajs.other-value' });
    expect(again.id).toBe(id);

    const json = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify(ALERT) }, { subject: 'kafkajs.alert-value' });
    const alert = { severity: 'HIGH', text: 'limit breached' };
    const bytes = await registry.encode(json.id, alert);
    expect(await registry.decode(bytes)).toEqual(alert);
    await expect(registry.encode(json.id, { severity: 'MEDIUM' })).rejects.toThrow();
  });

  it('@confluentinc/schemaregistry: register, getBySubjectAndId, getLatestSchemaMetadata, testSubjectCompatibility, updateConfig', async () => {
    const config: ClientConfig = { baseURLs: [server.url], cacheCapacity: 100 };
    const client = new SchemaRegistryClient(config);
    const subject = 'confluent.trade-value';
    const id = await client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(TRADE) });
    const fetched = await client.getBySubjectAndId(subject, id);
    expect(JSON.parse(fetched.schema)).toEqual(TRADE);
    const latest = await client.getLatestSchemaMetadata(subject);
    expect(latest).toMatchObject({ id, version: 1, subject });

    await client.updateConfig(subject, { compatibility: Compatibility.FULL_TRANSITIVE });
    expect(await client.testSubjectCompatibility(subject, { schemaType: 'AVRO', schema: JSON.stringify(TRADE_V2) })).toBe(true);
    const breaking = { ...TRADE, fields: [...TRADE.fields, { name: 'venue', type: 'string' }] };
    expect(await client.testSubjectCompatibility(subject, { schemaType: 'AVRO', schema: JSON.stringify(breaking) })).toBe(false);
    await expect(client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(breaking) })).rejects.toThrow(/40901|incompatible/i);
    const id2 = await client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(TRADE_V2) });
    expect(await client.getAllVersions(subject)).toEqual([1, 2]);
    expect(await client.getSchemaMetadata(subject, 2)).toMatchObject({ id: id2, version: 2 });
    expect(id2).not.toBe(id);
  });
});
