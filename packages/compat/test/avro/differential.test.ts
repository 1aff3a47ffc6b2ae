/**
 * Differential test against Apache Avro's own SchemaCompatibility (Debian's libavro-java 1.8.2,
 * run through AvroCompat.java): random schema pairs from generator.ts must get the verdict Avro
 * gives, every time. Shapes where 1.8.2 and Avro 1.11 differ are kept out by the generator and
 * pinned in modern-vectors.ts; here we also check that 1.8.2 really does differ on those.
 *
 * AVRO_DIFF_SEED=<n> replays a run; AVRO_DIFF_PAIRS=<n> changes its size (default 6,000).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { avroCanonicalForm, avroFingerprint, AvroSchemaError, checkAvroReaderWriter, compileAvro } from '../../src/avro';
import { generatePairs, type GeneratedPair } from './generator';
import { INVALID_SCHEMAS } from './invalid-schemas';
import { JavaHarness, toLine } from './java-harness';
import { MODERN_VECTORS } from './modern-vectors';

const SEED = process.env.AVRO_DIFF_SEED !== undefined ? Number(process.env.AVRO_DIFF_SEED) : Math.floor(Math.random() * 2 ** 31);
const PAIRS = Number(process.env.AVRO_DIFF_PAIRS ?? 6000);

let java: JavaHarness;

beforeAll(() => {
  // No skipping: without Java and libavro-java this fails, saying how to install them.
  java = JavaHarness.compile();
  console.log(`Avro differential run: AVRO_DIFF_SEED=${SEED}, ${PAIRS} pairs`);
});

afterAll(() => java?.dispose());

/** Our verdict in the harness's vocabulary. */
function verdict(pair: {
  reader: unknown;
  writer: unknown;
  readerReferences?: ReadonlyMap<string, unknown>;
  writerReferences?: ReadonlyMap<string, unknown>;
}): string {
  try {
    const reader = compileAvro({ schema: pair.reader, references: pair.readerReferences });
    const writer = compileAvro({ schema: pair.writer, references: pair.writerReferences });
    return checkAvroReaderWriter(reader, writer).length === 0 ? 'COMPATIBLE' : 'INCOMPATIBLE';
  } catch (error) {
    if (error instanceof AvroSchemaError) return `ERROR ${error.message}`;
    throw error;
  }
}

test(`generated pairs get Apache Avro's verdicts (seed ${SEED})`, () => {
  const pairs = generatePairs(SEED, PAIRS);
  const expected = java.verdicts(pairs);
  const disagreements: string[] = [];
  const tally: Record<string, number> = {};
  pairs.forEach((pair, i) => {
    const avro = expected[i] ?? '';
    const ours = verdict(pair);
    tally[ours.split(' ')[0] ?? ''] = (tally[ours.split(' ')[0] ?? ''] ?? 0) + 1;
    if (ours !== avro) disagreements.push(describe(i, pair, ours, avro));
  });
  if (disagreements.length > 0) {
    throw new Error(
      `${disagreements.length} of ${pairs.length} verdicts differ from Apache Avro's (replay with AVRO_DIFF_SEED=${SEED}). First ones:\n${disagreements.slice(0, 3).join('\n\n')}`,
    );
  }
  // Both verdicts well represented, and no schema the generator made is invalid.
  expect(tally.COMPATIBLE ?? 0).toBeGreaterThan(pairs.length / 5);
  expect(tally.INCOMPATIBLE ?? 0).toBeGreaterThan(pairs.length / 5);
  expect(tally.ERROR ?? 0).toBe(0);
});

function describe(i: number, pair: GeneratedPair, ours: string, avro: string): string {
  return [
    `pair ${i} (${pair.evolvedReads ? 'evolved reads original' : 'original reads evolved'}; steps: ${pair.steps.join('; ') || 'none'})`,
    `  ours: ${ours}`,
    `  avro: ${avro}`,
    `  ${toLine(pair)}`,
  ].join('\n');
}

test('where 1.8.2 and Avro 1.11 differ, 1.8.2 does give the answer modern-vectors.ts records', () => {
  const verdicts = java.verdicts(MODERN_VECTORS);
  expect(MODERN_VECTORS.map((v, i) => [v.description, (verdicts[i] ?? '').split(' ')[0]])).toEqual(MODERN_VECTORS.map((v) => [v.description, v.avro182]));
});

test('the rule vectors get the verdicts 1.8.2 gives (none of them is a shape where the versions differ)', () => {
  interface Vector {
    description: string;
    reader: unknown;
    writer: unknown;
    references?: Record<string, unknown>;
    readerReferences?: Record<string, unknown>;
    writerReferences?: Record<string, unknown>;
  }
  const vectors = JSON.parse(readFileSync(join(__dirname, 'vectors.json'), 'utf8')) as Vector[];
  const pairs = vectors.map((v) => ({
    description: v.description,
    reader: v.reader,
    writer: v.writer,
    readerReferences: new Map(Object.entries({ ...v.references, ...v.readerReferences })),
    writerReferences: new Map(Object.entries({ ...v.references, ...v.writerReferences })),
  }));
  const avro = java.verdicts(pairs).map((line) => (line.startsWith('ERROR') && line.includes('matches multiple fields') ? 'INCOMPATIBLE' : line));
  // Avro throws when a reader field matches several writer fields; Confluent calls that incompatible.
  expect(pairs.map((p) => [p.description, verdict(p)])).toEqual(pairs.map((p, i) => [p.description, avro[i]]));
});

test('1.8.2 rejects the invalid schemas it is recorded to reject (invalid-schemas.ts)', () => {
  const pairs = INVALID_SCHEMAS.map((s) => ({ reader: s.schema, writer: 'null', readerReferences: new Map(Object.entries(s.references ?? {})) }));
  const verdicts = java.verdicts(pairs);
  expect(INVALID_SCHEMAS.map((s, i) => [s.description, verdicts[i]?.startsWith('ERROR') ? 'rejects' : 'accepts'])).toEqual(
    INVALID_SCHEMAS.map((s) => [s.description, s.avro182]),
  );
});

test("canonical forms and fingerprints match Avro's SchemaNormalization", () => {
  const pairs = generatePairs(SEED ^ 0x5bd1e995, 1000);
  const expected = java.canonicalForms(pairs);
  const ours = pairs.map((p) => {
    const input = { schema: p.writer, references: p.writerReferences };
    return `${avroCanonicalForm(input)}\t${avroFingerprint(input)}`;
  });
  const firstDifference = ours.findIndex((line, i) => line !== expected[i]);
  expect({ seed: SEED, firstDifference, ours: ours[firstDifference], avro: expected[firstDifference] }).toEqual({
    seed: SEED,
    firstDifference: -1,
    ours: undefined,
    avro: undefined,
  });
});
