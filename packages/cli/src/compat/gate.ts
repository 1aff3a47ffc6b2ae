import { checkLevel, compatRule, prepare, sameSchema, type Level, type PreparedSchema } from '@dynamic-capital/contracts-compat';
import type { Contract, ContractGraph } from '@dynamic-capital/contracts-model';
import { currentInput, type HistorySource } from './history';

/** One incompatibility of a contract, positioned in its current file. */
export interface GateFinding {
  readonly rule: string;
  /** The rule's one-line doc, from the compatibility rule table. */
  readonly doc: string;
  readonly message: string;
  /** Revision of the history it breaks against (1 = oldest). */
  readonly revision: number;
  readonly direction: 'backward' | 'forward';
  readonly oldPath: string;
  readonly newPath: string;
  readonly line: number;
  readonly column: number;
}

export type ContractStatus = 'new' | 'unchanged' | 'compatible' | 'incompatible';

export interface ContractVerdict {
  readonly contract: string;
  readonly file: string;
  readonly format: 'avro' | 'json';
  readonly level: Level;
  readonly status: ContractStatus;
  /** Revisions in the history. */
  readonly revisions: number;
  /** Revisions the level required checking against. */
  readonly checked: number;
  readonly findings: readonly GateFinding[];
}

export interface GateReport {
  readonly against: string;
  readonly compatible: boolean;
  readonly contracts: readonly ContractVerdict[];
}

/** Check every contract's current schema against its history at the contract's level. */
export function runGate(graph: ContractGraph, history: HistorySource): GateReport {
  const contracts: ContractVerdict[] = [];
  for (const contract of graph.contracts.values()) {
    const verdict = checkContract(contract, graph, history);
    if (verdict) contracts.push(verdict);
  }
  return { against: history.name, compatible: contracts.every((c) => c.status !== 'incompatible'), contracts };
}

function checkContract(contract: Contract, graph: ContractGraph, history: HistorySource): ContractVerdict | undefined {
  const current = currentInput(graph, contract.name);
  if (!current || !contract.schema) return undefined;
  const previous = history.revisions(contract.name);
  const base = { contract: contract.name, file: contract.file, format: contract.format, level: contract.compatibility, revisions: previous.length };
  if (previous.length === 0) return { ...base, status: 'new', checked: 0, findings: [] };
  const prepared: PreparedSchema[] = previous.map((p) => prepare(contract.format, p, 'history'));
  const result = checkLevel(prepare(contract.format, current), prepared, contract.compatibility);
  const doc = contract.schema.document;
  const findings = result.incompatibilities.map((i): GateFinding => {
    const { line, column } = doc.source.position(doc.offsetOf(i.newPath));
    return {
      rule: i.rule,
      doc: compatRule(contract.format, i.rule)?.doc ?? '',
      message: i.message,
      revision: i.revision + 1,
      direction: i.direction,
      oldPath: i.oldPath,
      newPath: i.newPath,
      line,
      column,
    };
  });
  const last = previous[previous.length - 1];
  const status: ContractStatus = findings.length > 0 ? 'incompatible' : last && sameSchema(last, current) ? 'unchanged' : 'compatible';
  return { ...base, status, checked: result.checked, findings };
}
