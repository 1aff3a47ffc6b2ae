// See generators/test/types/json-schema.test.ts: prettier's CommonJS entry cannot load in Jest's sandbox.
jest.mock('prettier', () => ({}));

import * as path from 'node:path';
import { contractTypeName, sdkPackageName } from '@dynamic-capital/contracts-generators';
import { loadProject, type Contract } from '@dynamic-capital/contracts-model';
import type { ValidationIssue } from '@dynamic-capital/contracts-runtime';
import { plain, sampleValues } from './sample-values';

const ROOT = path.resolve(__dirname, '../../..');
const graph = loadProject(ROOT).graph;
/** Every contract carried as a Kafka record value (platform.state.envelope.v1 travels in headers: not a value). */
const valueContracts = [...graph.contracts.values()].filter((c) => c.carrier === 'value');

/** The generated SDK's validator of a contract (`validate<Type>` of packages/sdk-<domain>). */
async function sdkValidator(contract: Contract): Promise<(value: unknown) => readonly ValidationIssue[]> {
  const sdk = (await import(sdkPackageName(contract.domain))) as Record<string, unknown>;
  const validate = sdk[`validate${contractTypeName(contract.name)}`];
  if (typeof validate !== 'function') throw new Error(`${sdkPackageName(contract.domain)} exports no validate${contractTypeName(contract.name)}`);
  return validate as (value: unknown) => readonly ValidationIssue[];
}

describe('sampleValues', () => {
  it('covers the value contracts of the project', () => {
    expect(valueContracts.length).toBeGreaterThan(0);
    expect(valueContracts.map((c) => c.name)).not.toContain('platform.state.envelope.v1');
  });

  it.each(valueContracts.map((c) => [c.name, c] as const))(
    '%s: valid values (per the generated SDK too), the same for the same seed',
    async (_name, contract) => {
      const values = sampleValues(graph, contract, { count: 3, seed: 7 });
      expect(values).toHaveLength(3);
      const validate = await sdkValidator(contract);
      for (const value of values) expect(validate(value)).toEqual([]);
      // distinct values, and deterministic: the same seed gives the same values, another seed others
      expect(new Set(values.map((v) => JSON.stringify(v))).size).toBe(3);
      expect(plain(sampleValues(graph, contract, { count: 3, seed: 7 }))).toEqual(plain(values));
      expect(plain(sampleValues(graph, contract, { count: 3, seed: 8 }))).not.toEqual(plain(values));
    },
  );

  it('names the contract when too few candidates are valid', () => {
    const halt = graph.contracts.get('system.halt.intent.v1');
    if (!halt) throw new Error('system.halt.intent.v1 is not in the project');
    // json-schema-faker ignores the if/then rules in allOf: one candidate is rarely valid
    expect(() => sampleValues(graph, halt, { count: 5, maxAttempts: 3 })).toThrow(/^system\.halt\.intent\.v1: only \d of 5 sample values pass/);
  });
});
