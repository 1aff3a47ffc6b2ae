import type { Location } from '../ast';

/**
 * Error codes of the CHECK and PLAN stages. `rego_*` codes are OPA's; `unsupported` is ours:
 * the construct is valid Rego that this compiler does not translate (never a wrong answer).
 */
export type CompileErrorCode = 'rego_unsafe_var_error' | 'rego_recursion_error' | 'rego_type_error' | 'rego_compile_error' | 'unsupported';

/** One compile-time problem at file:line:column. */
export class RegoCompileError extends Error {
  override readonly name = 'RegoCompileError';
  constructor(
    readonly code: CompileErrorCode,
    readonly location: Location,
    readonly detail: string,
  ) {
    super(`${location.file}:${location.line}:${location.column}: ${code}: ${detail}`);
  }
}

/** Every problem found by a stage (the stage reports them all, sorted by position). */
export class RegoCompileErrors extends Error {
  override readonly name = 'RegoCompileErrors';
  constructor(readonly errors: readonly RegoCompileError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }

  /** True when every problem is an `unsupported` construct (valid Rego this compiler does not translate). */
  get unsupportedOnly(): boolean {
    return this.errors.length > 0 && this.errors.every((e) => e.code === 'unsupported');
  }
}
