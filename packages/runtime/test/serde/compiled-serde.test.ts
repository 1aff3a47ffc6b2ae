/**
 * Serde on the compiled Avro codec behaves as Serde on avsc alone: the same frames for every value
 * avsc accepts (including those the compiled encoder leaves to avsc), the same ValidationError
 * issues for every value it refuses, the same values decoded (as plain objects), the same DLQ
 * reasons for corrupt payloads; schemas the compiler does not cover still run on avsc.
 */
import { isDeepStrictEqual } from 'node:util';
import type * as avro from 'avsc';
import { loadProject } from '@dynamic-capital/contracts-model';
import { avroIssues, buildAvroType, encodeFrame, InMemorySchemaResolver, InvalidFrameError, Serde, ValidationError, type ContractSchema } from '../../src';
import { contractSchema, fillEvent, ROOT } from './contracts';

const STRICT = { noUndeclaredFields: true };
const SCHEMA_ID = 17;

/** What Serde.encode did with avsc alone: validate (strict), list every failing path, serialize, frame. */
function avscEncode(type: avro.Type, value: unknown): Buffer | ValidationError {
  if (!type.isValid(value, STRICT)) {
    const issues = avroIssues(type, value);
    if (issues.length > 0) return new ValidationError('s', issues);
  }
  return encodeFrame(SCHEMA_ID, type.toBuffer(value));
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (Buffer.isBuffer(value) || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = plain((value as Record<string, unknown>)[k]);
  return out;
}

async function expectSameAsAvsc(serde: Serde<unknown>, type: avro.Type, value: unknown): Promise<void> {
  const expected = avscEncode(type, value);
  let actual: Buffer | ValidationError;
  try {
    actual = serde.encode(value);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    actual = error;
  }
  if (expected instanceof ValidationError) {
    expect(actual).toBeInstanceOf(ValidationError);
    expect((actual as ValidationError).issues).toEqual(expected.issues);
    return;
  }
  expect(Buffer.isBuffer(actual) && actual.equals(expected)).toBe(true);
  const decoded = await serde.decode(actual as Buffer);
  expect(isDeepStrictEqual(decoded, plain(type.fromBuffer(expected.subarray(5))))).toBe(true);
}

const avroContracts = [...loadProject(ROOT).graph.contracts].filter(([, c]) => c.schema?.format === 'avro').map(([name]) => name);

describe.each(avroContracts)('Serde on the compiled codec: %s', (name) => {
  const schema = contractSchema(name);
  const type = buildAvroType(schema.schema, schema.references);

  it('frames, refuses and decodes as avsc alone did', async () => {
    const serde = await Serde.create<unknown>({ subject: `${name}-value`, schema, resolver: new InMemorySchemaResolver(SCHEMA_ID) });
    expect(serde.schemaId).toBe(SCHEMA_ID);
    for (let i = 0; i < 200; i++) {
      const value = plain(type.random()) as Record<string, unknown>;
      await expectSameAsAvsc(serde, type, value);
      // a few invalid ones: an undeclared field, a missing one, a wrong type
      const keys = Object.keys(value);
      const key = keys[i % keys.length] as string;
      await expectSameAsAvsc(serde, type, { ...value, undeclared: i });
      const missing = Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
      await expectSameAsAvsc(serde, type, missing);
      await expectSameAsAvsc(serde, type, { ...value, [key]: i % 2 === 0 ? 'not-a-valid-value' : { nested: true } });
    }
  });
});

describe('Serde on the compiled codec: the paths it leaves to avsc', () => {
  const schema = contractSchema('execution.event.fill.v1');
  const type = buildAvroType(schema.schema, schema.references);
  const create = (): Promise<Serde<unknown>> => Serde.create<unknown>({ subject: 's', schema, resolver: new InMemorySchemaResolver(SCHEMA_ID) });

  it('values avsc accepts only by coercion, lone surrogates, undefined undeclared fields: framed as avsc framed them', async () => {
    const serde = await create();
    const value = fillEvent();
    const odd = [
      { ...value, side: ['BUY'] }, // an enum symbol as a one-element array
      { ...value, side: 'constructor' }, // an Object.prototype member as a symbol
      { ...value, constructor: 1 }, // ...as an undeclared field
      { ...value, portfolio_id: 'pf-\ud800' }, // a lone surrogate
      { ...value, extra: undefined }, // avroIssues lists no issue for it: it was always serialized
    ];
    for (const v of odd) await expectSameAsAvsc(serde, type, v);
  });

  it('lists every failing path of an invalid value, as before', async () => {
    const serde = await create();
    const value = fillEvent();
    const fills = value['fills'] as Record<string, unknown>[];
    fills[0] = { ...fills[0], price: '1.000000001', executed_at: 'yesterday' };
    value['side'] = 'SIDEWAYS';
    delete value['portfolio_id'];
    value['extra'] = 1;
    await expectSameAsAvsc(serde, type, value);
    expect(() => serde.encode(value)).toThrow(ValidationError);
  });

  it('decodes its own id to plain objects, and corrupt payloads to CORRUPT_PAYLOAD', async () => {
    const serde = await create();
    const bytes = serde.encode(fillEvent());
    const decoded = (await serde.decode(bytes)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded).toEqual(fillEvent());
    for (const payload of [bytes.subarray(0, bytes.length - 1), Buffer.concat([bytes, Buffer.from([0])]), encodeFrame(SCHEMA_ID, Buffer.from([0xff]))]) {
      const error = await serde.decode(payload).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidFrameError);
      expect((error as InvalidFrameError).reason).toBe('CORRUPT_PAYLOAD');
    }
  });

  it('keeps every encoded frame intact while later values are encoded', async () => {
    const serde = await create();
    const frames = Array.from({ length: 2000 }, (_, i) => ({ i, bytes: serde.encode({ ...fillEvent(), batch_sequence: i }) }));
    for (const { i, bytes } of frames) expect(((await serde.decode(bytes)) as Record<string, unknown>)['batch_sequence']).toBe(i);
  });

  it('runs a schema the compiler does not cover on avsc', async () => {
    const wrapped: ContractSchema = {
      format: 'AVRO',
      schema: { type: 'record', name: 'W', fields: [{ name: 'n', type: ['int', 'long'] }] },
      references: new Map(),
    };
    const serde = await Serde.create<unknown>({ subject: 'w', schema: wrapped, resolver: new InMemorySchemaResolver(SCHEMA_ID) });
    const bytes = serde.encode({ n: { long: 5 } });
    expect(await serde.decode(bytes)).toEqual({ n: { long: 5 } });
    expect(() => serde.encode({ n: 5 })).toThrow(ValidationError);
  });
});
