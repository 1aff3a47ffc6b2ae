/**
 * @dynamic-capital/contracts-rego: Rego (v1 syntax) to OPA-ABI WebAssembly.
 * Pipeline: parse -> check -> plan -> emit (AssemblyScript, compiled with the runtime in runtime/).
 */
export type * from './ast';
export { RegoSyntaxError } from './errors';
export { parseModule, tryParseModule, isGround, type ParseResult } from './parser';
export { tokenize, KEYWORDS, type Token, type TokenKind } from './lexer';
export { checkModules } from './check/check';
export { RegoCompileError, RegoCompileErrors, type CompileErrorCode } from './check/errors';
export { BUILTINS, type BuiltinSpec } from './check/builtins';
export type { Program, RuleGroup, CheckedRule } from './check/program';
export type * from './plan/ir';
export { planProgram, type PlanOptions } from './plan/planner';
export { emitAssemblyScript, type EmitOptions } from './emit/assemblyscript';
export { compilePolicy, planSources, type CompileOptions, type CompiledPolicy, type RegoSource } from './compile';
export * from './bundle/index';
export { runPolicyTests, type PolicyTestReport, type PolicyTestResult, type TestOutcome, type CoverageLine } from './policy-test';
export { hostBuiltins, type HostBuiltin, type HostBuiltinOptions } from './host-builtins';
export { COVERAGE_ENTRYPOINT } from './emit/assemblyscript';
