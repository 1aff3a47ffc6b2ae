// See json-schema.test.ts: prettier's CommonJS entry cannot load in Jest's sandbox.
jest.mock('prettier', () => ({}));

import * as path from 'node:path';
import { contractTypeName, contractTypes } from '@dynamic-capital/contracts-generators';
import { loadProject } from '@dynamic-capital/contracts-model';
import { typeCheck } from './compile';

const ROOT = path.resolve(__dirname, '../../..');
const { graph } = loadProject(ROOT);
const contracts = [...graph.contracts.values()];

async function generateAll(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const contract of contracts) files.set(`${contract.name}.ts`, await contractTypes(graph, contract));
  return files;
}

describe('types of every contract in this repository', () => {
  let generated: Map<string, string>;
  beforeAll(async () => {
    generated = await generateAll();
  });

  it('covers every contract, Avro and JSON Schema', () => {
    expect(contracts.length).toBeGreaterThan(10);
    expect(new Set(contracts.map((c) => c.format))).toEqual(new Set(['avro', 'json']));
    for (const contract of contracts) {
      expect(generated.get(`${contract.name}.ts`)).toMatch(new RegExp(`^export (interface|type) ${contractTypeName(contract.name)}\\b`, 'm'));
    }
  });

  it('compiles with strict TypeScript, zero diagnostics', () => {
    expect(typeCheck(generated)).toEqual([]);
  });

  it('is byte-identical across runs', async () => {
    const again = await generateAll();
    expect([...again.keys()]).toEqual([...generated.keys()]);
    for (const [file, text] of again) expect(text).toBe(generated.get(file));
  });

  it('documents every type and field (TSDoc from doc/description)', () => {
    for (const [file, text] of generated) {
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (/^\s*(export (interface|type) \w+|\w+\??: )/.test(line) && !/^\s*\[k: string\]/.test(line)) {
          expect({ file, line, documented: lines[i - 1]?.trim() === '*/' }).toEqual({ file, line, documented: true });
        }
      });
    }
  });

  it('rejects misspelled fields, wrong enum symbols and fields of another variant', () => {
    const use = [
      "import type { FillEvent, OrderStatus } from './execution.event.fill.v1';",
      "import type { HaltIntent } from './system.halt.intent.v1';",
      "import type { ControlIntent } from './orchestrator.intent.control.v1';",
      "import type { EnvelopeState } from './platform.state.envelope.v1';",
      '',
      // Valid uses compile (so the errors below are the ones we expect, not noise).
      'export function remaining(e: FillEvent): string { return e.remaining_quantity; }',
      "export const filled: OrderStatus = 'FILLED';",
      "export const halt: HaltIntent = { halt_id: 'h', action: 'HALT', scope: 'GLOBAL', target: null, releases_halt_id: null, reason: 'drill', issued_by: 'compliance', issued_at_ms: 1, expires_at_ms: null };",
      "export const scale: ControlIntent = { command_id: 'c', command: 'SCALE', target_agent: 'risk', reason: 'r', issued_by: 'orchestrator', issued_at_ms: 1, not_after_ms: 2, replicas: 3 };",
      "export function replicas(c: ControlIntent): number | undefined { return c.command === 'SCALE' ? c.replicas : undefined; }",
      "export const extraHeader: EnvelopeState = { message_id: 'm', idempotency_key: 'k', traceparent: 't', issued_at_ms: '1', ttl_ms: '1', nonce: 'n', producer: 'p', schema_ref: 's', tracestate: 'open model' };",
      '',
      // Errors, one per line below.
      'export function misspelled(e: FillEvent): unknown { return e.remaining_quantiy; }',
      "export const wrongSymbol: OrderStatus = 'FILED';",
      "export const extraField: HaltIntent = { ...halt, scop: 'GLOBAL' };",
      "export const wrongVariant: ControlIntent = { ...scale, canary_version: '1.0.0' };",
      'export function decimalIsString(e: FillEvent): number { return e.average_price; }',
    ].join('\n');
    const diagnostics = typeCheck(new Map([...generated, ['use.ts', use]]));
    const at = (snippet: string): number => use.split('\n').findIndex((l) => l.includes(snippet)) + 1;
    expect(diagnostics.map((d) => ({ file: d.file, line: d.line }))).toEqual(
      ['remaining_quantiy', "'FILED'", "scop: 'GLOBAL'", "canary_version: '1.0.0'", 'return e.average_price'].map((s) => ({ file: 'use.ts', line: at(s) })),
    );
    expect(diagnostics.map((d) => d.message.split('\n')[0])).toEqual([
      "Property 'remaining_quantiy' does not exist on type 'FillEvent'. Did you mean 'remaining_quantity'?",
      `Type '"FILED"' is not assignable to type 'OrderStatus'. Did you mean '"FILLED"'?`,
      "Object literal may only specify known properties, but 'scop' does not exist in type 'HaltIntent'. Did you mean to write 'scope'?",
      expect.stringContaining("is not assignable to type 'ControlIntent'"),
      "Type 'string' is not assignable to type 'number'.",
    ]);
  });
});
