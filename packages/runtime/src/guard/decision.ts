/**
 * What a guard answers. The packs of this repository return `{allow, reasons}` from
 * `<package>/decision` (policies/README.md, "Common output"); a guard adds the identity of the
 * bundle that decided, and denies with one of its own reason codes whenever it cannot decide.
 */

/** The output of a pack's `decision` rule: `allow` true only when `reasons` is empty; reasons are `"CODE: detail"`. */
export interface PolicyDecision {
  allow: boolean;
  reasons: string[];
}

/**
 * Reason codes of a guard that could not decide; each one denies (fail closed):
 * - GUARD_NO_POLICY: no verified bundle is active (none loaded yet, or the first one was rejected);
 * - GUARD_ERROR: evaluation threw (a Wasm abort: conflict, strict built-in error, ...) or the input
 *   could not be written as JSON;
 * - GUARD_TIMEOUT: evaluation took longer than `timeoutMs` (measured after the fact, see PolicyGuard);
 * - GUARD_BAD_DECISION: the entrypoint is undefined for the input, or its value is not a decision.
 */
export const GUARD_REASON_CODES = ['GUARD_NO_POLICY', 'GUARD_ERROR', 'GUARD_TIMEOUT', 'GUARD_BAD_DECISION'] as const;
export type GuardReasonCode = (typeof GUARD_REASON_CODES)[number];

/** One evaluation's answer. */
export interface GuardDecision<Decision = PolicyDecision> {
  /** True only when the policy's decision has `allow === true` exactly and the guard had no problem. */
  readonly allow: boolean;
  /** The policy's reasons, or the guard's single `"GUARD_*: detail"` reason when it could not decide. */
  readonly reasons: readonly string[];
  /** The policy's decision; undefined when the guard could not decide. */
  readonly decision: Decision | undefined;
  /** sha256 (hex) of the bytes of the bundle that decided; undefined without an active bundle. */
  readonly policyHash: string | undefined;
  /** That bundle's manifest revision. */
  readonly revision: string | undefined;
  /** Name of the pack (as given to the guard). */
  readonly pack: string;
  /** Set when the guard could not decide (the code of its reason). */
  readonly failure: GuardReasonCode | undefined;
  /** Time spent in the guard (input encoding and evaluation), in milliseconds. */
  readonly elapsedMs: number;
}

/** Anything that decides like a guard: a PolicyGuard, or a stand-in in tests. */
export interface PolicyEvaluator<Input, Decision = PolicyDecision> {
  readonly pack: string;
  evaluate(input: Input): GuardDecision<Decision>;
}

/** The code of a `"CODE: detail"` reason: the text before the first `": "` (the whole reason when there is none, e.g. `halted`). */
export function reasonCode(reason: string): string {
  const at = reason.indexOf(': ');
  return at < 0 ? reason : reason.slice(0, at);
}

/** True when `value` has the shape of {@link PolicyDecision}: a boolean `allow` and an array of strings `reasons`. */
export function isPolicyDecision(value: unknown): value is PolicyDecision {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { allow, reasons } = value as Record<string, unknown>;
  return typeof allow === 'boolean' && Array.isArray(reasons) && reasons.every((r) => typeof r === 'string');
}
