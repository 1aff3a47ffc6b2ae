/**
 * Typed AST produced by the PARSE stage (`parseModule`) and consumed by CHECK.
 *
 * The shape follows OPA's own AST (v1/ast/policy.go, term.go) closely enough that
 * OPA's semantics carry over one-to-one, but uses discriminated unions (`type`)
 * instead of Go interfaces:
 *
 * - Infix operators are `Call` terms whose operator is the builtin's name, exactly
 *   as OPA does it: `a + b` is `plus(a, b)`, `x in xs` is `internal.member_2(x, xs)`,
 *   `k, v in o` is `internal.member_3(k, v, o)`. `Call.infix` keeps the source operator.
 * - A body literal (`Expr`) holds one `Term`, a `SomeDecl`/`SomeIn` or an `Every`.
 *   `x := y` and `x = y` at literal level are `Call`s to `assign` / `eq`.
 * - Bare `input` / `data` are refs with an empty path (as in OPA).
 * - Wildcards keep the name `_` (OPA renames them to `$0`, `$1`, ...; CHECK may).
 *
 * Every node carries a `location` (file, 1-based line, 1-based column counted in
 * Unicode code points, tabs count as one column — same as OPA).
 */

export interface Location {
  file: string;
  line: number;
  column: number;
}

interface NodeBase {
  location: Location;
}

// ---------------------------------------------------------------------------
// Terms

export interface NullTerm extends NodeBase {
  type: 'Null';
}

export interface BooleanTerm extends NodeBase {
  type: 'Boolean';
  value: boolean;
}

/** Numbers keep their source text (e.g. `"-1.5e3"`) so no precision is lost before CHECK/PLAN. */
export interface NumberTerm extends NodeBase {
  type: 'Number';
  value: string;
}

export interface StringTerm extends NodeBase {
  type: 'String';
  /** Decoded value (escapes resolved). */
  value: string;
  /** True for backtick raw strings. */
  raw: boolean;
}

export interface VarTerm extends NodeBase {
  type: 'Var';
  name: string;
}

/**
 * `head.path[0].path[1]...`. Dot access `a.b` yields a `String` path element.
 * The head is a `Var` in the common case; OPA also allows collections,
 * comprehensions and calls as heads (`[1, 2][i]`, `f(x).y`).
 */
export interface RefTerm extends NodeBase {
  type: 'Ref';
  head: Term;
  path: Term[];
}

export interface ArrayTerm extends NodeBase {
  type: 'Array';
  items: Term[];
}

export interface ObjectEntry {
  key: Term;
  value: Term;
}

export interface ObjectTerm extends NodeBase {
  type: 'Object';
  entries: ObjectEntry[];
}

/** `{1, 2}`; the empty set is written `set()`. */
export interface SetTerm extends NodeBase {
  type: 'Set';
  items: Term[];
}

export interface ArrayComprehension extends NodeBase {
  type: 'ArrayComprehension';
  term: Term;
  body: Body;
}

export interface SetComprehension extends NodeBase {
  type: 'SetComprehension';
  term: Term;
  body: Body;
}

export interface ObjectComprehension extends NodeBase {
  type: 'ObjectComprehension';
  key: Term;
  value: Term;
  body: Body;
}

/** Infix operator source text, kept for diagnostics / pretty-printing. */
export type InfixOperator = ':=' | '=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '|' | '&' | 'in';

/**
 * A function call. `operator` is a ref of a `Var` head and `String` path
 * (`object.get`, `data.lib.f`); for infix operators it is the builtin's name
 * (`plus`, `equal`, `internal.member_2`, ...) and `infix` is set.
 */
export interface CallTerm extends NodeBase {
  type: 'Call';
  operator: RefTerm;
  args: Term[];
  infix?: InfixOperator;
}

export type ScalarTerm = NullTerm | BooleanTerm | NumberTerm | StringTerm;
export type Comprehension = ArrayComprehension | SetComprehension | ObjectComprehension;
export type Term = ScalarTerm | VarTerm | RefTerm | ArrayTerm | ObjectTerm | SetTerm | Comprehension | CallTerm;

// ---------------------------------------------------------------------------
// Body literals

/** `some x, y` */
export interface SomeDecl extends NodeBase {
  type: 'SomeDecl';
  vars: VarTerm[];
}

/** `some x in xs` (key = null) / `some k, v in xs` */
export interface SomeIn extends NodeBase {
  type: 'SomeIn';
  key: Term | null;
  value: Term;
  collection: Term;
}

/** `every x in xs { ... }` (key = null) / `every k, v in xs { ... }` */
export interface Every extends NodeBase {
  type: 'Every';
  key: VarTerm | null;
  value: VarTerm;
  domain: Term;
  body: Body;
}

/** `with <target> as <value>` */
export interface With extends NodeBase {
  type: 'With';
  /** `input...`, `data...` or a function name (`f`, `time.now_ns`). */
  target: RefTerm | VarTerm;
  value: Term;
}

/** One literal of a body (query). */
export interface Expr extends NodeBase {
  type: 'Expr';
  negated: boolean;
  value: Term | SomeDecl | SomeIn | Every;
  with: With[];
}

export type Body = Expr[];

// ---------------------------------------------------------------------------
// Module level

/**
 * - `complete`: `p := v`, `p if ...`, `a.b.c := v` (ground ref head)
 * - `partialSet`: `p contains x if ...` (multi-value rule; `key` is the element)
 * - `partialObject`: `p[k] := v if ...`, `a.b[k] := v` (last ref element not ground; `key` = that element)
 * - `function`: `f(x, y) := z if ...`
 */
export type RuleKind = 'complete' | 'partialSet' | 'partialObject' | 'function';

export interface RuleHead extends NodeBase {
  type: 'RuleHead';
  kind: RuleKind;
  /** First segment of the head ref (`p` in `p.q[x]`). */
  name: string;
  /** Full head ref: a `Var` head plus path (`String`s for dotted segments). */
  ref: RefTerm;
  /** Function parameters; null unless kind === 'function'. */
  args: Term[] | null;
  /** partialSet: the element; partialObject: the key (last ref element); otherwise null. */
  key: Term | null;
  /** Rule value; null only for partialSet. `true` when omitted (`generatedValue`). */
  value: Term | null;
  /** `:=` was used (vs `=` or no operator). */
  assign: boolean;
  generatedValue: boolean;
}

export interface Rule extends NodeBase {
  type: 'Rule';
  default: boolean;
  head: RuleHead;
  /** Empty for unconditional rules (`p := 1`, `default p := false`, `p contains "x"`). */
  body: Body;
  /** `else` chain; the else rule's head shares ref/args/kind with this head. */
  else: Rule | null;
}

export interface Package extends NodeBase {
  type: 'Package';
  /** `data.<segments...>`; segments are `String` terms. */
  path: RefTerm;
}

export interface Import extends NodeBase {
  type: 'Import';
  /** Head is `data`, `input`, `future` or `rego`; path elements are `String` terms. */
  path: RefTerm;
  alias: string | null;
}

export interface Comment extends NodeBase {
  type: 'Comment';
  /** Text after `#`. */
  text: string;
}

export interface Module extends NodeBase {
  type: 'Module';
  file: string;
  package: Package;
  imports: Import[];
  rules: Rule[];
  comments: Comment[];
}

export type Node = Module | Package | Import | Rule | RuleHead | Expr | With | SomeDecl | SomeIn | Every | Term | Comment;
