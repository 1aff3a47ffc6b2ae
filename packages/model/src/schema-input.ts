import type { ContractGraph, SchemaDocument } from './model';

/**
 * Every schema `doc` references, directly or through other references, keyed the way the
 * compatibility engine and the registry name them (Avro full name, JSON Schema $id) and sorted.
 */
export function referencedSchemas(graph: ContractGraph, doc: SchemaDocument): Map<string, unknown> {
  const byFile = new Map<string, SchemaDocument>(graph.shared);
  for (const contract of graph.contracts.values()) if (contract.schema) byFile.set(contract.schema.file, contract.schema);
  const out = new Map<string, unknown>();
  const seen = new Set<string>([doc.file]);
  const visit = (d: SchemaDocument): void => {
    for (const ref of d.references) {
      if (seen.has(ref.file)) continue;
      seen.add(ref.file);
      const target = byFile.get(ref.file);
      if (!target) continue;
      out.set(target.name, target.document.value);
      visit(target);
    }
  };
  visit(doc);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
