import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AVRO_RULES, AvroSchemaError, checkAvroReaderWriter, compileAvro } from '../../src/avro';
import { MODERN_VECTORS, type ExpectedIncompatibility } from './modern-vectors';

interface RuleVector {
  readonly rule: string;
  readonly description: string;
  readonly reader: unknown;
  readonly writer: unknown;
  /** For both schemas; readerReferences / writerReferences for one side only. */
  readonly references?: Record<string, unknown>;
  readonly readerReferences?: Record<string, unknown>;
  readonly writerReferences?: Record<string, unknown>;
  readonly expect: readonly (ExpectedIncompatibility & { readonly message?: string })[];
}

const VECTORS = JSON.parse(readFileSync(join(__dirname, 'vectors.json'), 'utf8')) as RuleVector[];

function refs(...maps: (Record<string, unknown> | undefined)[]): Map<string, unknown> {
  return new Map(maps.flatMap((m) => Object.entries(m ?? {})));
}

/** What we report, cut down to what a vector states (messages only when it gives one). */
function found(vector: RuleVector): { rule: string; readerPath: string; writerPath: string; message?: string }[] {
  const reader = compileAvro({ schema: vector.reader, references: refs(vector.references, vector.readerReferences) });
  const writer = compileAvro({ schema: vector.writer, references: refs(vector.references, vector.writerReferences) });
  return checkAvroReaderWriter(reader, writer).map((incompatibility, i) => {
    const { rule, readerPath, writerPath, message } = incompatibility;
    return vector.expect[i]?.message === undefined ? { rule, readerPath, writerPath } : { rule, readerPath, writerPath, message };
  });
}

describe('Avro rule vectors (vectors.json)', () => {
  test.each(VECTORS.map((v) => [`${v.rule}: ${v.description}`, v] as const))('%s', (_name, vector) => {
    expect(found(vector)).toEqual(vector.expect);
  });

  test('every rule has a passing and a failing vector', () => {
    for (const { id } of AVRO_RULES) {
      const vectors = VECTORS.filter((v) => v.rule === id);
      expect({ id, passing: vectors.some((v) => v.expect.length === 0) }).toEqual({ id, passing: true });
      expect({ id, failing: VECTORS.some((v) => v.expect.some((e) => e.rule === id)) }).toEqual({ id, failing: true });
    }
  });

  test('vectors name only known rules', () => {
    const known = new Set(AVRO_RULES.map((r) => r.id));
    for (const vector of VECTORS) {
      expect(known.has(vector.rule)).toBe(true);
      for (const e of vector.expect) expect(known.has(e.rule)).toBe(true);
    }
  });
});

describe('where Avro 1.11 differs from 1.8.2 (modern-vectors.ts)', () => {
  test.each(MODERN_VECTORS.map((v) => [v.description, v] as const))('%s', (_name, vector) => {
    const expected = vector.expect;
    if ('schemaError' in expected) {
      const schema = expected.schemaError === 'reader' ? vector.reader : vector.writer;
      let error: unknown;
      try {
        compileAvro({ schema });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AvroSchemaError);
      expect((error as AvroSchemaError).pointer).toBe(expected.pointer);
      return;
    }
    const reported = checkAvroReaderWriter(compileAvro({ schema: vector.reader }), compileAvro({ schema: vector.writer }));
    expect(reported.map(({ rule, readerPath, writerPath }) => ({ rule, readerPath, writerPath }))).toEqual(expected);
  });
});

describe('AVRO_RULES', () => {
  test('one avro rule per ID, each an incompatibility with a one-line doc', () => {
    expect(new Set(AVRO_RULES.map((r) => r.id)).size).toBe(AVRO_RULES.length);
    for (const rule of AVRO_RULES) {
      expect(rule.format).toBe('avro');
      expect(rule.compatible).toBe(false);
      expect(rule.doc).toMatch(/^[^\n]+\.$/);
    }
  });

  test("the first six are Avro's SchemaIncompatibilityType names", () => {
    expect(AVRO_RULES.slice(0, 6).map((r) => r.id)).toEqual([
      'NAME_MISMATCH',
      'FIXED_SIZE_MISMATCH',
      'MISSING_ENUM_SYMBOLS',
      'READER_FIELD_MISSING_DEFAULT_VALUE',
      'TYPE_MISMATCH',
      'MISSING_UNION_BRANCH',
    ]);
  });
});
