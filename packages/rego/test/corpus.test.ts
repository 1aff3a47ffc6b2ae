/**
 * Corpus tests: every Rego module of the OPA conformance corpus (YAML test cases,
 * `cases[].modules`) and both repo policy packs must parse. Failures are listed
 * and must be RegoSyntaxErrors (never crashes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { RegoSyntaxError, parseModule } from '../src/index';

const CORPUS = '/work/shared/corpora/opa-conformance';
const POLICIES = path.resolve(__dirname, '../../../policies');

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

interface CorpusModule {
  name: string;
  source: string;
}

function corpusModules(): CorpusModule[] {
  const out: CorpusModule[] = [];
  for (const file of walk(CORPUS).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const data = doc.toJSON() as { cases?: { note?: string; modules?: unknown[] }[] } | null;
      for (const c of data?.cases ?? []) {
        (c.modules ?? []).forEach((m, i) => {
          if (typeof m === 'string') out.push({ name: `${path.relative(CORPUS, file)} [${c.note ?? '?'}] module ${i}`, source: m });
        });
      }
    }
  }
  return out;
}

/** Parses and classifies: ok, syntax error, or crash (any other exception). */
function tryParse(source: string, name: string): { ok: true } | { ok: false; error: unknown } {
  try {
    parseModule(source, name);
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

const haveCorpus = fs.existsSync(CORPUS);

(haveCorpus ? describe : describe.skip)('OPA conformance corpus', () => {
  it('parses at least 95% of the modules; failures are syntax errors', () => {
    const modules = corpusModules();
    expect(modules.length).toBeGreaterThan(200);
    const failures: string[] = [];
    const crashes: string[] = [];
    for (const m of modules) {
      const r = tryParse(m.source, m.name);
      if (r.ok) continue;
      if (r.error instanceof RegoSyntaxError) failures.push(r.error.message);
      else crashes.push(`${m.name}: ${String(r.error)}`);
    }
    const parsed = modules.length - failures.length - crashes.length;
    console.log(
      `opa-conformance: ${parsed}/${modules.length} modules parse (${((100 * parsed) / modules.length).toFixed(1)}%)` +
        (failures.length ? `\nfailures:\n  ${failures.join('\n  ')}` : ''),
    );
    expect(crashes).toEqual([]);
    expect(parsed / modules.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('repo policy packs', () => {
  const files = walk(POLICIES).filter((f) => f.endsWith('.rego'));

  it('finds the packs', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files.map((f) => [path.relative(POLICIES, f), f]))('%s parses', (_rel, file) => {
    const m = parseModule(fs.readFileSync(file, 'utf8'), file);
    expect(m.rules.length).toBeGreaterThan(0);
  });
});
