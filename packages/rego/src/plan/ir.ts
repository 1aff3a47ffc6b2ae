/**
 * Output of PLAN, input of EMIT: functions of statements over numbered locals, modelled on
 * OPA's planner IR. A statement may FAIL (a Dot that finds nothing, an Equal that does not
 * hold, a Call whose result is undefined): the rest of the enclosing statement list is then
 * skipped. Scan runs its body once per element and is always the last statement of its list:
 * reaching the end of an iteration's body is reaching the end of the list (what follows a
 * binding lives inside the Scan body that produced it). Block runs its body and always
 * succeeds; Not succeeds exactly when no path through its body reaches the end. Backtracking is expressed by nesting: whatever
 * follows a binding lives inside the Scan body that produced it.
 */

export type Local = number;

/** A constant value (ground term). Numbers are IEEE doubles (exact integers up to 2^53). */
export type ConstValue =
  | { readonly t: 'null' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'array'; readonly items: readonly ConstValue[] }
  | { readonly t: 'set'; readonly items: readonly ConstValue[] }
  | { readonly t: 'object'; readonly entries: readonly (readonly [ConstValue, ConstValue])[] };

export type Operand = { readonly local: Local } | { readonly const: number };

/** Evaluation context: input, data (possibly overridden by `with`) and the memo of rule values. */
export type CtxLocal = number;

export type Stmt =
  | { readonly op: 'Assign'; readonly dst: Local; readonly src: Operand }
  | { readonly op: 'Input'; readonly dst: Local; readonly ctx: CtxLocal }
  | { readonly op: 'Data'; readonly dst: Local; readonly ctx: CtxLocal }
  | { readonly op: 'Dot'; readonly dst: Local; readonly src: Operand; readonly key: Operand }
  | { readonly op: 'Scan'; readonly src: Operand; readonly key: Local; readonly value: Local; readonly body: readonly Stmt[] }
  | { readonly op: 'Block'; readonly body: readonly Stmt[] }
  | { readonly op: 'Not'; readonly body: readonly Stmt[] }
  | { readonly op: 'Equal' | 'NotEqual'; readonly a: Operand; readonly b: Operand }
  | { readonly op: 'NotFalse'; readonly src: Operand }
  | { readonly op: 'IsUndefined' | 'IsDefined'; readonly src: Local }
  | { readonly op: 'IsArray' | 'IsObject'; readonly src: Operand }
  | { readonly op: 'LenEqual'; readonly src: Operand; readonly n: number }
  | { readonly op: 'CallBuiltin'; readonly dst: Local; readonly name: string; readonly args: readonly Operand[] }
  | { readonly op: 'CallFunc'; readonly dst: Local; readonly func: string; readonly ctx: CtxLocal; readonly args: readonly Operand[] }
  | { readonly op: 'MakeArray' | 'MakeObject' | 'MakeSet'; readonly dst: Local }
  | { readonly op: 'ArrayAppend'; readonly array: Local; readonly value: Operand }
  | { readonly op: 'SetAdd'; readonly set: Local; readonly value: Operand }
  /** Overwrites an existing key. */
  | { readonly op: 'ObjectInsert'; readonly object: Local; readonly key: Operand; readonly value: Operand }
  /** Aborts with `conflict` when the key exists with a different value. */
  | { readonly op: 'ObjectInsertOnce'; readonly object: Local; readonly key: Operand; readonly value: Operand; readonly conflict: string }
  /** dst := value when undefined; aborts with `conflict` when defined with a different value. */
  | { readonly op: 'SetOnce'; readonly dst: Local; readonly value: Operand; readonly conflict: string }
  /** Coverage: definition `id` (Plan.coverage) produced a value. */
  | { readonly op: 'Cover'; readonly id: number }
  /**
   * A new context for `with`: input or data replaced at `path`, memo fresh. Functions whose data
   * path lies at or below a replaced data path answer from the replaced data instead.
   */
  | {
      readonly op: 'WithContext';
      readonly dst: CtxLocal;
      readonly base: CtxLocal;
      readonly target: 'input' | 'data';
      readonly path: readonly string[];
      readonly value: Operand;
    };

export interface Func {
  /** Rule group name (`pkg/rule`) or an internal name (`$tree/pkg`). */
  readonly name: string;
  /** Argument locals (functions only). */
  readonly params: readonly Local[];
  /** Number of value locals used (params included). */
  readonly locals: number;
  /** Number of context locals used (0 is the caller's context). */
  readonly contexts: number;
  readonly body: readonly Stmt[];
  /** The local holding the result (undefined = null). */
  readonly result: Local;
  /** Rules without arguments are computed once per context. */
  readonly memoize: boolean;
  /** For `with data...` overrides: the data path this function answers for. */
  readonly path?: readonly string[];
}

export interface Plan {
  readonly funcs: readonly Func[];
  readonly constants: readonly ConstValue[];
  /** Entrypoint name (`pkg/rule`) -> function name, in id order. */
  readonly entrypoints: readonly { readonly name: string; readonly func: string }[];
  /** Built-ins called through the host (opa_builtinN), in id order. */
  readonly hostBuiltins: readonly string[];
  /** With coverage on: the rule definitions (and else alternatives) by Cover id. */
  readonly coverage?: readonly CoverPoint[];
}

export interface CoverPoint {
  readonly rule: string;
  readonly file: string;
  readonly line: number;
}
