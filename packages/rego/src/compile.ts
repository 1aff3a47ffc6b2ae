/**
 * The whole pipeline: sources -> PARSE -> CHECK -> PLAN -> EMIT (AssemblyScript) -> Wasm.
 */
import type { Module } from './ast';
import { checkModules } from './check/check';
import { RegoCompileErrors } from './check/errors';
import type { Program } from './check/program';
import { emitAssemblyScript } from './emit/assemblyscript';
import { compileAssemblyScript, regexSupported } from './emit/asc';
import { parseModule } from './parser';
import type { CoverPoint, Plan } from './plan/ir';
import { planProgram } from './plan/planner';

export interface RegoSource {
  /** Shown in errors (file:line:col). */
  readonly path: string;
  readonly text: string;
}

export interface CompileOptions {
  /** `pkg/rule` names to expose; default every rule of every package (functions excepted). */
  readonly entrypoints?: readonly string[];
  /** Built-in errors abort evaluation (OPA's strict-builtin-errors) instead of making the expression undefined. */
  readonly strictBuiltinErrors?: boolean;
  /** Instrument rule definitions; the module gets a `$coverage` entrypoint listing the CoverPoints hit. */
  readonly coverage?: boolean;
}

export interface CompiledPolicy {
  readonly wasm: Uint8Array;
  /** Entrypoint names in id order (as the module's entrypoints() lists them). */
  readonly entrypoints: readonly string[];
  /** Built-ins the host must provide (opa-wasm customBuiltins), e.g. time.now_ns. */
  readonly hostBuiltins: readonly string[];
  /** With `coverage`: what each id answered by the `$coverage` entrypoint stands for. */
  readonly coverage?: readonly CoverPoint[];
  /** The generated AssemblyScript, for inspection. */
  readonly source: string;
}

/** PARSE + CHECK + PLAN: everything short of code generation (fast; no compiler process). */
export function planSources(sources: readonly RegoSource[], options: CompileOptions = {}): { modules: Module[]; program: Program; plan: Plan } {
  const modules = sources.map((s) => parseModule(s.text, s.path));
  const program = checkModules(modules);
  const plan = planProgram(program, {
    ...(options.entrypoints ? { entrypoints: options.entrypoints } : {}),
    regexSupported,
    coverage: options.coverage === true,
  });
  return { modules, program, plan };
}

/** Compiles Rego sources to an OPA-ABI Wasm module. Throws RegoSyntaxError or RegoCompileErrors. */
export async function compilePolicy(sources: readonly RegoSource[], options: CompileOptions = {}): Promise<CompiledPolicy> {
  const { plan } = planSources(sources, options);
  const source = emitAssemblyScript(plan, { strictBuiltinErrors: options.strictBuiltinErrors === true });
  const wasm = await compileAssemblyScript(source);
  return {
    wasm,
    entrypoints: plan.entrypoints.map((e) => e.name),
    hostBuiltins: plan.hostBuiltins,
    source,
    ...(plan.coverage ? { coverage: plan.coverage } : {}),
  };
}

export { RegoCompileErrors };
