/**
 * Against a real registry (this repository's own server on its embedded store) through
 * @kafkajs/confluent-schema-registry: our resolver registers a contract with its references, our
 * serde's bytes decode with the library's own decode, and the library's bytes decode with ours.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createRegistryService, openEmbeddedStore, startRegistryServer, type RegistryServer } from '@dynamic-capital/contracts-registry';
import { formatDecimal, fromTwosComplement, parseDecimal, RegistrySchemaResolver, Serde, toTwosComplement, UnknownSchemaIdError } from '../../src';
import { complianceAlert, contractSchema, fillEvent } from './contracts';

const DECIMALS = new Set([
  'price',
  'quantity',
  'fee',
  'cumulative_quantity',
  'remaining_quantity',
  'average_price',
  'realised_pnl_usd',
  'fees_usd',
  'net_realised_pnl_usd',
  'arrival_price',
  'slippage_usd',
  'fx_rate_to_usd',
]);

/** Our value with decimal strings as the library represents them: bytes. */
function withDecimalBytes(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && DECIMALS.has(key)) return toTwosComplement(parseDecimal(value, { precision: 18, scale: 8 }) ?? 0n);
  if (Array.isArray(value)) return value.map((v) => withDecimalBytes(v));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDecimalBytes(v, k)]));
  return value;
}
function withDecimalStrings(value: unknown, key = ''): unknown {
  if (Buffer.isBuffer(value) && DECIMALS.has(key)) return formatDecimal(fromTwosComplement(value), 8);
  if (Array.isArray(value)) return value.map((v) => withDecimalStrings(v));
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDecimalStrings(v, k)]));
  return value;
}

describe('RegistrySchemaResolver and the wire format against @kafkajs/confluent-schema-registry', () => {
  let dir: string;
  let server: RegistryServer;
  let closeService: () => Promise<void>;
  let resolver: RegistrySchemaResolver;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runtime-registry-'));
    const service = createRegistryService(await openEmbeddedStore(dir));
    closeService = () => service.close();
    server = await startRegistryServer({ service, port: 0 });
    resolver = RegistrySchemaResolver.connect({ host: server.url });
  });
  afterAll(async () => {
    await server?.close();
    await closeService?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers execution.event.fill.v1 with its references; bytes cross-decode both ways', async () => {
    const subject = 'execution.event.fill.v1-value';
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema: contractSchema('execution.event.fill.v1'), resolver });
    expect(await resolver.registry.getLatestSchemaId(subject)).toBe(serde.schemaId);
    // registering again is idempotent and served from the cache
    expect(await resolver.idFor(subject, contractSchema('execution.event.fill.v1'))).toBe(serde.schemaId);

    const value = fillEvent();
    const ours = serde.encode(value);
    const library = new SchemaRegistry({ host: server.url });
    expect(withDecimalStrings(await library.decode(ours))).toEqual(value);

    const theirs = await library.encode(serde.schemaId, withDecimalBytes(value));
    expect(theirs.equals(ours)).toBe(true);
    expect(await serde.decode(theirs)).toEqual(value);
  });

  it('reads schemas by id on a cold cache (then caches them) and knows unknown ids', async () => {
    const subject = 'execution.event.fill.v1-value';
    const writer = await Serde.create<Record<string, unknown>>({ subject, schema: contractSchema('execution.event.fill.v1'), resolver });
    const cold = RegistrySchemaResolver.connect({ host: server.url });
    const plain = new RegistrySchemaResolver(new SchemaRegistry({ host: server.url }));
    expect((await plain.schemaFor(writer.schemaId)).format).toBe('AVRO');
    const schema = await cold.schemaFor(writer.schemaId);
    expect(schema.format).toBe('AVRO');
    expect(await cold.schemaFor(writer.schemaId)).toBe(schema);
    await expect(cold.schemaFor(99_999)).rejects.toBeInstanceOf(UnknownSchemaIdError);
    // a reader whose own id differs decodes through the fetched writer schema
    const reader = await Serde.create<Record<string, unknown>>({
      subject,
      schema: contractSchema('execution.event.fill.v1'),
      resolver: { idFor: async () => 12345, schemaFor: (id) => cold.schemaFor(id) },
    });
    expect(await reader.decode(writer.encode(fillEvent()))).toEqual(fillEvent());
  });

  it('registers a JSON contract with its $ref and the library decodes our bytes', async () => {
    const serde = await Serde.create<Record<string, unknown>>({
      subject: 'compliance.event.alert.v1-value',
      schema: contractSchema('compliance.event.alert.v1'),
      // the $id URL of a JSON reference is not a practical subject name
      resolver: RegistrySchemaResolver.connect({ host: server.url }, { referenceSubject: (name) => name.replace(/^.*\//, '') }),
    });
    // the library's default ajv is draft-07 only: give it the one `connect` uses
    const library = new SchemaRegistry({ host: server.url }, RegistrySchemaResolver.libraryOptions());
    expect(await library.decode(serde.encode(complianceAlert()))).toEqual(complianceAlert());
  });
});
