/** Confluent's JSON Schema diff vectors (shared/corpora, see its README), shared by the JSON tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CORPUS_DIR = path.resolve(__dirname, '../../../../../shared/corpora/confluent-jsonschema-compat');
// The upstream 2020-12 file has a trailing comma; the .strict.json copy is the same data as strict JSON.
export const CORPUS_FILES = [
  'diff-schema-examples.json',
  'diff-schema-examples-2020-12.strict.json',
  'diff-combined-schema-examples.json',
  'diff-combined-schema-examples-2020-12.json',
] as const;

export interface CorpusCase {
  readonly description: string;
  readonly original_schema: unknown;
  readonly update_schema: unknown;
  readonly changes: readonly string[];
  readonly compatible: boolean;
  readonly compatible_lenient?: boolean;
}

/** The cases of one corpus file; a missing file fails loudly (the corpus is part of the test). */
export function loadCorpus(file: string): CorpusCase[] {
  const full = path.join(CORPUS_DIR, file);
  if (!fs.existsSync(full)) {
    throw new Error(`Confluent JSON Schema corpus file missing: ${full}. Clone the shared corpora next to the repository (../shared/corpora).`);
  }
  const cases: unknown = JSON.parse(fs.readFileSync(full, 'utf8'));
  if (!Array.isArray(cases) || cases.length === 0) throw new Error(`Corpus file ${full} holds no cases`);
  return cases as CorpusCase[];
}
