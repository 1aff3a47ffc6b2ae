import type { Severity } from './diagnostics';

/**
 * Every check `contracts validate` makes, as data: an ID, a one-line doc, a severity, and whether a
 * contract may switch it off in schemas/contracts.yaml (only lint rules may; a broken file or a
 * dangling reference is never optional). Test vectors for the lint rules live in
 * packages/model/test/vectors/<id>.json.
 */
export interface RuleInfo {
  readonly doc: string;
  readonly severity: Severity;
  readonly category: 'syntax' | 'structure' | 'reference' | 'lint';
}

function rule<C extends RuleInfo['category']>(
  category: C,
  doc: string,
  severity: Severity = 'error',
): { readonly category: C; readonly doc: string; readonly severity: Severity } {
  return { category, doc, severity };
}

export const RULES = {
  // Syntax: the file cannot be read as its format.
  'json-syntax': rule('syntax', 'The file is valid JSON (no trailing commas, comments or single quotes).'),
  'yaml-syntax': rule('syntax', 'The file is valid YAML.'),
  'toml-syntax': rule('syntax', 'The file is valid TOML.'),
  'file-unreadable': rule('syntax', 'A file the project names exists and can be read.'),
  // Structure: the file parses but is not a valid document of its kind.
  'contracts-yaml': rule('structure', 'schemas/contracts.yaml has the documented shape (see docs/CONVENTIONS.md).'),
  'contract-duplicate': rule('structure', 'A contract name is declared once.'),
  'contract-file-missing': rule('reference', 'The schema file a contract names exists.'),
  'contract-unlisted': rule('structure', 'Every schema file under schemas/ (outside shared/) is listed in contracts.yaml.', 'warning'),
  'contract-key-unknown': rule('reference', "A contract's key names a top-level field of its schema."),
  'contract-no-producer': rule('reference', 'Every contract produced by agents has at least one agent that produces it.'),
  'avro-schema': rule('structure', 'The Avro schema is valid per the Avro specification.'),
  'avro-unknown-type': rule('reference', 'Every Avro type name refers to a primitive or a named type defined in the file or in schemas/shared/avro/.'),
  'avro-duplicate-name': rule('structure', 'A named Avro type is defined once.'),
  'json-schema-dialect': rule('structure', 'A JSON Schema states a supported $schema (draft-07 or 2020-12).'),
  'json-schema-meta': rule('structure', 'A JSON Schema is valid against its meta-schema.'),
  'json-ref-dangling': rule('reference', 'Every $ref resolves to an existing file and location.'),
  'reference-cycle': rule('reference', 'Schema files do not reference each other in a cycle (a registry cannot register such references).'),
  'agent-manifest': rule('structure', 'An agent manifest has the documented shape (see docs/CONVENTIONS.md).'),
  'agent-unknown-contract': rule('reference', 'Every contract an agent consumes or produces exists in contracts.yaml.'),
  'agent-unknown-guard': rule('reference', 'Every guard an agent names is a policy pack under policies/.'),
  'policy-pack': rule('structure', 'A policy pack has valid pack.yaml, data.toml and Rego package declarations.'),
  // Lint: conventions a contract may opt out of, with a reason.
  'contract-name': rule('lint', 'A contract is named <domain>.<kind>.<name>.v<MAJOR>, kind one of intent, event, state, audit, dlq.'),
  'file-name': rule('lint', "The file path and the schema's own name ($id/title, Avro name/namespace) match the contract name."),
  'field-doc': rule('lint', 'Every field (and every named Avro type) is documented.'),
  'field-snake-case': rule('lint', 'Field and property names are snake_case.'),
  'enum-upper-snake': rule('lint', 'Enum symbols are UPPER_SNAKE_CASE.'),
  'avro-evolution-default': rule('lint', 'Avro fields that may be absent for some writer (optional, or added after the first revision) carry defaults.'),
  'json-additional-properties': rule('lint', 'JSON Schema objects state additionalProperties explicitly.'),
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

/** IDs of the rules a contract may switch off. */
export type LintRuleId = { [K in RuleId]: (typeof RULES)[K]['category'] extends 'lint' ? K : never }[RuleId];

export const LINT_RULE_IDS = (Object.keys(RULES) as RuleId[]).filter((id): id is LintRuleId => RULES[id].category === 'lint');

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, value);
}
