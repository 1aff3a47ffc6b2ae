/**
 * Test vectors for the JSON Schema difference types that Confluent's own corpus does not exercise
 * (rule-vectors.json, in the corpus format plus `rule` and an optional `known_difference`), and the project rule
 * that every compatibility rule has test vectors: each rule in JSON_RULES must occur in the expected changes of a
 * Confluent corpus case or of a rule vector, unless it is listed in CANNOT_OCCUR with the reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffJsonSchemas, JSON_RULES } from '../../src/json';
import { CORPUS_DIR, CORPUS_FILES } from './corpus';

const VECTORS_FILE = path.join(__dirname, 'rule-vectors.json');

/** Rules diffJsonSchemas can never report, with the reason. Every other rule needs a vector. */
const CANNOT_OCCUR: ReadonlyMap<string, string> = new Map([
  [
    'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    'Deprecated by Confluent (8.x): a property added to an open content model is reported as OPTIONAL_, REQUIRED_ or REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL instead.',
  ],
  [
    'RESERVED_PROPERTY_REMOVED',
    "Found by Confluent's compareMetadata in the registry metadata's reserved properties; diffJsonSchemas compares schemas only and takes no metadata.",
  ],
  [
    'RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY',
    "Found by Confluent's compareMetadata in the registry metadata's reserved properties; diffJsonSchemas compares schemas only and takes no metadata.",
  ],
]);

interface Case {
  readonly description: string;
  readonly original_schema: unknown;
  readonly update_schema: unknown;
  readonly changes: readonly string[];
  readonly compatible: boolean;
  readonly compatible_lenient?: boolean;
}

interface Vector extends Case {
  /** The difference type the vector is written for. */
  readonly rule: string;
  /** Why our engine does not give Confluent's answer (recorded in changes/compatible); the vector is then skipped. */
  readonly known_difference?: string;
}

function readCases(file: string): unknown[] {
  if (!fs.existsSync(file)) throw new Error(`Test vector file missing: ${file}. Clone the shared corpora next to the repository (../shared/corpora).`);
  const cases: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(cases) || cases.length === 0) throw new Error(`${file} holds no cases`);
  return cases;
}

function isCase(c: unknown): c is Case {
  if (typeof c !== 'object' || c === null) return false;
  const r = c as Record<string, unknown>;
  return (
    typeof r['description'] === 'string' &&
    'original_schema' in r &&
    'update_schema' in r &&
    Array.isArray(r['changes']) &&
    r['changes'].every((x) => typeof x === 'string') &&
    typeof r['compatible'] === 'boolean' &&
    (r['compatible_lenient'] === undefined || typeof r['compatible_lenient'] === 'boolean')
  );
}

function isVector(c: unknown): c is Vector {
  if (!isCase(c)) return false;
  const r = c as unknown as Record<string, unknown>;
  return typeof r['rule'] === 'string' && (r['known_difference'] === undefined || (typeof r['known_difference'] === 'string' && r['known_difference'] !== ''));
}

function loadVectors(): Vector[] {
  return readCases(VECTORS_FILE).map((c, index) => {
    if (!isVector(c)) throw new Error(`rule-vectors.json #${index} is not {rule, description, original_schema, update_schema, changes, compatible, ...}`);
    return c;
  });
}

function loadCorpus(): Case[] {
  return CORPUS_FILES.flatMap((file) =>
    readCases(path.join(CORPUS_DIR, file)).map((c, index) => {
      if (!isCase(c)) throw new Error(`${file} #${index} is not a corpus case`);
      return c;
    }),
  );
}

const vectors = loadVectors().map((v, index) => ({ ...v, index }));
const checked = vectors.filter((v) => v.known_difference === undefined);
const known = vectors.filter((v) => v.known_difference !== undefined);
const corpus = loadCorpus();
const ruleIds = new Set(JSON_RULES.map((r) => r.id));
const typeOf = (change: string): string => change.split(' ')[0] ?? '';

function actual(c: Case): { changes: string[]; compatible: boolean; compatible_lenient: boolean } {
  const strict = diffJsonSchemas({ schema: c.original_schema }, { schema: c.update_schema });
  const lenient = diffJsonSchemas({ schema: c.original_schema }, { schema: c.update_schema }, { policy: 'lenient' });
  return { changes: strict.differences.map((d) => `${d.type} ${d.jsonPath}`), compatible: strict.compatible, compatible_lenient: lenient.compatible };
}

describe('rule-vectors.json', () => {
  beforeAll(() => {
    if (known.length > 0) {
      console.log(
        [
          `${known.length} rule vector(s) skipped as known differences from Confluent:`,
          ...known.map((v) => `#${v.index} ${v.rule}: ${v.known_difference}`),
        ].join('\n'),
      );
    }
  });

  it.each(checked)('#$index $rule: $description', (v) => {
    expect(actual(v)).toEqual({ changes: v.changes, compatible: v.compatible, compatible_lenient: v.compatible_lenient ?? v.compatible });
  });

  for (const v of known) {
    it.skip(`#${v.index} ${v.rule}: ${v.description} (known difference: ${v.known_difference})`, () => {
      expect(actual(v).changes).toEqual(v.changes);
    });
  }

  it('names a known rule in each vector and, unless a known difference, shows it in its changes', () => {
    const problems: string[] = [];
    for (const v of vectors) {
      if (!ruleIds.has(v.rule)) problems.push(`#${v.index}: unknown rule ${v.rule}`);
      if (v.known_difference === undefined && !v.changes.some((c) => typeOf(c) === v.rule)) problems.push(`#${v.index}: ${v.rule} is not in its changes`);
    }
    expect(problems).toEqual([]);
  });
});

describe('every JSON rule has test vectors', () => {
  // Confluent's expected changes, and ours where our engine agrees with Confluent (known differences are skipped).
  const exercised = new Set([...corpus, ...checked].flatMap((c) => c.changes.map(typeOf)));

  it('each rule in JSON_RULES occurs in the changes of a Confluent corpus case or of rule-vectors.json', () => {
    const missing = JSON_RULES.map((r) => r.id).filter((id) => !exercised.has(id) && !CANNOT_OCCUR.has(id));
    expect(missing).toEqual([]);
  });

  it('lists as impossible only rules that exist and that no vector produces', () => {
    const stale = [...CANNOT_OCCUR.keys()].filter((id) => !ruleIds.has(id) || exercised.has(id));
    expect(stale).toEqual([]);
  });

  it('expects only difference types that JSON_RULES lists', () => {
    const unknown = [...new Set([...corpus, ...vectors].flatMap((c) => c.changes.map(typeOf)))].filter((t) => !ruleIds.has(t));
    expect(unknown).toEqual([]);
  });
});
