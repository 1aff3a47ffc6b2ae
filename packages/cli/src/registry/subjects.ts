import type { ContractGraph, SchemaDocument } from '@dynamic-capital/contracts-model';

/** Registry subject of a contract's value schema (TopicNameStrategy). */
export function contractSubject(contract: string): string {
  return `${contract}-value`;
}

/**
 * Subject of a shared schema file registered as a reference: an Avro named type under its full
 * name (RecordNameStrategy), a JSON Schema definitions file under its path, dotted
 * (schemas/shared/json/common.defs.schema.json -> shared.json.common.defs).
 */
export function sharedSubject(doc: SchemaDocument): string {
  if (doc.format === 'avro') return doc.name;
  return doc.file
    .replace(/^schemas\//, '')
    .replace(/(\.schema)?\.json$/, '')
    .replace(/\//g, '.');
}

export interface RegistrationUnit {
  readonly subject: string;
  readonly doc: SchemaDocument;
  /** The contract, for contract subjects. */
  readonly contract?: string;
}

/** Every schema file to register, references before the schemas that use them. */
export function registrationOrder(graph: ContractGraph): RegistrationUnit[] {
  const byFile = new Map<string, RegistrationUnit>();
  for (const doc of graph.shared.values()) byFile.set(doc.file, { subject: sharedSubject(doc), doc });
  for (const contract of graph.contracts.values()) {
    if (contract.schema) byFile.set(contract.schema.file, { subject: contractSubject(contract.name), doc: contract.schema, contract: contract.name });
  }
  const order: RegistrationUnit[] = [];
  const seen = new Set<string>();
  const visit = (unit: RegistrationUnit): void => {
    if (seen.has(unit.doc.file)) return;
    seen.add(unit.doc.file);
    for (const ref of unit.doc.references) {
      const target = byFile.get(ref.file);
      if (target) visit(target);
    }
    order.push(unit);
  };
  for (const unit of [...byFile.values()].sort((a, b) => (a.subject < b.subject ? -1 : 1))) visit(unit);
  return order;
}

/** The request body registering a schema file, given the registered versions of its references. */
export function schemaRequest(doc: SchemaDocument, subjectOfFile: (file: string) => string, versionOfFile: (file: string) => number | undefined) {
  const references = doc.references.map((ref) => {
    const version = versionOfFile(ref.file);
    if (version === undefined) throw new Error(`${doc.file}: its reference ${ref.file} is not registered`);
    return { name: ref.name, subject: subjectOfFile(ref.file), version };
  });
  return {
    schema: JSON.stringify(doc.document.value),
    ...(doc.format === 'json' ? { schemaType: 'JSON' } : {}),
    ...(references.length > 0 ? { references } : {}),
  };
}
