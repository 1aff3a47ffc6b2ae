/**
 * `opa test` for a pack: every complete rule named `test_*` is an entrypoint; a test passes when
 * it evaluates to exactly `true`, fails when it is undefined or anything else, and errors when
 * evaluation aborts. The module is compiled with coverage so the report lists the rule
 * definitions (outside *_test.rego) that produced a value during the run.
 */
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compilePolicy, planSources, type RegoSource } from './compile';
import { COVERAGE_ENTRYPOINT } from './emit/assemblyscript';
import { hostBuiltins } from './host-builtins';

export type TestOutcome = 'pass' | 'fail' | 'error';

export interface PolicyTestResult {
  /** `pkg/test_name`. */
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly outcome: TestOutcome;
  /** fail: what the test evaluated to; error: the abort message. */
  readonly detail?: string;
  readonly durationMs: number;
}

export interface CoverageLine {
  readonly rule: string;
  readonly file: string;
  readonly line: number;
  readonly covered: boolean;
}

export interface PolicyTestReport {
  readonly results: readonly PolicyTestResult[];
  readonly passed: number;
  readonly failed: number;
  readonly errored: number;
  readonly coverage: {
    /** Every definition (and else alternative) of the policy's rules, with whether it produced a value. */
    readonly definitions: readonly CoverageLine[];
    /** Rules with at least one definition that produced a value / all rules. */
    readonly rulesHit: number;
    readonly rules: number;
    readonly percent: number;
  };
}

const isTestFile = (file: string): boolean => file.endsWith('_test.rego');

/** Runs the `test_*` rules of `sources` with `data` as the base document. */
export async function runPolicyTests(sources: readonly RegoSource[], data: unknown, options: { filter?: RegExp } = {}): Promise<PolicyTestReport> {
  const { program } = planSources(sources, { entrypoints: [] });
  const tests = [...program.groups.values()].filter(
    (g) => g.kind === 'complete' && (g.path[g.path.length - 1] ?? '').startsWith('test_') && (!options.filter || options.filter.test(g.name)),
  );
  const compiled = await compilePolicy(sources, { entrypoints: tests.map((t) => t.name), coverage: true });
  const policy = await loadPolicy(compiled.wasm, undefined, hostBuiltins());
  policy.setData((data ?? {}) as object);
  const results: PolicyTestResult[] = [];
  for (const t of tests) {
    const started = performance.now();
    let outcome: TestOutcome;
    let detail: string | undefined;
    try {
      const rs = policy.evaluate({}, t.name) as { result: unknown }[];
      const value = rs[0]?.result;
      outcome = value === true ? 'pass' : 'fail';
      if (outcome === 'fail') detail = rs.length === 0 ? 'undefined' : JSON.stringify(value);
    } catch (error) {
      outcome = 'error';
      detail = error instanceof Error ? error.message : String(error);
    }
    const location = t.definitions[0]?.location ?? t.location;
    results.push({
      name: t.name,
      file: location.file,
      line: location.line,
      outcome,
      ...(detail !== undefined ? { detail } : {}),
      durationMs: performance.now() - started,
    });
  }
  const hit = new Set((policy.evaluate({}, COVERAGE_ENTRYPOINT) as { result: number[] }[])[0]?.result ?? []);
  const definitions = (compiled.coverage ?? []).map((p, id) => ({ ...p, covered: hit.has(id) })).filter((d) => !isTestFile(d.file));
  const rules = new Map<string, boolean>();
  for (const d of definitions) rules.set(d.rule, (rules.get(d.rule) ?? false) || d.covered);
  const rulesHit = [...rules.values()].filter(Boolean).length;
  return {
    results,
    passed: results.filter((r) => r.outcome === 'pass').length,
    failed: results.filter((r) => r.outcome === 'fail').length,
    errored: results.filter((r) => r.outcome === 'error').length,
    coverage: { definitions, rulesHit, rules: rules.size, percent: rules.size === 0 ? 100 : (100 * rulesHit) / rules.size },
  };
}
