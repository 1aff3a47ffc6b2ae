/** OPA's conformance cases as stored in ../shared/corpora/opa-conformance (one YAML file of cases each). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const CORPUS = path.resolve(__dirname, '../../../../../shared/corpora/opa-conformance');

export interface ConformanceCase {
  readonly category: string;
  readonly file: string;
  readonly note: string;
  readonly query: string;
  readonly modules?: string[];
  readonly data?: unknown;
  readonly input?: unknown;
  readonly input_term?: string;
  readonly want_result?: Record<string, unknown>[];
  readonly want_error_code?: string;
  readonly want_error?: string;
  readonly sort_bindings?: boolean;
  readonly strict_error?: boolean;
}

export type Outcome = { status: 'pass' } | { status: 'unsupported'; detail: string } | { status: 'wrong'; detail: string };

export function loadCases(root = CORPUS): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const category of fs.readdirSync(root).sort()) {
    const dir = path.join(root, category);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith('.yaml')) continue;
      const doc = parseYaml(fs.readFileSync(path.join(dir, file), 'utf8')) as { cases?: Omit<ConformanceCase, 'category' | 'file'>[] };
      for (const c of doc.cases ?? []) out.push({ ...c, category, file });
    }
  }
  return out;
}
