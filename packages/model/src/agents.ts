import { SourceText, type Diagnostic } from './diagnostics';
import { parseYaml, type LocatedDocument } from './located';
import type { Agent } from './model';
import { checkMapping, type MappingSpec } from './shape';

const AGENT: MappingSpec = {
  name: { type: 'string', required: true },
  description: { type: 'string', required: true },
  owner: { type: 'string', required: true },
  consumes: { type: 'string[]', required: true },
  produces: { type: 'string[]', required: true },
  guards: { type: 'string[]' },
  slo: { type: 'object', required: true },
  rate_limit: { type: 'object', required: true },
};
const SLO: MappingSpec = { p95_latency_ms: { type: 'number', required: true } };
const RATE_LIMIT: MappingSpec = { messages_per_second: { type: 'number', required: true }, burst: { type: 'number', required: true } };

export interface LoadedAgent {
  readonly agent: Agent;
  readonly document: LocatedDocument;
}

/** Parse and check one agents/<agent>.yaml. References to contracts and packs are checked later. */
export function loadAgent(file: string, text: string): { loaded?: LoadedAgent; diagnostics: Diagnostic[] } {
  const source = new SourceText(file, text);
  const parsed = parseYaml(source);
  const diagnostics: Diagnostic[] = parsed.errors.map((e) =>
    source.diagnostic(e.offset, 'yaml-syntax', `invalid YAML: ${e.message}`, 'Fix the YAML syntax at this position.'),
  );
  const doc = parsed.document;
  if (!doc) return { diagnostics };
  diagnostics.push(...checkMapping(doc, '', doc.value, AGENT, 'agent-manifest', file));
  const v = (doc.value ?? {}) as Record<string, unknown>;
  if (v['slo'] !== undefined) diagnostics.push(...checkMapping(doc, '/slo', v['slo'], SLO, 'agent-manifest', '"slo"'));
  if (v['rate_limit'] !== undefined) diagnostics.push(...checkMapping(doc, '/rate_limit', v['rate_limit'], RATE_LIMIT, 'agent-manifest', '"rate_limit"'));
  const expectedName = file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  if (typeof v['name'] === 'string' && v['name'] !== expectedName) {
    diagnostics.push(
      source.diagnostic(
        doc.offsetOf('/name'),
        'agent-manifest',
        `agent name "${v['name']}" does not match its file name`,
        `Set "name: ${expectedName}" or rename the file to agents/${v['name']}.yaml.`,
      ),
    );
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const slo = v['slo'] as Record<string, number>;
  const rate = v['rate_limit'] as Record<string, number>;
  const agent: Agent = {
    name: String(v['name']),
    file,
    description: String(v['description']),
    owner: String(v['owner']),
    consumes: v['consumes'] as string[],
    produces: v['produces'] as string[],
    guards: (v['guards'] as string[] | undefined) ?? [],
    slo: { p95LatencyMs: slo['p95_latency_ms'] ?? 0 },
    rateLimit: { messagesPerSecond: rate['messages_per_second'] ?? 0, burst: rate['burst'] ?? 0 },
  };
  return { loaded: { agent, document: doc }, diagnostics };
}
