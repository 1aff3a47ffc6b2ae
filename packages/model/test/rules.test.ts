import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  analyzeAvro,
  LINT_CHECKS,
  LINT_RULE_IDS,
  parseJson,
  parseYaml,
  RULES,
  SourceText,
  type LintRuleId,
  type LocatedDocument,
} from '@dynamic-capital/contracts-model';

interface Vector {
  description: string;
  contract: string;
  file: string;
  format: 'avro' | 'json';
  schema: unknown;
  history?: unknown[];
  /** Where each expected diagnostic is: a JSON pointer into the schema, or "manifest:<pointer>" into contracts.yaml. */
  expect: { at: string; message: string; part?: 'key' | 'value' }[];
}

const VECTORS = path.join(__dirname, 'vectors');

function located(file: string, text: string, yaml = false): LocatedDocument {
  if (yaml) {
    const parsed = parseYaml(new SourceText(file, text));
    if (!parsed.document) throw new Error(`vector manifest does not parse: ${JSON.stringify(parsed.errors)}`);
    return parsed.document;
  }
  const result = parseJson(new SourceText(file, text));
  if (!result.ok) throw new Error(`vector schema does not parse: ${result.diagnostic.message}`);
  return result.document;
}

describe('rule table', () => {
  it('every rule has a one-line doc', () => {
    for (const [id, rule] of Object.entries(RULES)) {
      expect(id).toMatch(/^[a-z][a-z0-9-]+$/);
      expect(rule.doc).toMatch(/^\S.*\.$/);
      expect(rule.doc).not.toContain('\n');
    }
  });
  it('every lint rule has an implementation and a vectors file with passing and failing cases', () => {
    for (const id of LINT_RULE_IDS) {
      expect(typeof LINT_CHECKS[id]).toBe('function');
      const vectors = JSON.parse(fs.readFileSync(path.join(VECTORS, `${id}.json`), 'utf8')) as { cases: Vector[] };
      expect(vectors.cases.some((c) => c.expect.length === 0)).toBe(true);
      expect(vectors.cases.some((c) => c.expect.length > 0)).toBe(true);
    }
  });
});

describe.each(LINT_RULE_IDS)('lint rule %s', (id: LintRuleId) => {
  const { cases } = JSON.parse(fs.readFileSync(path.join(VECTORS, `${id}.json`), 'utf8')) as { cases: Vector[] };
  it.each(cases.map((c) => [c.description, c] as const))('%s', (_description, vector) => {
    const schemaFile = `schemas/${vector.file}`;
    const schema = located(schemaFile, JSON.stringify(vector.schema, null, 2));
    const manifestText = [
      'version: 1',
      'contracts:',
      `  ${vector.contract}:`,
      `    file: ${vector.file}`,
      `    format: ${vector.format}`,
      `    topic: ${vector.contract}`,
      '',
    ].join('\n');
    const manifest = located('schemas/contracts.yaml', manifestText, true);
    const found = LINT_CHECKS[id]({
      contract: vector.contract,
      format: vector.format,
      fileUnderSchemas: vector.file,
      schema,
      ...(vector.format === 'avro' ? { avro: analyzeAvro(schema) } : {}),
      manifest,
      manifestPointer: `/contracts/${vector.contract}`,
      history: vector.history ?? [],
    });
    const expected = vector.expect.map((e) => {
      const inManifest = e.at.startsWith('manifest:');
      const doc = inManifest ? manifest : schema;
      const pointer = inManifest ? e.at.slice('manifest:'.length) : e.at;
      // Manifest entries are reported at the key (the contract name), schema values at their value.
      const offset = doc.offsetOf(pointer, e.part ?? (inManifest && pointer.split('/').length === 3 ? 'key' : 'value'));
      const { line, column } = doc.source.position(offset);
      return { file: doc.source.file, line, column, rule: id, message: expect.stringContaining(e.message) };
    });
    expect(found.map(({ file, line, column, rule, message }) => ({ file, line, column, rule, message }))).toEqual(expected);
    for (const d of found) expect(d.hint).toMatch(/\S{3,}/);
  });
});
