import * as path from 'node:path';
import { loadAgent, type LoadedAgent } from './agents';
import { CONTRACTS_MANIFEST, loadContractsManifest } from './contracts-manifest';
import { compareDiagnostics, closest, fileDiagnostic, type Diagnostic } from './diagnostics';
import { listFiles, readText } from './files';
import { lintContract } from './lint';

import type { Agent, Contract, ContractGraph, PolicyPack } from './model';
import { splitContractName } from './naming';
import { loadPolicyPack, type LoadedPack } from './policies';
import { formatOfFile, loadSchemaFiles } from './schema-files';

export interface LoadOptions {
  /** Earlier recorded revisions of a contract's schema, oldest first (from the compat lock). */
  readonly history?: (contract: string) => readonly unknown[];
}

export interface LoadResult {
  readonly graph: ContractGraph;
  /** Every finding, sorted by file, line, column. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Load schemas/, agents/ and policies/ under `root` into one contract graph with diagnostics. */
export function loadProject(root: string, options: LoadOptions = {}): LoadResult {
  const absoluteRoot = path.resolve(root);
  const diagnostics: Diagnostic[] = [];

  // 1. contracts.yaml
  const manifest = loadContractsManifest(readText(absoluteRoot, CONTRACTS_MANIFEST));
  diagnostics.push(...manifest.diagnostics);

  // 2. schema files: everything under schemas/ that is a schema, plus files the manifest names.
  const schemaFiles = new Set(listFiles(absoluteRoot, 'schemas', (n) => formatOfFile(n) !== undefined));
  const texts = new Map<string, string>();
  for (const file of schemaFiles) {
    const text = readText(absoluteRoot, file);
    if (text !== undefined) texts.set(file, text);
  }
  const schemaSet = loadSchemaFiles(texts);
  diagnostics.push(...schemaSet.diagnostics);

  // 3. agents/
  const loadedAgents: LoadedAgent[] = [];
  for (const file of listFiles(absoluteRoot, 'agents', (n) => /\.ya?ml$/.test(n))) {
    const { loaded, diagnostics: found } = loadAgent(file, readText(absoluteRoot, file) ?? '');
    diagnostics.push(...found);
    if (loaded) loadedAgents.push(loaded);
  }

  // 4. policies/: each directory holding .rego files is a pack.
  const loadedPacks: LoadedPack[] = [];
  const policyFiles = listFiles(absoluteRoot, 'policies', (n) => n.endsWith('.rego') || n === 'pack.yaml' || n === 'data.toml');
  const packDirs = [...new Set(policyFiles.map((f) => path.posix.dirname(f)))].sort();
  for (const dir of packDirs) {
    const files = new Map<string, string>();
    for (const f of policyFiles) if (path.posix.dirname(f) === dir) files.set(f, readText(absoluteRoot, f) ?? '');
    const { loaded, diagnostics: found } = loadPolicyPack(dir, files);
    diagnostics.push(...found);
    loadedPacks.push(loaded);
  }
  const packNames = new Set(loadedPacks.map((p) => p.pack.name));

  // 5. contracts: schema, key, lint; then cross-references with agents and packs.
  const producers = new Map<string, string[]>();
  const consumers = new Map<string, string[]>();
  const known = new Set(manifest.entries.map((e) => e.name));
  for (const { agent, document } of loadedAgents) {
    const check = (list: readonly string[], field: 'consumes' | 'produces', into: Map<string, string[]>): void => {
      list.forEach((name, i) => {
        if (known.has(name)) into.set(name, [...(into.get(name) ?? []), agent.name]);
        else {
          const guess = closest(name, known);
          diagnostics.push(
            document.source.diagnostic(
              document.offsetOf(`/${field}/${i}`),
              'agent-unknown-contract',
              `agent "${agent.name}" ${field} "${name}", which is not in ${CONTRACTS_MANIFEST}`,
              guess ? `Did you mean "${guess}"?` : `Add the contract to ${CONTRACTS_MANIFEST} or remove it here.`,
            ),
          );
        }
      });
    };
    check(agent.consumes, 'consumes', consumers);
    check(agent.produces, 'produces', producers);
    agent.guards.forEach((guard, i) => {
      if (!packNames.has(guard)) {
        const guess = closest(guard, packNames);
        diagnostics.push(
          document.source.diagnostic(
            document.offsetOf(`/guards/${i}`),
            'agent-unknown-guard',
            `guard "${guard}" is not a policy pack`,
            guess ? `Did you mean "${guess}"?` : 'Name a directory under policies/.',
          ),
        );
      }
    });
  }
  for (const { pack, manifest: packManifest } of loadedPacks) {
    pack.gates.forEach((gate, i) => {
      if (!known.has(gate) && packManifest) {
        diagnostics.push(
          packManifest.source.diagnostic(
            packManifest.offsetOf(`/gates/${i}`),
            'policy-pack',
            `pack "${pack.name}" gates "${gate}", which is not in ${CONTRACTS_MANIFEST}`,
            'Name a contract from contracts.yaml.',
          ),
        );
      }
    });
  }

  const contracts = new Map<string, Contract>();
  const listed = new Set<string>();
  const doc = manifest.document;
  for (const entry of [...manifest.entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = `schemas/${entry.file}`;
    listed.add(file);
    const schema = schemaSet.documents.get(file);
    if (doc && !schemaFiles.has(file)) {
      const guess = closest(file, schemaFiles);
      diagnostics.push(
        doc.source.diagnostic(
          doc.offsetOf(`${entry.pointer}/file`),
          'contract-file-missing',
          `contract "${entry.name}" names ${file}, which does not exist`,
          guess ? `Did you mean "${guess.replace(/^schemas\//, '')}"?` : `Create ${file} or fix "file".`,
        ),
      );
    } else if (doc && formatOfFile(file) !== entry.format) {
      diagnostics.push(
        doc.source.diagnostic(
          doc.offsetOf(`${entry.pointer}/format`),
          'contracts-yaml',
          `format "${entry.format}" does not match the file extension of ${entry.file}`,
          'Avro contracts end in .avsc, JSON Schema contracts in .schema.json.',
        ),
      );
    }
    if (doc && schema && entry.key !== null) {
      const fields = topLevelFields(schema.document.value, entry.format);
      if (fields && !fields.includes(entry.key)) {
        const guess = closest(entry.key, fields);
        diagnostics.push(
          doc.source.diagnostic(
            doc.offsetOf(`${entry.pointer}/key`),
            'contract-key-unknown',
            `key "${entry.key}" is not a top-level field of ${entry.file}`,
            guess ? `Did you mean "${guess}"?` : `Top-level fields: ${fields.join(', ')}.`,
          ),
        );
      }
    }
    if (doc && schema && schema.format === entry.format) {
      diagnostics.push(
        ...lintContract(
          {
            contract: entry.name,
            format: entry.format,
            fileUnderSchemas: entry.file,
            schema: schema.document,
            ...(schemaSet.avro.get(file) ? { avro: schemaSet.avro.get(file) } : {}),
            manifest: doc,
            manifestPointer: entry.pointer,
            history: options.history?.(entry.name) ?? [],
          },
          new Set(entry.disabledRules.keys()),
        ),
      );
    }
    const contractProducers = (producers.get(entry.name) ?? []).sort();
    if (doc && entry.producedBy === 'agents' && contractProducers.length === 0) {
      diagnostics.push(
        doc.source.diagnostic(
          doc.offsetOf(entry.pointer, 'key'),
          'contract-no-producer',
          `no agent produces "${entry.name}"`,
          'List it under "produces" of the agent that emits it, or set "produced_by: runtime" if the SDK emits it.',
        ),
      );
    }
    const parts = splitContractName(entry.name);
    contracts.set(entry.name, {
      name: entry.name,
      domain: parts.domain,
      kind: parts.kind,
      major: parts.major,
      file,
      format: entry.format,
      topic: entry.topic,
      compatibility: entry.compatibility,
      owner: entry.owner,
      key: entry.key,
      policyGated: entry.policyGated,
      carrier: entry.carrier,
      producedBy: entry.producedBy,
      disabledRules: entry.disabledRules,
      ...(schema ? { schema } : {}),
      producers: contractProducers,
      consumers: (consumers.get(entry.name) ?? []).sort(),
    });
  }
  for (const file of schemaFiles) {
    if (!listed.has(file) && !file.startsWith('schemas/shared/')) {
      diagnostics.push(
        fileDiagnostic(
          file,
          'contract-unlisted',
          `${file} is not listed in ${CONTRACTS_MANIFEST}`,
          `Add an entry for it under "contracts" (or move a shared type to schemas/shared/).`,
        ),
      );
    }
  }

  const shared = new Map([...schemaSet.documents].filter(([file]) => file.startsWith('schemas/shared/')).sort(([a], [b]) => (a < b ? -1 : 1)));
  const agents = new Map<string, Agent>(loadedAgents.map((l) => [l.agent.name, l.agent] as const).sort(([a], [b]) => (a < b ? -1 : 1)));
  const policies = new Map<string, PolicyPack>(loadedPacks.map((l) => [l.pack.name, l.pack] as const).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    graph: { root: absoluteRoot, contracts, shared, agents, policies },
    diagnostics: dedupe(diagnostics).sort(compareDiagnostics),
  };
}

function topLevelFields(schema: unknown, format: 'avro' | 'json'): string[] | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const s = schema as Record<string, unknown>;
  if (format === 'avro') return Array.isArray(s['fields']) ? (s['fields'] as { name?: unknown }[]).map((f) => String(f.name)) : undefined;
  const props = s['properties'];
  return props && typeof props === 'object' ? Object.keys(props) : undefined;
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.file}:${d.line}:${d.column}:${d.rule}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
