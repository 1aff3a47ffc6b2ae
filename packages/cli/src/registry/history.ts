import { RegistryClient, RegistryHttpError, type SubjectVersion } from '@dynamic-capital/contracts-registry';
import type { SchemaInput } from '@dynamic-capital/contracts-compat';
import type { ContractGraph } from '@dynamic-capital/contracts-model';
import type { ContractVerdict, GateReport } from '../compat/gate';
import type { HistorySource } from '../compat/history';
import { UsageError } from '../io';
import { contractSubject, registrationOrder, schemaRequest } from './subjects';

/** A registered version as the compatibility engine takes it: schema plus its references, resolved recursively. */
async function versionInput(client: RegistryClient, version: SubjectVersion, cache: Map<string, SubjectVersion>): Promise<SchemaInput> {
  const references = new Map<string, unknown>();
  const visit = async (v: SubjectVersion): Promise<void> => {
    for (const ref of v.references ?? []) {
      if (references.has(ref.name)) continue;
      const key = `${ref.subject}@${ref.version}`;
      let target = cache.get(key);
      if (!target) {
        target = await client.version(ref.subject, ref.version);
        cache.set(key, target);
      }
      references.set(ref.name, JSON.parse(target.schema) as unknown);
      await visit(target);
    }
  };
  await visit(version);
  return { schema: JSON.parse(version.schema) as unknown, references };
}

export interface RegistryHistory {
  readonly source: HistorySource;
  /** After the local gate: ask the registry's compatibility endpoint about every changed contract. */
  confirm(report: GateReport): Promise<GateReport>;
}

/**
 * History from a schema registry: every live version of each contract's subject. The local engine
 * positions the findings (file:line:col); the registry's own endpoint is asked for the verdict of
 * every changed contract, and where it disagrees, its answer wins and its messages are reported.
 */
export async function registryHistory(graph: ContractGraph, url: string, token: string | undefined): Promise<RegistryHistory> {
  let client: RegistryClient;
  try {
    client = new RegistryClient(url, token ? { auth: { token } } : {});
  } catch {
    throw new UsageError(`--against registry:${url}: not a URL`);
  }
  const cache = new Map<string, SubjectVersion>();
  const histories = new Map<string, SchemaInput[]>();
  try {
    for (const contract of graph.contracts.values()) {
      const subject = contractSubject(contract.name);
      const inputs: SchemaInput[] = [];
      for (const n of await client.versions(subject)) inputs.push(await versionInput(client, await client.version(subject, n), cache));
      histories.set(contract.name, inputs);
    }
  } catch (error) {
    if (error instanceof RegistryHttpError) throw new UsageError(`--against registry:${url}: ${error.message}`);
    throw error;
  }

  const confirm = async (report: GateReport): Promise<GateReport> => {
    const units = registrationOrder(graph);
    const subjectOfFile = new Map(units.map((u) => [u.doc.file, u.subject]));
    // Versions under which the registry holds exactly our current shared schemas (references must resolve there).
    const registeredVersion = new Map<string, number>();
    for (const unit of units) {
      if (unit.contract) continue;
      try {
        const request = schemaRequest(
          unit.doc,
          (f) => subjectOfFile.get(f) ?? '',
          (f) => registeredVersion.get(f),
        );
        const found = await client.lookup(unit.subject, request);
        if (found) registeredVersion.set(unit.doc.file, found.version);
      } catch {
        // A reference that is not registered as it is here: contracts using it cannot be asked about.
      }
    }
    const contracts: ContractVerdict[] = [];
    for (const verdict of report.contracts) {
      const contract = graph.contracts.get(verdict.contract);
      if (!contract?.schema || (verdict.status !== 'compatible' && verdict.status !== 'incompatible')) {
        contracts.push(verdict);
        continue;
      }
      let request;
      try {
        request = schemaRequest(
          contract.schema,
          (f) => subjectOfFile.get(f) ?? '',
          (f) => registeredVersion.get(f),
        );
      } catch {
        contracts.push(verdict);
        continue;
      }
      let answer: { is_compatible: boolean; messages?: string[] };
      try {
        answer = await client.testCompatibility(contractSubject(contract.name), request);
      } catch (error) {
        if (error instanceof RegistryHttpError) throw new UsageError(`--against registry:${url}: ${error.message}`);
        throw error;
      }
      if (answer.is_compatible === (verdict.status === 'compatible')) {
        contracts.push(verdict);
        continue;
      }
      if (answer.is_compatible) {
        // The registry (its level may differ from contracts.yaml) accepts what we reject: report both.
        contracts.push({
          ...verdict,
          findings: verdict.findings.map((f) => ({ ...f, message: `${f.message} (the registry accepts this change at its configured level)` })),
        });
        continue;
      }
      contracts.push({
        ...verdict,
        status: 'incompatible',
        findings: (answer.messages ?? ['the registry rejects this schema']).map((message) => ({
          rule: 'REGISTRY_INCOMPATIBLE',
          doc: "The schema registry's own compatibility check rejects the schema.",
          message,
          revision: verdict.revisions,
          direction: 'backward',
          oldPath: '',
          newPath: '',
          line: 1,
          column: 1,
        })),
      });
    }
    return { ...report, contracts, compatible: contracts.every((c) => c.status !== 'incompatible') };
  };

  return { source: { name: `registry:${client.baseUrl}`, revisions: (contract) => histories.get(contract) ?? [] }, confirm };
}
