import { encodeFrame, InMemorySchemaResolver, InvalidFrameError, Serde, UnknownSchemaIdError, ValidationError, type ContractSchema } from '../../src';
import { complianceAlert, contractSchema, fillEvent } from './contracts';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('Avro serde: execution.event.fill.v1 (decimals, timestamps, shared references)', () => {
  const schema = contractSchema('execution.event.fill.v1');
  const subject = 'execution.event.fill.v1-value';

  it('round trips, with decimals as exact strings and timestamps as epoch-ms numbers', async () => {
    const resolver = new InMemorySchemaResolver(41);
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema, resolver });
    expect(serde.schemaId).toBe(41);
    const value = fillEvent();
    const bytes = serde.encode(value);
    expect([...bytes.subarray(0, 5)]).toEqual([0, 0, 0, 0, 41]);
    const decoded = await serde.decode(bytes);
    expect(decoded).toEqual(value);
    const fill = (decoded['fills'] as Record<string, unknown>[])[0];
    expect(fill?.['executed_at']).toBe(1_730_000_000_123);
    expect(fill?.['fee']).toBe('-0.00000001');
    // the hot path never asks the resolver for the schema of its own id
    expect(resolver.schemaForCalls).toBe(0);
  });

  it('normalises decimals to the schema scale', async () => {
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema, resolver: new InMemorySchemaResolver() });
    const value = { ...fillEvent(), average_price: '67000.5' };
    expect((await serde.decode(serde.encode(value)))['average_price']).toBe('67000.50000000');
  });

  it('lists every failing path, not just the first', async () => {
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema, resolver: new InMemorySchemaResolver() });
    const value = fillEvent();
    const fills = value['fills'] as Record<string, unknown>[];
    fills[0] = { ...fills[0], price: '1.000000001', executed_at: 'yesterday' };
    value['side'] = 'SIDEWAYS';
    delete value['portfolio_id'];
    value['extra'] = 1;
    let error: unknown;
    try {
      serde.encode(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['/extra', '/fills/0/executed_at', '/fills/0/price', '/portfolio_id', '/side']);
    expect(issues.find((i) => i.path === '/fills/0/price')?.message).toMatch(/decimal\(18,8\)/);
    expect(issues.find((i) => i.path === '/side')?.message).toMatch(/SIDEWAYS/);
    expect((error as ValidationError).dlqReason).toBe('VALIDATION_FAILED');
  });

  it('decodes a value written with an older registered version via Avro schema resolution', async () => {
    const resolver = new InMemorySchemaResolver();
    // An older writer: without hedge_hints (a field the reader has a default for).
    const current = schema.schema as { fields: { name: string }[] };
    const older: ContractSchema = { ...schema, schema: { ...current, fields: current.fields.filter((f) => f.name !== 'hedge_hints') } };
    const oldSerde = await Serde.create<Record<string, unknown>>({ subject, schema: older, resolver });
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema, resolver });
    expect(oldSerde.schemaId).not.toBe(serde.schemaId);
    const oldValue = fillEvent();
    delete oldValue['hedge_hints'];
    const decoded = await serde.decode(oldSerde.encode(oldValue));
    expect(decoded).toEqual({ ...oldValue, hedge_hints: [] });
    expect(resolver.schemaForCalls).toBe(1);
    await serde.decode(oldSerde.encode(oldValue));
    expect(resolver.schemaForCalls).toBe(1); // cached per id
  });

  it('re-validates decoded values of other writer ids, not those framed with its own id (written by a validating encode)', async () => {
    const resolver = new InMemorySchemaResolver();
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema, resolver });
    // A writer whose average_price is plain bytes (a client that dropped the logical type): the
    // reader resolves the bytes at its scale, and 10^30 unscaled exceeds its precision of 18.
    const current = schema.schema as { fields: { name: string; type: unknown }[] };
    const plain: ContractSchema = {
      ...schema,
      schema: { ...current, fields: current.fields.map((f) => (f.name === 'average_price' ? { ...f, type: 'bytes' } : f)) },
    };
    const writer = await Serde.create<Record<string, unknown>>({ subject, schema: plain, resolver });
    const tooPrecise = Buffer.from((10n ** 30n).toString(16).padStart(26, '0'), 'hex');
    const bytes = writer.encode({ ...fillEvent(), average_price: tooPrecise });
    const error = await rejection(serde.decode(bytes));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['/average_price']);
    // The same payload framed with the reader's own id is trusted: it decodes with the reader's own
    // type (shape enforced), and value constraints beyond the type are the encoder's (validated) word.
    const own = encodeFrame(serde.schemaId, bytes.subarray(5));
    expect((await serde.decode(own))['average_price']).toBe(`${10n ** 22n}.00000000`);
    // ...while a payload of its own id that does not decode with its type is still rejected
    const corrupt = await rejection(serde.decode(encodeFrame(serde.schemaId, bytes.subarray(5, 40))));
    expect((corrupt as InvalidFrameError).reason).toBe('CORRUPT_PAYLOAD');
  });

  it('maps unknown ids, foreign schemas, bad frames and corrupt payloads to DLQ reasons', async () => {
    const resolver = new InMemorySchemaResolver();
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema, resolver });
    const alert = await Serde.create<Record<string, unknown>>({ subject: 'x', schema: contractSchema('compliance.event.alert.v1'), resolver });
    const tick = await Serde.create<Record<string, unknown>>({ subject: 'y', schema: contractSchema('market.event.tick.v1'), resolver });
    const unknown = await rejection(serde.decode(encodeFrame(999, Buffer.from([1]))));
    expect(unknown).toBeInstanceOf(UnknownSchemaIdError);
    expect(await rejection(serde.decode(alert.encode(complianceAlert())))).toBeInstanceOf(UnknownSchemaIdError);
    expect(await rejection(serde.decode(encodeFrame(tick.schemaId, Buffer.from([1, 2, 3]))))).toBeInstanceOf(UnknownSchemaIdError);
    const short = await rejection(serde.decode(Buffer.from([0, 0])));
    expect(short).toBeInstanceOf(InvalidFrameError);
    const truncated = serde.encode(fillEvent()).subarray(0, 40);
    const corrupt = await rejection(serde.decode(truncated));
    expect(corrupt).toBeInstanceOf(InvalidFrameError);
    expect((corrupt as InvalidFrameError).reason).toBe('CORRUPT_PAYLOAD');
  });
});

describe('JSON serde: compliance.event.alert.v1 (2020-12, shared $refs)', () => {
  const schema = contractSchema('compliance.event.alert.v1');
  const subject = 'compliance.event.alert.v1-value';

  it('round trips as UTF-8 JSON in the wire format', async () => {
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema, resolver: new InMemorySchemaResolver(7) });
    const value = complianceAlert();
    const bytes = serde.encode(value);
    expect(bytes[0]).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(7);
    expect(JSON.parse(bytes.subarray(5).toString('utf8'))).toEqual(value);
    expect(await serde.decode(bytes)).toEqual(value);
  });

  it('lists every failing path (pattern, enum, required, additionalProperties, shared $defs)', async () => {
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema, resolver: new InMemorySchemaResolver() });
    const value: Record<string, unknown> = { ...complianceAlert(), alert_id: 'NOT-A-UUID', severity: 'PANIC', related_symbols: ['btc'], extra: true };
    delete value['summary'];
    const issues = serde.validate(value);
    expect(issues.map((i) => i.path).sort()).toEqual(['/alert_id', '/extra', '/related_symbols/0', '/severity', '/summary']);
    expect(() => serde.encode(value)).toThrow(ValidationError);
  });

  it('validates on decode as well', async () => {
    const serde = await Serde.create<Record<string, unknown>>({ subject, schema, resolver: new InMemorySchemaResolver(3) });
    const bad = encodeFrame(3, Buffer.from(JSON.stringify({ ...complianceAlert(), severity: 'PANIC' })));
    const error = await rejection(serde.decode(bad));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: '/severity', message: expect.stringMatching(/allowed values/) }]);
    const notJson = await rejection(serde.decode(encodeFrame(3, Buffer.from('{'))));
    expect((notJson as InvalidFrameError).reason).toBe('CORRUPT_PAYLOAD');
  });

  it('handles a draft-07 JSON contract too', async () => {
    const draft7: ContractSchema = {
      format: 'JSON',
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { a: { type: 'integer', minimum: 0 }, b: { type: 'string', format: 'uuid' } },
        required: ['a', 'b'],
        additionalProperties: false,
      },
      references: new Map(),
    };
    const serde = await Serde.create<{ a: number; b: string }>({ subject: 's', schema: draft7, resolver: new InMemorySchemaResolver() });
    expect(await serde.decode(serde.encode({ a: 1, b: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3e' }))).toEqual({ a: 1, b: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3e' });
    expect(serde.validate({ a: -1, b: 'x' }).map((i) => i.path)).toEqual(['/a', '/b']);
  });
});
