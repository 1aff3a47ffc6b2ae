/**
 * Conformance with Confluent Schema Registry's own JSON Schema diff vectors (shared/corpora, see its README).
 * Verdicts must match every case; change lists ("TYPE #/path", ordered) must match at least 95% of cases.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffJsonSchemas } from '../../src/json';

const CORPUS_DIR = path.resolve(__dirname, '../../../../../shared/corpora/confluent-jsonschema-compat');
// The upstream 2020-12 file has a trailing comma; the .strict.json copy is the same data as strict JSON.
const FILES = [
  'diff-schema-examples.json',
  'diff-schema-examples-2020-12.strict.json',
  'diff-combined-schema-examples.json',
  'diff-combined-schema-examples-2020-12.json',
] as const;

interface CorpusCase {
  readonly description: string;
  readonly original_schema: unknown;
  readonly update_schema: unknown;
  readonly changes: readonly string[];
  readonly compatible: boolean;
  readonly compatible_lenient?: boolean;
}

function loadCorpus(file: string): CorpusCase[] {
  const full = path.join(CORPUS_DIR, file);
  if (!fs.existsSync(full)) {
    throw new Error(`Confluent JSON Schema corpus file missing: ${full}. Clone the shared corpora next to the repository (../shared/corpora).`);
  }
  const cases: unknown = JSON.parse(fs.readFileSync(full, 'utf8'));
  if (!Array.isArray(cases) || cases.length === 0) throw new Error(`Corpus file ${full} holds no cases`);
  return cases as CorpusCase[];
}

const corpus = FILES.map((file) => ({ file, cases: loadCorpus(file) }));

function changeList(c: CorpusCase): string[] {
  return diffJsonSchemas({ schema: c.original_schema }, { schema: c.update_schema }).differences.map((d) => `${d.type} ${d.jsonPath}`);
}

describe.each(corpus)('$file', ({ cases }) => {
  const indexed = cases.map((c, index) => ({ ...c, index }));

  it.each(indexed)('#$index $description: strict verdict', (c) => {
    expect(diffJsonSchemas({ schema: c.original_schema }, { schema: c.update_schema }).compatible).toBe(c.compatible);
  });

  it.each(indexed)('#$index $description: lenient verdict', (c) => {
    const verdict = diffJsonSchemas({ schema: c.original_schema }, { schema: c.update_schema }, { policy: 'lenient' }).compatible;
    expect(verdict).toBe(c.compatible_lenient ?? c.compatible);
  });
});

it('matches Confluent change lists for at least 95% of cases overall', () => {
  let total = 0;
  let matched = 0;
  const summary: string[] = [];
  const mismatches: string[] = [];
  for (const { file, cases } of corpus) {
    let fileMatched = 0;
    cases.forEach((c, index) => {
      const actual = changeList(c);
      if (JSON.stringify(actual) === JSON.stringify(c.changes)) fileMatched++;
      else mismatches.push(`${file} #${index} ${c.description}\n  expected: ${JSON.stringify(c.changes)}\n  actual:   ${JSON.stringify(actual)}`);
    });
    total += cases.length;
    matched += fileMatched;
    summary.push(`${file}: ${fileMatched}/${cases.length}`);
  }
  console.log([`Confluent JSON Schema corpus: ${matched}/${total} change lists match`, ...summary, ...mismatches].join('\n'));
  expect(matched / total).toBeGreaterThanOrEqual(0.95);
});
