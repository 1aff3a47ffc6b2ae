import type { Diagnostic } from './diagnostics';
import { SourceText, fileDiagnostic } from './diagnostics';
import { parseYaml, pointerOf, type LocatedDocument } from './located';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, type SchemaFormat } from './model';
import { isRuleId, LINT_RULE_IDS, RULES, type RuleId } from './rules';
import { checkMapping, type MappingSpec } from './shape';

export const CONTRACTS_MANIFEST = 'schemas/contracts.yaml';

/** One entry of schemas/contracts.yaml, checked. */
export interface ContractEntry {
  readonly name: string;
  readonly pointer: string;
  /** Relative to schemas/. */
  readonly file: string;
  readonly format: SchemaFormat;
  readonly topic: string | null;
  readonly compatibility: CompatibilityLevel;
  readonly owner: string;
  readonly key: string | null;
  readonly policyGated: boolean;
  readonly carrier: 'value' | 'headers';
  readonly producedBy: 'agents' | 'runtime';
  readonly disabledRules: ReadonlyMap<RuleId, string>;
}

export interface ContractsManifest {
  readonly document?: LocatedDocument;
  readonly entries: readonly ContractEntry[];
  readonly diagnostics: readonly Diagnostic[];
}

const TOP: MappingSpec = { version: { type: 'number', required: true }, defaults: { type: 'object' }, contracts: { type: 'object', required: true } };
const DEFAULTS: MappingSpec = { compatibility: { type: 'string', oneOf: COMPATIBILITY_LEVELS }, owner: { type: 'string' } };
const ENTRY: MappingSpec = {
  file: { type: 'string', required: true },
  format: { type: 'string', required: true, oneOf: ['avro', 'json'] },
  topic: { type: 'string|null', required: true },
  compatibility: { type: 'string', oneOf: COMPATIBILITY_LEVELS },
  owner: { type: 'string' },
  key: { type: 'string|null' },
  policy_gated: { type: 'boolean' },
  carrier: { type: 'string', oneOf: ['value', 'headers'] },
  produced_by: { type: 'string', oneOf: ['agents', 'runtime'] },
  lint: { type: 'object' },
};
const LINT: MappingSpec = { disable: { type: 'list', required: true } };
const DISABLE: MappingSpec = { rule: { type: 'string', required: true }, reason: { type: 'string', required: true } };

/** Parse and check schemas/contracts.yaml. */
export function loadContractsManifest(text: string | undefined): ContractsManifest {
  if (text === undefined) {
    return {
      entries: [],
      diagnostics: [
        fileDiagnostic(
          CONTRACTS_MANIFEST,
          'file-unreadable',
          `${CONTRACTS_MANIFEST} is missing`,
          'Create it: it lists every contract (see docs/CONVENTIONS.md).',
        ),
      ],
    };
  }
  const source = new SourceText(CONTRACTS_MANIFEST, text);
  const parsed = parseYaml(source);
  const diagnostics: Diagnostic[] = parsed.errors.map((e) =>
    e.code === 'DUPLICATE_KEY'
      ? source.diagnostic(
          e.offset,
          'contract-duplicate',
          'this key is declared twice (a contract name must be unique)',
          'Remove or rename one of the two entries.',
        )
      : source.diagnostic(e.offset, 'yaml-syntax', `invalid YAML: ${e.message}`, 'Fix the YAML syntax at this position.'),
  );
  const doc = parsed.document;
  if (!doc) return { entries: [], diagnostics };
  diagnostics.push(...checkMapping(doc, '', doc.value, TOP, 'contracts-yaml', CONTRACTS_MANIFEST));
  const root = (doc.value ?? {}) as Record<string, unknown>;
  const defaults = (typeof root['defaults'] === 'object' && root['defaults'] !== null ? root['defaults'] : {}) as Record<string, unknown>;
  if (root['defaults'] !== undefined) diagnostics.push(...checkMapping(doc, '/defaults', root['defaults'], DEFAULTS, 'contracts-yaml', '"defaults"'));
  const contracts = root['contracts'];
  if (contracts === null || typeof contracts !== 'object' || Array.isArray(contracts)) return { document: doc, entries: [], diagnostics };

  const entries: ContractEntry[] = [];
  for (const [name, raw] of Object.entries(contracts as Record<string, unknown>)) {
    const pointer = pointerOf(['contracts', name]);
    const problems = checkMapping(doc, pointer, raw, ENTRY, 'contracts-yaml', `contract "${name}"`);
    const entry = (raw ?? {}) as Record<string, unknown>;
    const disabledRules = new Map<RuleId, string>();
    const lint = entry['lint'];
    if (lint !== undefined) {
      problems.push(...checkMapping(doc, `${pointer}/lint`, lint, LINT, 'contracts-yaml', `"lint" of "${name}"`));
      const disable = (lint as Record<string, unknown> | null)?.['disable'];
      if (Array.isArray(disable)) {
        disable.forEach((item, i) => {
          const p = `${pointer}/lint/disable/${i}`;
          const itemProblems = checkMapping(doc, p, item, DISABLE, 'contracts-yaml', 'a lint opt-out');
          problems.push(...itemProblems);
          if (itemProblems.length > 0) return;
          const { rule, reason } = item as { rule: string; reason: string };
          if (!isRuleId(rule) || RULES[rule].category !== 'lint') {
            problems.push(
              source.diagnostic(
                doc.offsetOf(`${p}/rule`),
                'contracts-yaml',
                `"${rule}" is not a lint rule that can be switched off`,
                `Lint rules: ${LINT_RULE_IDS.join(', ')}.`,
              ),
            );
          } else if (reason.trim() === '') {
            problems.push(
              source.diagnostic(
                doc.offsetOf(`${p}/reason`),
                'contracts-yaml',
                `switching off "${rule}" needs a reason`,
                'Say why this contract may break the rule.',
              ),
            );
          } else {
            disabledRules.set(rule, reason);
          }
        });
      } else if (disable !== undefined) {
        problems.push(
          source.diagnostic(
            doc.offsetOf(`${pointer}/lint/disable`),
            'contracts-yaml',
            '"disable" must be a list of {rule, reason}',
            'Write "- rule: <id>" with "reason: <why>".',
          ),
        );
      }
    }
    diagnostics.push(...problems);
    if (problems.some((d) => d.severity === 'error') && (typeof entry['file'] !== 'string' || (entry['format'] !== 'avro' && entry['format'] !== 'json')))
      continue;
    entries.push({
      name,
      pointer,
      file: String(entry['file']),
      format: entry['format'] as SchemaFormat,
      topic: typeof entry['topic'] === 'string' ? entry['topic'] : null,
      compatibility: (entry['compatibility'] ?? defaults['compatibility'] ?? 'FULL_TRANSITIVE') as CompatibilityLevel,
      owner: String(entry['owner'] ?? defaults['owner'] ?? ''),
      key: typeof entry['key'] === 'string' ? entry['key'] : null,
      policyGated: entry['policy_gated'] === true,
      carrier: entry['carrier'] === 'headers' ? 'headers' : 'value',
      producedBy: entry['produced_by'] === 'runtime' ? 'runtime' : 'agents',
      disabledRules,
    });
  }
  return { document: doc, entries, diagnostics };
}
