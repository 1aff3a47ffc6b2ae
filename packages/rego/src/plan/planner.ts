/**
 * PLAN: Program (checked) -> Plan (IR). Bodies are planned in continuation-passing style:
 * planning a literal takes "what follows" and nests it where the literal succeeds, so
 * iteration (Scan) and backtracking fall out of the nesting.
 */
import type { Body, Expr, Location, RefTerm, Term } from '../ast';
import { BUILTINS } from '../check/builtins';
import { staticPath } from '../check/check';
import { RegoCompileError, RegoCompileErrors } from '../check/errors';
import type { CheckedRule, Program, RuleGroup } from '../check/program';
import type { ConstValue, CoverPoint, CtxLocal, Func, Local, Operand, Plan, Stmt } from './ir';

/** A value already in a local, used where the planner needs a term (unification of computed values). */
interface LocalTerm {
  readonly type: '$Local';
  readonly local: Local;
  readonly location: Location;
}
type PTerm = Term | LocalTerm;

/**
 * `with f as ...` replacements active while planning: by callee (`data:<group>` for a user
 * function, the built-in's name otherwise). Functions and rules called under them are planned
 * as separate variants with the same replacements.
 */
type Mock =
  | { readonly kind: 'value'; readonly value: ConstValue }
  | { readonly kind: 'func'; readonly group: string }
  | { readonly kind: 'builtin'; readonly name: string };
type Mocks = ReadonlyMap<string, Mock>;
const NO_MOCKS: Mocks = new Map();

interface Scope {
  readonly vars: ReadonlyMap<string, Local>;
  readonly ctx: CtxLocal;
  readonly mocks: Mocks;
}

type Cont = (scope: Scope) => Stmt[];
type TermCont = (value: Operand, scope: Scope) => Stmt[];

const CONFLICT_COMPLETE = 'eval_conflict_error: complete rules must not produce multiple outputs';
const CONFLICT_FUNCTION = 'eval_conflict_error: functions must not produce multiple outputs for same inputs';
const CONFLICT_OBJECT = 'eval_conflict_error: object keys must be unique';

function unsupported(location: Location, detail: string): RegoCompileError {
  return new RegoCompileError('unsupported', location, detail);
}

/** Rule tree: data path segments -> node (a rule group at a leaf, children otherwise). */
interface TreeNode {
  readonly path: readonly string[];
  group: RuleGroup | undefined;
  readonly children: Map<string, TreeNode>;
}

function buildTree(program: Program): TreeNode {
  const root: TreeNode = { path: [], group: undefined, children: new Map() };
  for (const g of program.groups.values()) {
    let node = root;
    for (const seg of g.path) {
      let next = node.children.get(seg);
      if (!next) {
        next = { path: [...node.path, seg], group: undefined, children: new Map() };
        node.children.set(seg, next);
      }
      node = next;
    }
    node.group = g;
  }
  return root;
}

function constKey(c: ConstValue): string {
  return JSON.stringify(c);
}

class FuncPlanner {
  private nextLocal = 0;
  private nextCtx = 1;
  constructor(
    readonly planner: Planner,
    readonly name: string,
  ) {}

  local(): Local {
    return this.nextLocal++;
  }
  ctx(): CtxLocal {
    return this.nextCtx++;
  }
  get locals(): number {
    return this.nextLocal;
  }
  get contexts(): number {
    return this.nextCtx;
  }

  // ---------------------------------------------------------------- bodies

  body(body: Body, i: number, scope: Scope, k: Cont): Stmt[] {
    const lit = body[i];
    if (!lit) return k(scope);
    return this.literal(lit, scope, (s) => this.body(body, i + 1, s, k));
  }

  literal(lit: Expr, scope: Scope, k: Cont): Stmt[] {
    if (lit.with.length > 0) return this.withLiteral(lit, scope, k);
    if (lit.negated) {
      const inner = this.literalCore({ ...lit, negated: false }, scope, () => []);
      return [{ op: 'Not', body: inner }, ...k(scope)];
    }
    return this.literalCore(lit, scope, k);
  }

  private withLiteral(lit: Expr, scope: Scope, k: Cont): Stmt[] {
    const plainLit: Expr = { ...lit, with: [] };
    const withs = lit.with;
    const step = (i: number, s: Scope): Stmt[] => {
      const w = withs[i];
      if (!w) {
        return this.literal(plainLit, s, (after) => k({ vars: after.vars, ctx: scope.ctx, mocks: scope.mocks }));
      }
      const target = w.target.type === 'Var' ? { type: 'Ref' as const, head: w.target, path: [], location: w.target.location } : w.target;
      const path = staticPath(target);
      if (!path) throw unsupported(w.location, 'with on a computed target');
      const mockKey = this.planner.mockKey(path);
      if (mockKey !== undefined) {
        const mocks = new Map(s.mocks);
        mocks.set(mockKey, this.planner.mockOf(w.value, mockKey, w.location));
        return step(i + 1, { ...s, mocks });
      }
      if (path[0] !== 'input' && path[0] !== 'data') throw unsupported(w.location, `with on ${path.join('.')} (not input, data, a function or a built-in)`);
      return this.term(w.value, s, (value, s2) => {
        const dst = this.ctx();
        const rest = path.slice(1);
        const root: 'input' | 'data' = path[0] === 'input' ? 'input' : 'data';
        if (root === 'data') this.planner.checkDataOverride(rest, w.location);
        return [{ op: 'WithContext', dst, base: s2.ctx, target: root, path: rest, value }, ...step(i + 1, { ...s2, ctx: dst })];
      });
    };
    return step(0, scope);
  }

  private literalCore(lit: Expr, scope: Scope, k: Cont): Stmt[] {
    const v = lit.value;
    switch (v.type) {
      case 'SomeDecl': {
        const vars = new Map(scope.vars);
        for (const x of v.vars) vars.delete(x.name);
        return k({ ...scope, vars });
      }
      case 'SomeIn':
        return this.term(v.collection, scope, (coll, s) => {
          const key = this.local();
          const value = this.local();
          const body = this.unify(v.value, { type: '$Local', local: value, location: v.location }, s, (s2) =>
            v.key ? this.unify(v.key, { type: '$Local', local: key, location: v.location }, s2, k) : k(s2),
          );
          return [{ op: 'Scan', src: coll, key, value, body }];
        });
      case 'Every':
        return this.term(v.domain, scope, (domain, s) => {
          const key = this.local();
          const value = this.local();
          const vars = new Map(s.vars);
          vars.set(v.value.name, value);
          if (v.key) vars.set(v.key.name, key);
          const inner = this.body(v.body, 0, { ...s, vars }, () => []);
          return [{ op: 'Not', body: [{ op: 'Scan', src: domain, key, value, body: [{ op: 'Not', body: inner }] }] }, ...k(s)];
        });
      default:
        return this.expression(v, scope, k);
    }
  }

  private expression(t: Term, scope: Scope, k: Cont): Stmt[] {
    if (t.type === 'Call') {
      const name = staticPath(t.operator)?.join('.') ?? '';
      if ((name === 'eq' || name === 'assign') && t.args.length === 2) return this.unify(t.args[0] as Term, t.args[1] as Term, scope, k);
      if (name === 'equal' && t.args.length === 2)
        return this.term(t.args[0] as Term, scope, (a, s) => this.term(t.args[1] as Term, s, (b, s2) => [{ op: 'Equal', a, b }, ...k(s2)]));
      if (name === 'neq' && t.args.length === 2)
        return this.term(t.args[0] as Term, scope, (a, s) => this.term(t.args[1] as Term, s, (b, s2) => [{ op: 'NotEqual', a, b }, ...k(s2)]));
      const arity = this.planner.arityOf(name, t.operator);
      if (arity !== undefined && t.args.length === arity + 1) {
        // output form: f(a, b, out)
        const call: Term = { ...t, args: t.args.slice(0, -1) };
        return this.term(call, scope, (result, s) => {
          const dst = this.asLocal(result);
          return [...dst.stmts, ...this.unify(t.args[t.args.length - 1] as Term, { type: '$Local', local: dst.local, location: t.location }, s, k)];
        });
      }
    }
    return this.term(t, scope, (value, s) => [{ op: 'NotFalse', src: value }, ...k(s)]);
  }

  private asLocal(op: Operand): { local: Local; stmts: Stmt[] } {
    if ('local' in op) return { local: op.local, stmts: [] };
    const local = this.local();
    return { local, stmts: [{ op: 'Assign', dst: local, src: op }] };
  }

  // ---------------------------------------------------------------- unification

  private isUnbound(t: PTerm, scope: Scope): boolean {
    return t.type === 'Var' && t.name !== 'input' && t.name !== 'data' && !scope.vars.has(t.name);
  }

  /** True when `t` holds a variable that unification (not evaluation) must bind. */
  private hasFreeVars(t: PTerm, scope: Scope): boolean {
    switch (t.type) {
      case 'Var':
        return this.isUnbound(t, scope);
      case 'Array':
        return t.items.some((i) => this.hasFreeVars(i, scope));
      case 'Object':
        return t.entries.some((e) => this.hasFreeVars(e.value, scope));
      default:
        return false;
    }
  }

  unify(a: PTerm, b: PTerm, scope: Scope, k: Cont): Stmt[] {
    if (this.isUnbound(a, scope) && a.type === 'Var') return this.term(b, scope, (v, s) => this.bind(a.name, v, s, k));
    if (this.isUnbound(b, scope) && b.type === 'Var') return this.term(a, scope, (v, s) => this.bind(b.name, v, s, k));
    const af = this.hasFreeVars(a, scope);
    const bf = this.hasFreeVars(b, scope);
    if (af && bf) {
      if (a.type === 'Array' && b.type === 'Array') {
        if (a.items.length !== b.items.length) return [];
        const step = (i: number, s: Scope): Stmt[] =>
          i === a.items.length ? k(s) : this.unify(a.items[i] as Term, b.items[i] as Term, s, (s2) => step(i + 1, s2));
        return step(0, scope);
      }
      throw unsupported(a.location, 'unification of two terms that both contain unbound variables');
    }
    if (af) return this.term(b, scope, (v, s) => this.destructure(a, v, s, k));
    if (bf) return this.term(a, scope, (v, s) => this.destructure(b, v, s, k));
    return this.term(a, scope, (x, s) => this.term(b, s, (y, s2) => [{ op: 'Equal', a: x, b: y }, ...k(s2)]));
  }

  private bind(name: string, value: Operand, scope: Scope, k: Cont): Stmt[] {
    const { local, stmts } = this.asLocal(value);
    const vars = new Map(scope.vars);
    vars.set(name, local);
    return [...stmts, ...k({ ...scope, vars })];
  }

  /** Matches the pattern `p` (with unbound vars) against the value in `v`. */
  private destructure(p: PTerm, v: Operand, scope: Scope, k: Cont): Stmt[] {
    if (p.type === 'Var' && this.isUnbound(p, scope)) return this.bind(p.name, v, scope, k);
    if (p.type === 'Array') {
      const step = (i: number, s: Scope): Stmt[] => {
        const item = p.items[i];
        if (!item) return k(s);
        const dst = this.local();
        return [
          { op: 'Dot', dst, src: v, key: { const: this.planner.constant({ t: 'num', v: i }) } },
          ...this.destructure(item, { local: dst }, s, (s2) => step(i + 1, s2)),
        ];
      };
      return [{ op: 'IsArray', src: v }, { op: 'LenEqual', src: v, n: p.items.length }, ...step(0, scope)];
    }
    if (p.type === 'Object') {
      const step = (i: number, s: Scope): Stmt[] => {
        const entry = p.entries[i];
        if (!entry) return k(s);
        return this.term(entry.key, s, (key, s2) => {
          const dst = this.local();
          return [{ op: 'Dot', dst, src: v, key }, ...this.destructure(entry.value, { local: dst }, s2, (s3) => step(i + 1, s3))];
        });
      };
      return [{ op: 'IsObject', src: v }, { op: 'LenEqual', src: v, n: p.entries.length }, ...step(0, scope)];
    }
    return this.term(p, scope, (x, s) => [{ op: 'Equal', a: x, b: v }, ...k(s)]);
  }

  // ---------------------------------------------------------------- terms

  term(t: PTerm, scope: Scope, k: TermCont): Stmt[] {
    switch (t.type) {
      case '$Local':
        return k({ local: t.local }, scope);
      case 'Null':
      case 'Boolean':
      case 'Number':
      case 'String':
        return k({ const: this.planner.constant(this.planner.constOf(t)) }, scope);
      case 'Var': {
        if (t.name === 'input') return this.ref({ type: 'Ref', head: t, path: [], location: t.location }, scope, k);
        if (t.name === 'data') return this.ref({ type: 'Ref', head: t, path: [], location: t.location }, scope, k);
        const local = scope.vars.get(t.name);
        if (local === undefined) throw new RegoCompileError('rego_unsafe_var_error', t.location, `var ${t.name.startsWith('$') ? '_' : t.name} is unsafe`);
        return k({ local }, scope);
      }
      case 'Ref':
        return this.ref(t, scope, k);
      case 'Array':
      case 'Set': {
        const ground = this.planner.tryConst(t);
        if (ground) return k({ const: this.planner.constant(ground) }, scope);
        const dst = this.local();
        const step = (i: number, s: Scope): Stmt[] => {
          const item = t.items[i];
          if (!item) return k({ local: dst }, s);
          return this.term(item, s, (v, s2) => [
            t.type === 'Array' ? { op: 'ArrayAppend', array: dst, value: v } : { op: 'SetAdd', set: dst, value: v },
            ...step(i + 1, s2),
          ]);
        };
        return [{ op: t.type === 'Array' ? 'MakeArray' : 'MakeSet', dst }, ...step(0, scope)];
      }
      case 'Object': {
        const ground = this.planner.tryConst(t);
        if (ground) return k({ const: this.planner.constant(ground) }, scope);
        const dst = this.local();
        const step = (i: number, s: Scope): Stmt[] => {
          const e = t.entries[i];
          if (!e) return k({ local: dst }, s);
          return this.term(e.key, s, (key, s2) => this.term(e.value, s2, (value, s3) => [{ op: 'ObjectInsert', object: dst, key, value }, ...step(i + 1, s3)]));
        };
        return [{ op: 'MakeObject', dst }, ...step(0, scope)];
      }
      case 'ArrayComprehension':
      case 'SetComprehension': {
        const dst = this.local();
        const inner = this.body(t.body, 0, scope, (s) =>
          this.term(t.term, s, (v) => [t.type === 'ArrayComprehension' ? { op: 'ArrayAppend', array: dst, value: v } : { op: 'SetAdd', set: dst, value: v }]),
        );
        return [{ op: t.type === 'ArrayComprehension' ? 'MakeArray' : 'MakeSet', dst }, { op: 'Block', body: inner }, ...k({ local: dst }, scope)];
      }
      case 'ObjectComprehension': {
        const dst = this.local();
        const inner = this.body(t.body, 0, scope, (s) =>
          this.term(t.key, s, (key, s2) => this.term(t.value, s2, (value) => [{ op: 'ObjectInsertOnce', object: dst, key, value, conflict: CONFLICT_OBJECT }])),
        );
        return [{ op: 'MakeObject', dst }, { op: 'Block', body: inner }, ...k({ local: dst }, scope)];
      }
      case 'Call':
        return this.call(t, scope, k);
    }
  }

  private args(args: readonly Term[], scope: Scope, k: (ops: Operand[], scope: Scope) => Stmt[]): Stmt[] {
    const out: Operand[] = [];
    const step = (i: number, s: Scope): Stmt[] => {
      const a = args[i];
      if (!a) return k(out, s);
      return this.term(a, s, (v, s2) => {
        out[i] = v;
        return step(i + 1, s2);
      });
    };
    return step(0, scope);
  }

  private call(t: Extract<Term, { type: 'Call' }>, scope: Scope, k: TermCont): Stmt[] {
    const path = staticPath(t.operator);
    if (!path) throw unsupported(t.location, 'call of a computed function');
    const mockKey = path[0] === 'data' ? `data:${path.slice(1).join('/')}` : path.join('.');
    const mock = scope.mocks.get(mockKey);
    if (mock) {
      // the replacement runs without its own replacement (OPA: `f as g` where g calls f reaches the real f)
      const inner = new Map(scope.mocks);
      inner.delete(mockKey);
      return this.args(t.args, scope, (ops, s) => {
        if (mock.kind === 'value') return k({ const: this.planner.constant(mock.value) }, s);
        const dst = this.local();
        if (mock.kind === 'func')
          return [{ op: 'CallFunc', dst, func: this.planner.funcName(mock.group, inner), ctx: s.ctx, args: [...ops] }, ...k({ local: dst }, s)];
        return [{ op: 'CallBuiltin', dst, name: mock.name, args: [...ops] }, ...k({ local: dst }, s)];
      });
    }
    if (path[0] === 'data') {
      const group = this.planner.program.groups.get(path.slice(1).join('/'));
      if (!group || group.kind !== 'function') throw new RegoCompileError('rego_type_error', t.location, `undefined function ${path.join('.')}`);
      return this.args(t.args, scope, (ops, s) => {
        const dst = this.local();
        return [{ op: 'CallFunc', dst, func: this.planner.funcName(group.name, s.mocks), ctx: s.ctx, args: [...ops] }, ...k({ local: dst }, s)];
      });
    }
    const name = path.join('.');
    const spec = BUILTINS.get(name);
    if (!spec) throw unsupported(t.location, `unsupported built-in ${name}`);
    if (spec.impl === 'host') this.planner.hostBuiltin(name);
    if (name === 'regex.match') this.planner.checkRegex(t);
    return this.args(t.args, scope, (ops, s) => {
      const dst = this.local();
      return [{ op: 'CallBuiltin', dst, name, args: [...ops] }, ...k({ local: dst }, s)];
    });
  }

  // ---------------------------------------------------------------- refs

  private ref(t: RefTerm, scope: Scope, k: TermCont): Stmt[] {
    const head = t.head;
    if (head.type === 'Var' && head.name === 'input') {
      const dst = this.local();
      return [{ op: 'Input', dst, ctx: scope.ctx }, ...this.path({ local: dst }, t.path, 0, scope, k)];
    }
    if (head.type === 'Var' && head.name === 'data') return this.dataRef(t, scope, k);
    return this.term(head, scope, (base, s) => this.path(base, t.path, 0, s, k));
  }

  /** Walks `elems[i..]` from `base`: ground or bound keys are lookups, unbound variables iterate. */
  private path(base: Operand, elems: readonly Term[], i: number, scope: Scope, k: TermCont): Stmt[] {
    const e = elems[i];
    if (!e) return k(base, scope);
    if (e.type === 'Var' && this.isUnbound(e, scope)) {
      const key = this.local();
      const value = this.local();
      const vars = new Map(scope.vars);
      vars.set(e.name, key);
      return [{ op: 'Scan', src: base, key, value, body: this.path({ local: value }, elems, i + 1, { ...scope, vars }, k) }];
    }
    if (this.hasFreeVars(e, scope)) {
      // a pattern key (`x[[a, b]]`): iterate and destructure the key
      const key = this.local();
      const value = this.local();
      return [{ op: 'Scan', src: base, key, value, body: this.destructure(e, { local: key }, scope, (s) => this.path({ local: value }, elems, i + 1, s, k)) }];
    }
    return this.term(e, scope, (keyOp, s) => {
      const dst = this.local();
      return [{ op: 'Dot', dst, src: base, key: keyOp }, ...this.path({ local: dst }, elems, i + 1, s, k)];
    });
  }

  /** `data...`: rules answer for their paths, base data for the rest; nodes above rules are merged documents. */
  private dataRef(t: RefTerm, scope: Scope, k: TermCont): Stmt[] {
    let node = this.planner.tree;
    let i = 0;
    for (; i < t.path.length; i++) {
      if (node.group) break;
      const e = t.path[i] as Term;
      if (e.type !== 'String') break;
      const next = node.children.get(e.value);
      if (!next) {
        // below a node without rules of that name: plain base data
        const dst = this.local();
        return [{ op: 'Data', dst, ctx: scope.ctx }, ...this.path({ local: dst }, t.path, 0, scope, k)];
      }
      node = next;
    }
    if (node.group) {
      if (node.group.kind === 'function') throw unsupported(t.location, `function ${node.group.name.replace(/\//g, '.')} referenced as a value`);
      const dst = this.local();
      return [
        { op: 'CallFunc', dst, func: this.planner.funcName(node.group.name, scope.mocks), ctx: scope.ctx, args: [] },
        ...this.path({ local: dst }, t.path, i, scope, k),
      ];
    }
    if (scope.mocks.size > 0) throw unsupported(t.location, 'a whole document (rules and data) read under `with` replacing a function');
    // a node with rules below it: its whole document (base data merged with the rules' values)
    const dst = this.local();
    const func = this.planner.treeFunc(node, t.location);
    return [{ op: 'CallFunc', dst, func, ctx: scope.ctx, args: [] }, ...this.path({ local: dst }, t.path, i, scope, k)];
  }
}

class Planner {
  readonly tree: TreeNode;
  private readonly constants: ConstValue[] = [];
  private readonly constIndex = new Map<string, number>();
  private readonly hosts: string[] = [];
  readonly funcs = new Map<string, Func>();
  /** Function name -> the group and replacements it is planned with. */
  private readonly variants = new Map<string, { group: RuleGroup; mocks: Mocks }>();
  private readonly planning = new Set<string>();
  readonly errors: RegoCompileError[] = [];

  readonly coverage: CoverPoint[] | undefined;

  constructor(
    readonly program: Program,
    private readonly regexSupported: (pattern: string) => boolean,
    coverage: boolean,
  ) {
    this.coverage = coverage ? [] : undefined;
    this.tree = buildTree(program);
  }

  constant(c: ConstValue): number {
    const key = constKey(c);
    let i = this.constIndex.get(key);
    if (i === undefined) {
      i = this.constants.length;
      this.constants.push(c);
      this.constIndex.set(key, i);
    }
    return i;
  }

  constOf(t: Extract<Term, { type: 'Null' | 'Boolean' | 'Number' | 'String' }>): ConstValue {
    switch (t.type) {
      case 'Null':
        return { t: 'null' };
      case 'Boolean':
        return { t: 'bool', v: t.value };
      case 'Number': {
        const v = Number(t.value);
        if (!Number.isFinite(v)) throw unsupported(t.location, `number ${t.value} is out of the range of a double`);
        // numbers are doubles: an integer literal beyond 2^53 would silently change value
        if (/^-?\d+$/.test(t.value) && !Number.isSafeInteger(v))
          throw unsupported(t.location, `integer ${t.value} is beyond 2^53 (numbers are IEEE doubles; exact integers up to 2^53)`);
        return { t: 'num', v };
      }
      case 'String':
        return { t: 'str', v: t.value };
    }
  }

  tryConst(t: PTerm): ConstValue | undefined {
    switch (t.type) {
      case 'Null':
      case 'Boolean':
      case 'Number':
      case 'String':
        return this.constOf(t);
      case 'Array':
      case 'Set': {
        const items: ConstValue[] = [];
        for (const i of t.items) {
          const c = this.tryConst(i);
          if (!c) return undefined;
          items.push(c);
        }
        return { t: t.type === 'Array' ? 'array' : 'set', items };
      }
      case 'Object': {
        const entries: [ConstValue, ConstValue][] = [];
        for (const e of t.entries) {
          const key = this.tryConst(e.key);
          const value = this.tryConst(e.value);
          if (!key || !value) return undefined;
          entries.push([key, value]);
        }
        return { t: 'object', entries };
      }
      default:
        return undefined;
    }
  }

  hostBuiltin(name: string): void {
    if (!this.hosts.includes(name)) this.hosts.push(name);
  }

  checkRegex(t: Extract<Term, { type: 'Call' }>): void {
    const pattern = t.args[0];
    if (pattern?.type === 'String' && !this.regexSupported(pattern.value))
      throw unsupported(pattern.location, `regular expression ${JSON.stringify(pattern.value)} uses syntax the built-in regex engine does not support`);
    if (pattern && pattern.type !== 'String')
      throw unsupported(t.location, 'regex.match with a pattern computed at run time (only constant patterns are checked for supported syntax)');
  }

  arityOf(name: string, operator: RefTerm): number | undefined {
    const path = staticPath(operator);
    if (path?.[0] === 'data') return this.program.groups.get(path.slice(1).join('/'))?.arity;
    return BUILTINS.get(name)?.arity;
  }

  /** The name of `group`'s function under `mocks` (the group's own name when there are none). */
  funcName(groupName: string, mocks: Mocks): string {
    const group = this.program.groups.get(groupName);
    if (!group) throw new Error(`planner: no group ${groupName}`);
    const key = mocks.size === 0 ? '' : `@${JSON.stringify([...mocks].sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    const name = group.name + key;
    if (!this.variants.has(name)) this.variants.set(name, { group, mocks });
    return name;
  }

  /** The key a `with` target replaces when it names a function or a built-in; undefined for input/data documents. */
  mockKey(path: readonly string[]): string | undefined {
    if (path[0] === 'input') return undefined;
    if (path[0] === 'data') {
      const g = this.program.groups.get(path.slice(1).join('/'));
      return g?.kind === 'function' ? `data:${g.name}` : undefined;
    }
    return BUILTINS.has(path.join('.')) ? path.join('.') : undefined;
  }

  /** What `with <target> as <value>` replaces the target with: a constant, a user function or a built-in. */
  mockOf(value: Term, key: string, location: Location): Mock {
    if (value.type === 'Var' || value.type === 'Ref') {
      const path = staticPath(value.type === 'Var' ? { type: 'Ref', head: value, path: [], location: value.location } : value);
      if (path?.[0] === 'data') {
        const g = this.program.groups.get(path.slice(1).join('/'));
        if (g?.kind === 'function') return { kind: 'func', group: g.name };
      } else if (path && BUILTINS.has(path.join('.'))) {
        const name = path.join('.');
        if (BUILTINS.get(name)?.impl === 'host') this.hostBuiltin(name);
        return { kind: 'builtin', name };
      }
    }
    const c = this.tryConst(value);
    if (c) return { kind: 'value', value: c };
    throw unsupported(
      location,
      `with replacing ${key.replace(/^data:/, 'data.').replace(/\//g, '.')} by a value computed at run time (only constants, functions and built-ins)`,
    );
  }

  /** `with data.<path>`: replacing a whole rule (or a subtree) is supported, part of a rule's value or a function is not. */
  checkDataOverride(path: readonly string[], location: Location): void {
    const key = path.join('/');
    for (const g of this.program.groups.values()) {
      if (key.startsWith(g.name + '/'))
        throw unsupported(location, `with data.${path.join('.')}: replacing part of rule ${g.name.replace(/\//g, '.')}'s value`);
      if (g.kind === 'function' && (g.name === key || g.name.startsWith(key + '/') || key === ''))
        throw unsupported(location, `with data.${path.join('.')} replaces function ${g.name.replace(/\//g, '.')}`);
    }
  }

  // ---------------------------------------------------------------- rule functions

  /** The function of a group (under `mocks`, a variant), planned on first use. */
  ruleFunc(group: RuleGroup, mocks: Mocks = NO_MOCKS): void {
    const name = this.funcName(group.name, mocks);
    if (this.funcs.has(name) || this.planning.has(name)) return;
    this.planning.add(name);
    const fp = new FuncPlanner(this, name);
    const params = Array.from({ length: group.arity }, () => fp.local());
    const result = fp.local();
    const scope: Scope = { vars: new Map(), ctx: 0, mocks };
    const body: Stmt[] = [];
    if (group.kind === 'partialSet') body.push({ op: 'MakeSet', dst: result });
    if (group.kind === 'partialObject') body.push({ op: 'MakeObject', dst: result });
    for (const def of group.definitions) body.push({ op: 'Block', body: this.definition(fp, group, def, params, result, scope) });
    if (group.defaultValue) {
      const c = this.tryConst(group.defaultValue);
      if (!c) throw unsupported(group.defaultValue.location, 'default value that is not a constant');
      body.push({
        op: 'Block',
        body: [
          { op: 'IsUndefined', src: result },
          { op: 'Assign', dst: result, src: { const: this.constant(c) } },
        ],
      });
    }
    this.funcs.set(name, {
      name,
      params,
      locals: fp.locals,
      contexts: fp.contexts,
      body,
      result,
      memoize: group.kind !== 'function',
      path: group.path,
    });
    this.planning.delete(name);
  }

  /** A Cover statement for `rule` (empty without coverage). */
  private cover(group: RuleGroup, rule: CheckedRule): Stmt[] {
    if (!this.coverage) return [];
    const id = this.coverage.length;
    this.coverage.push({ rule: group.name, file: rule.location.file, line: rule.location.line });
    return [{ op: 'Cover', id }];
  }

  private definition(fp: FuncPlanner, group: RuleGroup, def: CheckedRule, params: Local[], result: Local, scope: Scope): Stmt[] {
    // bind function arguments (patterns) to the params first
    const bindArgs = (i: number, s: Scope, k: Cont): Stmt[] => {
      const args = def.head.args ?? [];
      const a = args[i];
      if (!a) return k(s);
      return fp.unify(a, { type: '$Local', local: params[i] as Local, location: a.location }, s, (s2) => bindArgs(i + 1, s2, k));
    };
    switch (group.kind) {
      case 'partialSet': {
        const cover = this.cover(group, def);
        return fp.body(def.body, 0, scope, (s) =>
          fp.term(def.head.key ?? def.head.value ?? { type: 'Boolean', value: true, location: def.location }, s, (v) => [
            ...cover,
            { op: 'SetAdd', set: result, value: v },
          ]),
        );
      }
      case 'partialObject': {
        const cover = this.cover(group, def);
        return fp.body(def.body, 0, scope, (s) =>
          fp.term(def.head.key as Term, s, (key, s2) =>
            fp.term(def.head.value ?? { type: 'Boolean', value: true, location: def.location }, s2, (value) => [
              ...cover,
              { op: 'ObjectInsertOnce', object: result, key, value, conflict: CONFLICT_OBJECT },
            ]),
          ),
        );
      }
      case 'complete':
      case 'function': {
        // the definition's value (else chain: the first alternative whose body succeeds)
        const conflict = group.kind === 'function' ? CONFLICT_FUNCTION : CONFLICT_COMPLETE;
        const value = fp.local();
        const stmts: Stmt[] = [];
        let first = true;
        for (let r: CheckedRule | null = def; r; r = r.else) {
          const rule = r;
          const cover = this.cover(group, rule);
          const alt = bindArgs(0, scope, (s) =>
            fp.body(rule.body, 0, s, (s2) =>
              fp.term(rule.head.value ?? { type: 'Boolean', value: true, location: rule.location }, s2, (v) => [
                ...cover,
                { op: 'Assign', dst: value, src: v },
              ]),
            ),
          );
          stmts.push({ op: 'Block', body: first ? alt : [{ op: 'IsUndefined', src: value }, ...alt] });
          first = false;
        }
        stmts.push({
          op: 'Block',
          body: [
            { op: 'IsDefined', src: value },
            { op: 'SetOnce', dst: result, value: { local: value }, conflict },
          ],
        });
        return stmts;
      }
    }
  }

  /** The function building the document of a rule-tree node: base data there, overlaid with every rule below. */
  treeFunc(node: TreeNode, location: Location): string {
    const name = `$tree/${node.path.join('/')}`;
    if (this.funcs.has(name) || this.planning.has(name)) return name;
    this.planning.add(name);
    const fp = new FuncPlanner(this, name);
    const result = fp.local();
    const data = fp.local();
    const body: Stmt[] = [
      { op: 'MakeObject', dst: result },
      { op: 'Data', dst: data, ctx: 0 },
    ];
    // copy base data at the path (if it is an object)
    const base = fp.local();
    const copy: Stmt[] = [];
    let src: Operand = { local: data };
    for (const seg of node.path) {
      const next = fp.local();
      copy.push({ op: 'Dot', dst: next, src, key: { const: this.constant({ t: 'str', v: seg }) } });
      src = { local: next };
    }
    const k = fp.local();
    const v = fp.local();
    copy.push(
      { op: 'Assign', dst: base, src },
      { op: 'IsObject', src: { local: base } },
      { op: 'Scan', src: { local: base }, key: k, value: v, body: [{ op: 'ObjectInsert', object: result, key: { local: k }, value: { local: v } }] },
    );
    body.push({ op: 'Block', body: copy });
    for (const [seg, child] of node.children) {
      if (child.group?.kind === 'function') continue;
      const value = fp.local();
      const func = child.group ? child.group.name : this.treeFunc(child, location);
      if (child.group) this.ruleFunc(child.group);
      body.push({
        op: 'Block',
        body: [
          { op: 'CallFunc', dst: value, func, ctx: 0, args: [] },
          { op: 'ObjectInsert', object: result, key: { const: this.constant({ t: 'str', v: seg }) }, value: { local: value } },
        ],
      });
    }
    this.funcs.set(name, { name, params: [], locals: fp.locals, contexts: fp.contexts, body, result, memoize: true, path: node.path });
    this.planning.delete(name);
    return name;
  }

  /** Plans the groups reachable from the entrypoints (dependencies first). */
  planAll(entrypoints: readonly string[]): Plan {
    for (const e of entrypoints) {
      const group = this.program.groups.get(e);
      if (!group) {
        this.errors.push(new RegoCompileError('rego_compile_error', { file: '', line: 0, column: 0 }, `entrypoint ${e} does not name a rule`));
        continue;
      }
      try {
        this.ruleFunc(group);
      } catch (error) {
        if (error instanceof RegoCompileError) this.errors.push(error);
        else throw error;
      }
    }
    // dependencies: keep planning until every called function exists
    for (;;) {
      const missing = new Set<string>();
      for (const f of this.funcs.values()) collectCalls(f.body, missing);
      for (const name of this.funcs.keys()) missing.delete(name);
      if (missing.size === 0) break;
      for (const name of missing) {
        const variant = this.variants.get(name);
        if (!variant) throw new Error(`planner: no function ${name}`);
        try {
          this.ruleFunc(variant.group, variant.mocks);
        } catch (error) {
          if (error instanceof RegoCompileError) {
            this.errors.push(error);
            this.funcs.set(name, { name, params: [], locals: 0, contexts: 1, body: [], result: 0, memoize: false });
          } else throw error;
        }
      }
    }
    if (this.errors.length > 0) throw new RegoCompileErrors(this.errors);
    return {
      funcs: [...this.funcs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      constants: this.constants,
      entrypoints: entrypoints.map((name) => ({ name, func: name })),
      hostBuiltins: this.hosts,
      ...(this.coverage ? { coverage: this.coverage } : {}),
    };
  }
}

function collectCalls(stmts: readonly Stmt[], out: Set<string>): void {
  for (const s of stmts) {
    if (s.op === 'CallFunc') out.add(s.func);
    if (s.op === 'Scan' || s.op === 'Block' || s.op === 'Not') collectCalls(s.body, out);
  }
}

export interface PlanOptions {
  /** Rule groups to expose (`pkg/rule`); default every group that is not a function. */
  readonly entrypoints?: readonly string[];
  /** Compile-time check of constant regex.match patterns (the runtime engine's syntax). */
  readonly regexSupported?: (pattern: string) => boolean;
  /** Record which rule definitions produced a value (for `contracts policy test --coverage`). */
  readonly coverage?: boolean;
}

/** PLAN stage. Throws RegoCompileErrors (e.g. `unsupported` constructs). */
export function planProgram(program: Program, options: PlanOptions = {}): Plan {
  const entrypoints = options.entrypoints ?? [...program.groups.values()].filter((g) => g.kind !== 'function').map((g) => g.name);
  const planner = new Planner(program, options.regexSupported ?? (() => true), options.coverage === true);
  return planner.planAll(entrypoints);
}
