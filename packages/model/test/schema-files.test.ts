import { loadProject } from '@dynamic-capital/contracts-model';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A throwaway project from a map of files; contracts.yaml lists `contracts` with `produced_by: runtime`. */
function project(files: Record<string, unknown>, contracts: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-model-'));
  const entries = Object.entries(contracts).map(([name, file]) =>
    [`  ${name}:`, `    file: ${file}`, `    format: ${file.endsWith('.avsc') ? 'avro' : 'json'}`, `    topic: ${name}`, '    produced_by: runtime'].join('\n'),
  );
  const all: Record<string, string> = {
    'schemas/contracts.yaml': ['version: 1', entries.length > 0 ? 'contracts:' : 'contracts: {}', ...entries, ''].join('\n'),
  };
  for (const [file, content] of Object.entries(files)) all[file] = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
  for (const [file, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const BASE = 'https://contracts.dynamic.capital/';
function jsonSchema(name: string, file: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: BASE + file,
    title: name,
    description: 'Test.',
    type: 'object',
    additionalProperties: false,
    ...extra,
  };
}

function rulesOf(dir: string): { rule: string; file: string; line: number }[] {
  return loadProject(dir).diagnostics.map(({ rule, file, line }) => ({ rule, file, line }));
}

describe('schema files', () => {
  it('detects a cycle of $refs between files and reports where it closes', () => {
    const dir = project(
      {
        'schemas/demo/event.a.v1.schema.json': jsonSchema('demo.event.a.v1', 'demo/event.a.v1.schema.json', {
          properties: { b: { description: 'B.', $ref: 'event.b.v1.schema.json' } },
        }),
        'schemas/demo/event.b.v1.schema.json': jsonSchema('demo.event.b.v1', 'demo/event.b.v1.schema.json', {
          properties: { a: { description: 'A.', $ref: 'event.a.v1.schema.json' } },
        }),
      },
      { 'demo.event.a.v1': 'demo/event.a.v1.schema.json', 'demo.event.b.v1': 'demo/event.b.v1.schema.json' },
    );
    expect(rulesOf(dir)).toEqual([{ rule: 'reference-cycle', file: 'schemas/demo/event.b.v1.schema.json', line: 11 }]);
  });

  it('allows recursion inside one file', () => {
    const dir = project(
      {
        'schemas/demo/event.tree.v1.schema.json': jsonSchema('demo.event.tree.v1', 'demo/event.tree.v1.schema.json', {
          properties: { children: { description: 'Subtrees.', type: 'array', items: { $ref: '#' } } },
        }),
      },
      { 'demo.event.tree.v1': 'demo/event.tree.v1.schema.json' },
    );
    expect(rulesOf(dir)).toEqual([]);
  });

  it('checks JSON Schema against its meta-schema, at the offending keyword', () => {
    const dir = project(
      {
        'schemas/demo/event.a.v1.schema.json': jsonSchema('demo.event.a.v1', 'demo/event.a.v1.schema.json', {
          properties: { n: { description: 'N.', type: 'integr' } },
        }),
      },
      { 'demo.event.a.v1': 'demo/event.a.v1.schema.json' },
    );
    const found = loadProject(dir).diagnostics;
    expect(found).toEqual([expect.objectContaining({ rule: 'json-schema-meta', line: 11, column: 15 })]);
  });

  it('checks draft-07 schemas against the draft-07 meta-schema', () => {
    const schema = { ...jsonSchema('demo.event.a.v1', 'demo/event.a.v1.schema.json', { properties: { n: { description: 'N.', minimum: 'zero' } } }) };
    schema['$schema'] = 'http://json-schema.org/draft-07/schema#';
    const dir = project({ 'schemas/demo/event.a.v1.schema.json': schema }, { 'demo.event.a.v1': 'demo/event.a.v1.schema.json' });
    expect(loadProject(dir).diagnostics).toEqual([expect.objectContaining({ rule: 'json-schema-meta', message: expect.stringContaining('draft-07') })]);
    expect(loadProject(dir).graph.contracts.get('demo.event.a.v1')?.schema?.dialect).toBe('draft-07');
  });

  it('requires a $schema', () => {
    const schema = jsonSchema('demo.event.a.v1', 'demo/event.a.v1.schema.json', {});
    delete schema['$schema'];
    const dir = project({ 'schemas/demo/event.a.v1.schema.json': schema }, { 'demo.event.a.v1': 'demo/event.a.v1.schema.json' });
    expect(rulesOf(dir)).toEqual([{ rule: 'json-schema-dialect', file: 'schemas/demo/event.a.v1.schema.json', line: 1 }]);
  });

  const avroRecord = (fields: unknown[]): Record<string, unknown> => ({
    type: 'record',
    name: 'AEvent',
    namespace: 'dynamic_capital.demo.v1',
    doc: 'A.',
    fields,
  });

  it('reports a named Avro type defined twice', () => {
    const side = { type: 'enum', name: 'Side', doc: 'S.', symbols: ['BUY', 'SELL'] };
    const dir = project(
      {
        'schemas/demo/event.a.v1.avsc': avroRecord([
          { name: 'a', type: side, doc: 'A.' },
          { name: 'b', type: side, doc: 'B.' },
        ]),
      },
      { 'demo.event.a.v1': 'demo/event.a.v1.avsc' },
    );
    expect(rulesOf(dir)).toEqual([expect.objectContaining({ rule: 'avro-duplicate-name' })]);
  });

  it('reports what only avsc catches (a default of the wrong type) without losing the file', () => {
    const dir = project(
      { 'schemas/demo/event.a.v1.avsc': avroRecord([{ name: 'n', type: 'int', doc: 'N.', default: 'x' }]) },
      { 'demo.event.a.v1': 'demo/event.a.v1.avsc' },
    );
    const found = loadProject(dir).diagnostics;
    expect(found).toEqual([expect.objectContaining({ rule: 'avro-schema', message: expect.stringContaining('invalid Avro schema') })]);
  });

  it('resolves a shared Avro type and records the reference', () => {
    const dir = project(
      {
        'schemas/shared/avro/dynamic_capital.common.Money.avsc': { type: 'fixed', name: 'Money', namespace: 'dynamic_capital.common', doc: 'M.', size: 16 },
        'schemas/demo/event.a.v1.avsc': avroRecord([{ name: 'amount', type: 'dynamic_capital.common.Money', doc: 'Amount.' }]),
      },
      { 'demo.event.a.v1': 'demo/event.a.v1.avsc' },
    );
    const { graph, diagnostics } = loadProject(dir);
    expect(diagnostics).toEqual([]);
    expect(graph.contracts.get('demo.event.a.v1')?.schema?.references).toEqual([
      { name: 'dynamic_capital.common.Money', file: 'schemas/shared/avro/dynamic_capital.common.Money.avsc' },
    ]);
  });

  it('warns about a schema file no contract lists', () => {
    const dir = project({ 'schemas/demo/event.a.v1.avsc': avroRecord([{ name: 'n', type: 'int', doc: 'N.' }]) }, {});
    expect(rulesOf(dir)).toEqual([{ rule: 'contract-unlisted', file: 'schemas/demo/event.a.v1.avsc', line: 1 }]);
  });

  it('reports a key that is not a top-level field', () => {
    const dir = project(
      { 'schemas/demo/event.a.v1.avsc': avroRecord([{ name: 'order_id', type: 'string', doc: 'N.' }]) },
      { 'demo.event.a.v1': 'demo/event.a.v1.avsc' },
    );
    const manifest = path.join(dir, 'schemas/contracts.yaml');
    fs.appendFileSync(manifest, '    key: orderid\n');
    expect(loadProject(dir).diagnostics).toEqual([expect.objectContaining({ rule: 'contract-key-unknown', line: 8, hint: 'Did you mean "order_id"?' })]);
  });
});
