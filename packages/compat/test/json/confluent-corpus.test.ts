/**
 * Conformance with Confluent Schema Registry's own JSON Schema diff vectors (shared/corpora, see its README).
 * Verdicts must match every case; change lists ("TYPE #/path", ordered) must match at least 95% of cases.
 */
import { diffJsonSchemas } from '../../src/json';
import { CORPUS_FILES, loadCorpus, type CorpusCase } from './corpus';

const corpus = CORPUS_FILES.map((file) => ({ file, cases: loadCorpus(file) }));

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
