import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMPAT_RULES, compatRule } from '../src';

describe('the compatibility rule table', () => {
  it('has a unique ID and a one-line doc for every rule', () => {
    const keys = COMPAT_RULES.map((r) => `${r.format}:${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const rule of COMPAT_RULES) {
      expect(rule.id).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(rule.doc.trim().length).toBeGreaterThan(10);
      expect(rule.doc).not.toContain('\n');
      expect(compatRule(rule.format, rule.id)).toBe(rule);
    }
  });

  it('classifies every Avro rule as an incompatibility, each with a failing test vector', () => {
    const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, 'avro', 'vectors.json'), 'utf8')) as { expect: { rule: string }[] }[];
    const exercised = new Set(vectors.flatMap((v) => v.expect.map((e) => e.rule)));
    for (const rule of COMPAT_RULES.filter((r) => r.format === 'avro')) {
      expect(rule.compatible).toBe(false);
      expect([rule.id, exercised.has(rule.id)]).toEqual([rule.id, true]);
    }
  });

  it('has both formats', () => {
    expect(COMPAT_RULES.filter((r) => r.format === 'avro').length).toBeGreaterThanOrEqual(6);
    expect(COMPAT_RULES.filter((r) => r.format === 'json').length).toBeGreaterThanOrEqual(60);
  });
});
