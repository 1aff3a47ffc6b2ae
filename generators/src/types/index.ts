/**
 * The TYPES generator: pure functions from contract schemas to TypeScript declarations.
 * Avro by our own mapper (`avro.ts`), JSON Schema by json-schema-to-typescript behind our
 * normaliser (`json-schema.ts`, `json-schema-normalize.ts`).
 */
import { CONTRACT_KINDS, CONTRACT_NAME, referencedSchemas, splitContractName, type Contract, type ContractGraph } from '@dynamic-capital/contracts-model';
import { avroToTypeScript } from './avro';
import { jsonSchemaToTypeScript } from './json-schema';
import { pascalCase } from './ts-text';

export { avroToTypeScript, type AvroToTypeScriptOptions } from './avro';
export { jsonSchemaToTypeScript, type JsonSchemaToTypeScriptOptions } from './json-schema';

/**
 * The root type name of a contract: `PascalCase(name) + PascalCase(kind)`, as the Avro convention
 * names the top-level record (`orchestrator.intent.control.v1` -> `ControlIntent`).
 */
export function contractTypeName(contract: string): string {
  if (!CONTRACT_NAME.test(contract)) {
    // A name with a `contract-name` opt-out (`system.halt.intent.v1`): the kind is wherever it is.
    const middle = contract.split('.').slice(1, /\.v\d+$/.test(contract) ? -1 : undefined);
    const kind = middle.find((part) => (CONTRACT_KINDS as readonly string[]).includes(part));
    if (kind !== undefined)
      return `${middle
        .filter((p) => p !== kind)
        .map(pascalCase)
        .join('')}${pascalCase(kind)}`;
  }
  const { kind, name } = splitContractName(contract);
  return `${pascalCase(name)}${pascalCase(kind)}`;
}

/** TypeScript declarations for one contract of the graph (its schema and everything it references). */
export async function contractTypes(graph: ContractGraph, contract: Contract): Promise<string> {
  const schema = contract.schema;
  if (!schema) throw new Error(`contractTypes: ${contract.name} has no parsed schema`);
  const references = referencedSchemas(graph, schema);
  const rootName = contractTypeName(contract.name);
  return schema.format === 'avro'
    ? avroToTypeScript(schema.document.value, references, { rootName })
    : jsonSchemaToTypeScript(schema.document.value, references, { rootName });
}
