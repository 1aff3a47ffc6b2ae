/**
 * Output of the CHECK stage, input of PLAN: every rule grouped by its path in `data`, names
 * resolved (rule references and imports became absolute `data` refs, wildcards got unique
 * names), bodies reordered so every variable is bound before it is used.
 */
import type { Body, Location, RuleHead, RuleKind, Term } from '../ast';

export interface CheckedRule {
  readonly location: Location;
  readonly head: RuleHead;
  /** Reordered for safety. */
  readonly body: Body;
  readonly else: CheckedRule | null;
}

export interface RuleGroup {
  /** Path under `data` (`["trading_risk_v1", "allow"]`). */
  readonly path: readonly string[];
  /** OPA's entrypoint name: path joined with `/`. */
  readonly name: string;
  readonly kind: RuleKind;
  /** Functions: number of arguments; otherwise 0. */
  readonly arity: number;
  readonly definitions: CheckedRule[];
  /** `default p := v` / `default f(_) := v`: its value term (ground). */
  defaultValue: Term | null;
  readonly location: Location;
}

export interface Program {
  /** By `name` (`pkg/path/rule`), in source order. */
  readonly groups: ReadonlyMap<string, RuleGroup>;
  /** Package paths (under data), in source order, deduplicated. */
  readonly packages: readonly (readonly string[])[];
}
