/**
 * CHECK: modules (parsed) -> Program. Groups rules by path, resolves names (rules of the
 * package, imports), checks functions and arities, recursion, and orders every body so each
 * variable is bound before use (OPA reorders body literals the same way), reporting unsafe
 * variables otherwise. Every problem is collected; the stage throws RegoCompileErrors once.
 */
import type { Body, Every, Expr, Location, Module, RefTerm, Rule, RuleHead, SomeIn, StringTerm, Term, VarTerm, With } from '../ast';
import { BUILTINS } from './builtins';
import { RegoCompileError, RegoCompileErrors, type CompileErrorCode } from './errors';
import type { CheckedRule, Program, RuleGroup } from './program';

const str = (value: string, location: Location): StringTerm => ({ type: 'String', value, raw: false, location });
const dataRef = (path: readonly string[], location: Location): RefTerm => ({
  type: 'Ref',
  head: { type: 'Var', name: 'data', location },
  path: path.map((p) => str(p, location)),
  location,
});

/** Segments of a ref whose head is a Var and whose path elements are strings; undefined otherwise. */
export function staticPath(ref: RefTerm): string[] | undefined {
  if (ref.head.type !== 'Var') return undefined;
  const out = [ref.head.name];
  for (const p of ref.path) {
    if (p.type !== 'String') return undefined;
    out.push(p.value);
  }
  return out;
}

/** Leading segments of a ref up to its first non-string path element (`data.a[x].b` -> data, a). */
export function staticPrefix(ref: RefTerm): string[] {
  if (ref.head.type !== 'Var') return [];
  const out = [ref.head.name];
  for (const p of ref.path) {
    if (p.type !== 'String') break;
    out.push(p.value);
  }
  return out;
}

interface PackageScope {
  readonly path: readonly string[];
  /** First head segment -> true for every rule name declared in the package (any module). */
  readonly ruleNames: ReadonlySet<string>;
}

interface ModuleScope {
  readonly pkg: PackageScope;
  /** Import alias -> the imported ref's segments (`["data", "lib"]`, `["input", "x"]`). */
  readonly imports: ReadonlyMap<string, readonly string[]>;
}

class Checker {
  readonly errors: RegoCompileError[] = [];
  private wildcard = 0;
  readonly groups = new Map<string, RuleGroup>();

  fail(code: CompileErrorCode, location: Location, detail: string): void {
    this.errors.push(new RegoCompileError(code, location, detail));
  }

  // ------------------------------------------------------------------ names

  /** Renames `_` to unique names and resolves rule / import references in `t` given the locals in scope. */
  resolveTerm(t: Term, scope: ModuleScope, locals: ReadonlySet<string>): Term {
    switch (t.type) {
      case 'Var':
        return this.resolveVar(t, scope, locals);
      case 'Ref': {
        const head = t.head.type === 'Var' ? this.resolveVar(t.head, scope, locals) : this.resolveTerm(t.head, scope, locals);
        const path = t.path.map((p) => this.resolveTerm(p, scope, locals));
        // a ref whose head resolved to another ref (rule or import): splice the paths
        if (head.type === 'Ref') return { ...t, head: head.head, path: [...head.path, ...path] };
        return { ...t, head, path };
      }
      case 'Array':
      case 'Set':
        return { ...t, items: t.items.map((i) => this.resolveTerm(i, scope, locals)) };
      case 'Object':
        return { ...t, entries: t.entries.map((e) => ({ key: this.resolveTerm(e.key, scope, locals), value: this.resolveTerm(e.value, scope, locals) })) };
      case 'ArrayComprehension':
      case 'SetComprehension': {
        const inner = this.bodyLocals(t.body, locals);
        const body = this.resolveBody(t.body, scope, inner);
        return { ...t, term: this.resolveTerm(t.term, scope, inner), body };
      }
      case 'ObjectComprehension': {
        const inner = this.bodyLocals(t.body, locals);
        const body = this.resolveBody(t.body, scope, inner);
        return { ...t, key: this.resolveTerm(t.key, scope, inner), value: this.resolveTerm(t.value, scope, inner), body };
      }
      case 'Call':
        return { ...t, operator: this.resolveOperator(t.operator, scope, locals), args: t.args.map((a) => this.resolveTerm(a, scope, locals)) };
      default:
        return t;
    }
  }

  private resolveVar(v: VarTerm, scope: ModuleScope, locals: ReadonlySet<string>): Term {
    if (v.name === '_') return { ...v, name: `$${this.wildcard++}` };
    if (v.name === 'input' || v.name === 'data' || locals.has(v.name)) return v;
    if (scope.pkg.ruleNames.has(v.name)) return dataRef([...scope.pkg.path, v.name], v.location);
    const imported = scope.imports.get(v.name);
    if (imported) {
      const [root, ...rest] = imported;
      return {
        type: 'Ref',
        head: { type: 'Var', name: root ?? 'data', location: v.location },
        path: rest.map((p) => str(p, v.location)),
        location: v.location,
      };
    }
    return v;
  }

  /** A call's operator: builtin names stay as they are; rule functions and imported ones become data refs. */
  private resolveOperator(op: RefTerm, scope: ModuleScope, locals: ReadonlySet<string>): RefTerm {
    const path = staticPath(op);
    if (!path) return op;
    const [head = ''] = path;
    if (head === 'data') return op;
    if (!locals.has(head) && scope.pkg.ruleNames.has(head)) return dataRef([...scope.pkg.path, ...path], op.location);
    const imported = scope.imports.get(head);
    if (imported && imported[0] === 'data') return dataRef([...imported.slice(1), ...path.slice(1)], op.location);
    return op;
  }

  /** Variables a body declares (they shadow rule names): `some x`, `x := ...`, `some .. in` patterns. */
  bodyLocals(body: Body, outer: ReadonlySet<string>): Set<string> {
    const out = new Set(outer);
    for (const lit of body) {
      const v = lit.value;
      if (v.type === 'SomeDecl') for (const x of v.vars) out.add(x.name);
      else if (v.type === 'SomeIn') {
        if (v.key) for (const x of termVars(v.key)) out.add(x);
        for (const x of termVars(v.value)) out.add(x);
      } else if (v.type === 'Call' && v.operator.head.type === 'Var' && v.operator.head.name === 'assign' && v.args[0]) {
        for (const x of termVars(v.args[0])) out.add(x);
      }
    }
    return out;
  }

  resolveBody(body: Body, scope: ModuleScope, locals: ReadonlySet<string>): Body {
    return body.map((lit) => this.resolveExpr(lit, scope, locals));
  }

  private resolveExpr(lit: Expr, scope: ModuleScope, locals: ReadonlySet<string>): Expr {
    const v = lit.value;
    let value: Expr['value'];
    if (v.type === 'SomeDecl') value = v;
    else if (v.type === 'SomeIn')
      value = {
        ...v,
        key: v.key ? this.resolveTerm(v.key, scope, locals) : null,
        value: this.resolveTerm(v.value, scope, locals),
        collection: this.resolveTerm(v.collection, scope, locals),
      } satisfies SomeIn;
    else if (v.type === 'Every') {
      const inner = new Set(locals);
      if (v.key) inner.add(v.key.name);
      inner.add(v.value.name);
      const bodyLocals = this.bodyLocals(v.body, inner);
      value = { ...v, domain: this.resolveTerm(v.domain, scope, locals), body: this.resolveBody(v.body, scope, bodyLocals) } satisfies Every;
    } else value = this.resolveTerm(v, scope, locals);
    const withs: With[] = lit.with.map((w) => {
      // a function target (`with f as g`) resolves like a call's operator; documents stay as written
      const targetRef: RefTerm = w.target.type === 'Var' ? { type: 'Ref', head: w.target, path: [], location: w.target.location } : w.target;
      const root = targetRef.head.type === 'Var' ? targetRef.head.name : '';
      const target = root === 'input' || root === 'data' ? w.target : this.resolveOperator(targetRef, scope, locals);
      const value =
        w.value.type === 'Var' && !locals.has(w.value.name)
          ? this.resolveOperator({ type: 'Ref', head: w.value, path: [], location: w.value.location }, scope, locals)
          : this.resolveTerm(w.value, scope, locals);
      return { ...w, target, value };
    });
    return { ...lit, value, with: withs };
  }

  // ------------------------------------------------------------------ rules

  collect(modules: readonly Module[]): Program {
    const packages: string[][] = [];
    const rulesByPackage = new Map<string, Set<string>>();
    for (const m of modules) {
      const pkg = staticPath(m.package.path)?.slice(1) ?? [];
      const key = pkg.join('/');
      if (!rulesByPackage.has(key)) {
        rulesByPackage.set(key, new Set());
        packages.push(pkg);
      }
      for (const r of m.rules) rulesByPackage.get(key)?.add(r.head.name);
    }
    FUNCTION_ARITY.clear();
    for (const m of modules) {
      const pkg = staticPath(m.package.path)?.slice(1) ?? [];
      for (const r of m.rules) if (r.head.kind === 'function') FUNCTION_ARITY.set([...pkg, r.head.name].join('.'), r.head.args?.length ?? 0);
    }
    const tests: { rule: Rule; scope: ModuleScope }[] = [];
    for (const m of modules) {
      const pkgPath = staticPath(m.package.path)?.slice(1) ?? [];
      const imports = new Map<string, string[]>();
      for (const imp of m.imports) {
        const path = staticPath(imp.path);
        if (!path) continue;
        const [root] = path;
        if (root === 'future' || root === 'rego') continue;
        const alias = imp.alias ?? path[path.length - 1] ?? '';
        imports.set(alias, path);
      }
      const scope: ModuleScope = { pkg: { path: pkgPath, ruleNames: rulesByPackage.get(pkgPath.join('/')) ?? new Set() }, imports };
      for (const rule of m.rules) tests.push({ rule, scope });
    }
    for (const { rule, scope } of tests) this.addRule(rule, scope);
    return { groups: this.groups, packages };
  }

  private addRule(rule: Rule, scope: ModuleScope): void {
    let head = rule.head;
    // `p[0] := 1`, `p[true] := 1`: a ground non-string last key makes a partial object (as OPA does)
    const lastTerm = head.ref.path[head.ref.path.length - 1];
    if (head.kind === 'complete' && lastTerm && lastTerm.type !== 'String') {
      head = { ...head, kind: 'partialObject', key: lastTerm };
      rule = { ...rule, head, else: null };
    }
    const refPath: string[] = [];
    const refTerms = head.ref.path;
    const last = head.kind === 'partialObject' ? refTerms.length - 1 : refTerms.length;
    for (let i = 0; i < last; i++) {
      const p = refTerms[i];
      if (p?.type !== 'String') {
        this.fail('unsupported', p?.location ?? head.location, 'rule heads with a variable or non-string key before the last path element are not supported');
        return;
      }
      refPath.push(p.value);
    }
    const path = [...scope.pkg.path, head.name, ...refPath];
    const name = path.join('/');
    const arity = head.args?.length ?? 0;
    let group = this.groups.get(name);
    if (!group) {
      group = { path, name, kind: head.kind, arity, definitions: [], defaultValue: null, location: rule.location };
      this.groups.set(name, group);
    } else if (group.kind !== head.kind || group.arity !== arity) {
      this.fail('rego_type_error', rule.location, `conflicting rules data.${path.join('.')} found (${group.kind}/${group.arity} and ${head.kind}/${arity})`);
      return;
    }
    if (rule.default) {
      if (group.defaultValue) this.fail('rego_type_error', rule.location, `multiple default rules data.${path.join('.')} found`);
      group.defaultValue = head.value;
      return;
    }
    group.definitions.push(this.checkRule(rule, scope, head));
  }

  private checkRule(rule: Rule, scope: ModuleScope, head: RuleHead = rule.head): CheckedRule {
    // locals of the rule: function args and every var the body uses (they shadow rule names)
    const argVars = new Set<string>();
    for (const a of head.args ?? []) for (const v of termVars(a)) argVars.add(v);
    const declared = this.bodyLocals(rule.body, argVars);
    const used = new Set(declared);
    for (const lit of rule.body)
      for (const v of exprVarsShallow(lit)) if ((!scope.pkg.ruleNames.has(v) && !scope.imports.has(v)) || declared.has(v)) used.add(v);
    const bodyResolved = this.resolveBody(rule.body, scope, used);
    const resolvedHead: RuleHead = {
      ...head,
      args: head.args ? head.args.map((a) => this.resolveTerm(a, scope, used)) : null,
      key: head.key ? this.resolveTerm(head.key, scope, used) : null,
      value: head.value ? this.resolveTerm(head.value, scope, used) : null,
      ref: head.kind === 'partialObject' ? { ...head.ref, path: head.ref.path.map((p) => this.resolveTerm(p, scope, used)) } : head.ref,
    };
    const bound = new Set<string>();
    for (const a of resolvedHead.args ?? []) for (const v of termVars(a)) bound.add(v);
    const body = this.order(bodyResolved, bound);
    // head safety: vars of key/value must be bound by args or body
    const boundAfter = new Set(bound);
    for (const lit of body) for (const v of exprVarsShallow(lit)) boundAfter.add(v);
    for (const t of [resolvedHead.key, resolvedHead.value]) {
      if (!t) continue;
      for (const v of termVars(t)) if (!boundAfter.has(v)) this.fail('rego_unsafe_var_error', t.location, `var ${v} is unsafe`);
    }
    const elseRule = rule.else ? this.checkRule({ ...rule.else, head: { ...rule.else.head, args: head.args } }, scope) : null;
    return { location: rule.location, head: resolvedHead, body, else: elseRule };
  }

  // ------------------------------------------------------------------ safety

  /**
   * Orders `body` so each literal runs once the variables it needs are bound (stable: the
   * first runnable literal goes first). Reports the variables of literals that never become
   * runnable as unsafe.
   */
  order(body: Body, bound: ReadonlySet<string>): Body {
    const outer = new Set<string>();
    const counts = new Map<string, number>();
    for (const lit of body) {
      // `x := ...` declares x for the literals after it; a comprehension's own x is another var
      const declared = isAssign(lit) && lit.value.type === 'Call' && lit.value.args[0] ? termVars(lit.value.args[0]) : new Set<string>();
      for (const v of exprVarsShallow(lit)) if (!declared.has(v)) outer.add(v);
      for (const v of exprVarsDeep(lit)) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    for (const v of bound) outer.add(v);
    // vars of more than one literal (or bound outside): a negated literal must wait for them
    const shared = new Set([...counts].filter(([v, n]) => n > 1 || bound.has(v)).map(([v]) => v));
    const pending = [...body];
    const out: Expr[] = [];
    const b = new Set(bound);
    while (pending.length > 0) {
      const i = pending.findIndex((lit) => needs(lit, b, outer, shared).size === 0);
      if (i < 0) {
        for (const lit of pending) {
          const missing = [...needs(lit, b, outer, shared)].filter((v) => !v.startsWith('$'));
          for (const v of missing.length > 0 ? missing : [...needs(lit, b, outer, shared)])
            this.fail('rego_unsafe_var_error', lit.location, `var ${v.startsWith('$') ? '_' : v} is unsafe`);
        }
        return [...out, ...pending];
      }
      const [lit] = pending.splice(i, 1) as [Expr];
      out.push(this.orderNested(lit, b));
      for (const v of binds(lit)) b.add(v);
    }
    return out;
  }

  /** Orders the bodies nested in a literal (comprehensions, every, not) with the variables bound so far. */
  private orderNested(lit: Expr, bound: ReadonlySet<string>): Expr {
    const v = lit.value;
    if (v.type === 'Every') {
      const inner = new Set(bound);
      if (v.key) inner.add(v.key.name);
      inner.add(v.value.name);
      return { ...lit, value: { ...v, body: this.order(v.body, inner) } };
    }
    if (v.type === 'SomeDecl') return lit;
    if (v.type === 'SomeIn') return { ...lit, value: { ...v, collection: this.orderTerm(v.collection, bound) } };
    return { ...lit, value: this.orderTerm(v, bound) };
  }

  private orderTerm(t: Term, bound: ReadonlySet<string>): Term {
    switch (t.type) {
      case 'ArrayComprehension':
      case 'SetComprehension':
        return { ...t, body: this.order(t.body, bound) };
      case 'ObjectComprehension':
        return { ...t, body: this.order(t.body, bound) };
      case 'Ref':
        return { ...t, head: this.orderTerm(t.head, bound), path: t.path.map((p) => this.orderTerm(p, bound)) };
      case 'Array':
      case 'Set':
        return { ...t, items: t.items.map((i) => this.orderTerm(i, bound)) };
      case 'Object':
        return { ...t, entries: t.entries.map((e) => ({ key: this.orderTerm(e.key, bound), value: this.orderTerm(e.value, bound) })) };
      case 'Call':
        return { ...t, args: t.args.map((a) => this.orderTerm(a, bound)) };
      default:
        return t;
    }
  }

  // ------------------------------------------------------------------ calls, recursion

  /** Unknown functions, arities; dependency graph for recursion. */
  checkCalls(program: Program): void {
    const deps = new Map<string, Set<string>>();
    const groupAt = (path: readonly string[]): RuleGroup | undefined => {
      // the longest rule path that prefixes `path`
      for (let n = path.length; n > 0; n--) {
        const g = program.groups.get(path.slice(0, n).join('/'));
        if (g) return g;
      }
      return undefined;
    };
    const visitTerm = (t: Term, from: string, literal: boolean): void => {
      switch (t.type) {
        case 'Ref': {
          const path = staticPrefix(t);
          if (path[0] === 'data') {
            const rest = path.slice(1);
            const g = groupAt(rest);
            if (g) deps.get(from)?.add(g.name);
            // refs that stop above rule paths depend on every rule below them
            else if (rest.length === path.length - 1)
              for (const [name] of program.groups) if (name.startsWith(rest.join('/') + '/') || rest.length === 0) deps.get(from)?.add(name);
          }
          visitTerm(t.head, from, false);
          for (const p of t.path) visitTerm(p, from, false);
          return;
        }
        case 'Call': {
          const path = staticPath(t.operator);
          const name = path?.join('.') ?? '';
          if (path?.[0] === 'data') {
            const g = program.groups.get(path.slice(1).join('/'));
            if (!g || g.kind !== 'function') this.fail('rego_type_error', t.location, `undefined function ${name}`);
            else {
              deps.get(from)?.add(g.name);
              if (t.args.length !== g.arity && !(literal && t.args.length === g.arity + 1))
                this.fail('rego_type_error', t.location, `function ${name} has arity ${g.arity}, got ${t.args.length} arguments`);
            }
          } else if (name === 'assign' || name === 'eq') {
            // literal-level operators
          } else {
            const spec = BUILTINS.get(name);
            if (!spec)
              this.fail(
                KNOWN_OPA_BUILTIN.test(name) ? 'unsupported' : 'rego_type_error',
                t.location,
                KNOWN_OPA_BUILTIN.test(name) ? `unsupported built-in ${name}` : `undefined function ${name}`,
              );
            else if (t.args.length !== spec.arity && !(literal && t.args.length === spec.arity + 1))
              this.fail('rego_type_error', t.location, `${name}: arity mismatch: expected ${spec.arity} arguments, got ${t.args.length}`);
          }
          for (const a of t.args) visitTerm(a, from, false);
          return;
        }
        case 'Array':
        case 'Set':
          for (const i of t.items) visitTerm(i, from, false);
          return;
        case 'Object':
          for (const e of t.entries) {
            visitTerm(e.key, from, false);
            visitTerm(e.value, from, false);
          }
          return;
        case 'ArrayComprehension':
        case 'SetComprehension':
          visitTerm(t.term, from, false);
          visitBody(t.body, from);
          return;
        case 'ObjectComprehension':
          visitTerm(t.key, from, false);
          visitTerm(t.value, from, false);
          visitBody(t.body, from);
          return;
        default:
          return;
      }
    };
    const visitBody = (body: Body, from: string): void => {
      for (const lit of body) {
        const v = lit.value;
        if (v.type === 'SomeDecl') continue;
        if (v.type === 'SomeIn') {
          if (v.key) visitTerm(v.key, from, false);
          visitTerm(v.value, from, false);
          visitTerm(v.collection, from, false);
        } else if (v.type === 'Every') {
          visitTerm(v.domain, from, false);
          visitBody(v.body, from);
        } else visitTerm(v, from, true);
        for (const w of lit.with) if (isDocumentTarget(w)) visitTerm(w.value, from, false);
      }
    };
    for (const g of program.groups.values()) {
      deps.set(g.name, new Set());
      const visitRule = (r: CheckedRule): void => {
        for (const t of [r.head.key, r.head.value, ...(r.head.args ?? [])]) if (t) visitTerm(t, g.name, false);
        visitBody(r.body, g.name);
        if (r.else) visitRule(r.else);
      };
      for (const r of g.definitions) visitRule(r);
    }
    // cycles (depth-first, report each cycle once at its first rule)
    const state = new Map<string, 'active' | 'done'>();
    const stack: string[] = [];
    const walk = (name: string): void => {
      state.set(name, 'active');
      stack.push(name);
      for (const next of deps.get(name) ?? []) {
        const s = state.get(next);
        if (s === 'active') {
          const cycle = [...stack.slice(stack.indexOf(next)), next];
          const g = program.groups.get(next);
          this.fail(
            'rego_recursion_error',
            g?.location ?? { file: '', line: 0, column: 0 },
            `rule data.${next.replace(/\//g, '.')} is recursive: ${cycle.map((c) => c.split('/').pop()).join(' -> ')}`,
          );
        } else if (s === undefined) walk(next);
      }
      stack.pop();
      state.set(name, 'done');
    };
    for (const name of deps.keys()) if (!state.has(name)) walk(name);
  }
}

/** OPA built-in namespaces and names we know exist (to say "unsupported" rather than "undefined"). */
const KNOWN_OPA_BUILTIN =
  /^(aws|base64|base64url|bits|crypto|glob|graph|graphql|hex|http|io|json|jwt|net|object|opa|providers|rand|regex|rego|semver|strings|time|units|urlquery|uuid|yaml|array|numbers)\.|^(all|any|cast_\w+|trace|print|walk|to_number|set_diff|sprintf|concat|split|replace|strings|re_match|units|net|uuid|time|json|base64|object|array|sum|max|min|product|count|sort|union|intersection|abs|round|ceil|floor|startswith|endswith|contains|indexof|indexof_n|lower|upper|trim\w*|substring|format_int|is_\w+|type_name|regex|glob)$/;

// -------------------------------------------------------------------- variable analysis

/** Variables of a term, including those in refs and nested collections, excluding comprehension bodies' locals. */
export function termVars(t: Term, out: Set<string> = new Set()): Set<string> {
  switch (t.type) {
    case 'Var':
      if (t.name !== 'input' && t.name !== 'data') out.add(t.name);
      break;
    case 'Ref':
      termVars(t.head, out);
      for (const p of t.path) termVars(p, out);
      break;
    case 'Array':
    case 'Set':
      for (const i of t.items) termVars(i, out);
      break;
    case 'Object':
      for (const e of t.entries) {
        termVars(e.key, out);
        termVars(e.value, out);
      }
      break;
    case 'Call':
      for (const a of t.args) termVars(a, out);
      break;
    default:
      break;
  }
  return out;
}

/** Variables of a literal including those of nested bodies (comprehensions, every). */
function exprVarsDeep(lit: Expr): Set<string> {
  const out = exprVarsShallow(lit);
  const visit = (t: Term): void => {
    switch (t.type) {
      case 'ArrayComprehension':
      case 'SetComprehension':
        termVars(t.term, out);
        visit(t.term);
        for (const l of t.body) for (const v of exprVarsDeep(l)) out.add(v);
        return;
      case 'ObjectComprehension':
        termVars(t.key, out);
        termVars(t.value, out);
        for (const l of t.body) for (const v of exprVarsDeep(l)) out.add(v);
        return;
      case 'Ref':
        visit(t.head);
        t.path.forEach(visit);
        return;
      case 'Array':
      case 'Set':
        t.items.forEach(visit);
        return;
      case 'Object':
        for (const e of t.entries) {
          visit(e.key);
          visit(e.value);
        }
        return;
      case 'Call':
        t.args.forEach(visit);
        return;
      default:
        return;
    }
  };
  const v = lit.value;
  if (v.type === 'Every') for (const l of v.body) for (const x of exprVarsDeep(l)) out.add(x);
  else if (v.type === 'SomeIn') visit(v.collection);
  else if (v.type !== 'SomeDecl') visit(v);
  return out;
}

/** `with input...` / `with data...` (function replacements are reported as unsupported). */
function isDocumentTarget(w: With): boolean {
  if (w.target.type === 'Var') return w.target.name === 'input' || w.target.name === 'data';
  const path = staticPath(w.target);
  if (path?.[0] === 'data' && FUNCTION_ARITY.has(path.slice(1).join('.'))) return false;
  return path?.[0] === 'input' || path?.[0] === 'data';
}

/** Variables of a literal outside nested bodies. */
function exprVarsShallow(lit: Expr): Set<string> {
  const v = lit.value;
  const out = new Set<string>();
  if (v.type === 'SomeDecl') return out;
  if (v.type === 'SomeIn') {
    if (v.key) termVars(v.key, out);
    termVars(v.value, out);
    termVars(v.collection, out);
  } else if (v.type === 'Every') termVars(v.domain, out);
  else termVars(v, out);
  for (const w of lit.with) if (isDocumentTarget(w)) termVars(w.value, out);
  return out;
}

/** Variables a comprehension (or every body) uses that belong to the enclosing body. */
function closureVars(body: Body, terms: Term[], outer: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const all = new Set<string>();
  for (const t of terms) termVars(t, all);
  for (const lit of body) for (const v of exprVarsShallow(lit)) all.add(v);
  for (const lit of body) for (const v of nestedClosure(lit, outer)) all.add(v);
  for (const v of all) if (outer.has(v)) out.add(v);
  return out;
}

function nestedClosure(lit: Expr, outer: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const v = lit.value;
  if (v.type === 'Every') for (const x of closureVars(v.body, [], outer)) out.add(x);
  return out;
}

/**
 * Vars `t` needs bound to be evaluated; `outputs` collects vars it binds by iteration (unbound
 * plain vars in ref path positions).
 */
function termNeeds(t: Term, bound: ReadonlySet<string>, outer: ReadonlySet<string>, need: Set<string>, outputs: Set<string>): void {
  switch (t.type) {
    case 'Var':
      if (t.name !== 'input' && t.name !== 'data' && !bound.has(t.name)) need.add(t.name);
      return;
    case 'Ref':
      termNeeds(t.head, bound, outer, need, outputs);
      for (const p of t.path) {
        if (p.type === 'Var' && !bound.has(p.name)) outputs.add(p.name);
        else termNeeds(p, new Set([...bound, ...outputs]), outer, need, outputs);
      }
      return;
    case 'Array':
    case 'Set':
      for (const i of t.items) termNeeds(i, bound, outer, need, outputs);
      return;
    case 'Object':
      for (const e of t.entries) {
        termNeeds(e.key, bound, outer, need, outputs);
        termNeeds(e.value, bound, outer, need, outputs);
      }
      return;
    case 'Call':
      for (const a of t.args) termNeeds(a, bound, outer, need, outputs);
      return;
    case 'ArrayComprehension':
    case 'SetComprehension':
      for (const v of closureVars(t.body, [t.term], outer)) if (!bound.has(v)) need.add(v);
      return;
    case 'ObjectComprehension':
      for (const v of closureVars(t.body, [t.key, t.value], outer)) if (!bound.has(v)) need.add(v);
      return;
    default:
      return;
  }
}

/** A pattern: only vars, scalars and collections of patterns (unification can bind its vars). */
function isPattern(t: Term): boolean {
  switch (t.type) {
    case 'Var':
    case 'Null':
    case 'Boolean':
    case 'Number':
    case 'String':
      return true;
    case 'Array':
      return t.items.every(isPattern);
    case 'Object':
      return t.entries.every((e) => e.key.type !== 'Var' && isPattern(e.value));
    default:
      return false;
  }
}

function evaluable(t: Term, bound: ReadonlySet<string>, outer: ReadonlySet<string>): { ok: boolean; outputs: Set<string>; need: Set<string> } {
  const need = new Set<string>();
  const outputs = new Set<string>();
  termNeeds(t, bound, outer, need, outputs);
  for (const o of outputs) need.delete(o);
  return { ok: need.size === 0, outputs, need };
}

function callName(t: Term): string | undefined {
  return t.type === 'Call' ? staticPath(t.operator)?.join('.') : undefined;
}

/** Vars still unbound that keep `lit` from running now (empty = runnable). */
function needs(lit: Expr, bound: ReadonlySet<string>, outer: ReadonlySet<string>, shared: ReadonlySet<string> = outer): Set<string> {
  const v = lit.value;
  const withNeed = new Set<string>();
  for (const w of lit.with) if (isDocumentTarget(w)) for (const x of evaluable(w.value, bound, outer).need) withNeed.add(x);
  if (withNeed.size > 0) return withNeed;
  if (v.type === 'SomeDecl') return new Set();
  if (v.type === 'SomeIn') return evaluable(v.collection, bound, outer).need;
  if (v.type === 'Every') {
    const need = evaluable(v.domain, bound, outer).need;
    return need;
  }
  if (lit.negated) {
    // a negated literal cannot bind: its vars must be bound, except those local to it
    const e = evaluable(v, bound, outer);
    const need = new Set<string>();
    for (const x of [...e.need, ...e.outputs]) if (shared.has(x) && !bound.has(x)) need.add(x);
    return need;
  }
  const name = callName(v);
  if ((name === 'eq' || name === 'assign') && v.type === 'Call' && v.args.length === 2) {
    const [a, b] = v.args as [Term, Term];
    const ea = evaluable(a, bound, outer);
    const eb = evaluable(b, bound, outer);
    if (ea.ok && (eb.ok || isPattern(b))) return new Set();
    if (eb.ok && isPattern(a)) return new Set();
    if (ea.ok) return eb.need;
    if (eb.ok) return ea.need;
    // both sides have unbound vars: runnable only as element-wise patterns of arrays
    if (a.type === 'Array' && b.type === 'Array' && a.items.length === b.items.length) {
      const need = new Set<string>();
      let pending = new Set(bound);
      for (let i = 0; i < a.items.length; i++) {
        const sub = needs({ ...lit, value: { ...v, args: [a.items[i] as Term, b.items[i] as Term] } }, pending, outer, shared);
        if (sub.size > 0) for (const x of sub) need.add(x);
        pending = new Set([...pending, ...termVars(a.items[i] as Term), ...termVars(b.items[i] as Term)]);
      }
      return need;
    }
    return new Set([...ea.need, ...eb.need]);
  }
  if (v.type === 'Call' && name !== undefined) {
    // output form f(a, b, out): the last argument may be unbound
    const arity = name.startsWith('data.') ? FUNCTION_ARITY.get(name.slice(5)) : BUILTINS.get(name)?.arity;
    // an unknown function is reported by checkCalls; do not also call its output unsafe
    if (arity === undefined) return new Set();
    const outputArg = v.args.length === arity + 1;
    const args = outputArg ? v.args.slice(0, -1) : v.args;
    const need = new Set<string>();
    for (const a of args) for (const x of evaluable(a, bound, outer).need) need.add(x);
    if (outputArg) {
      const last = v.args[v.args.length - 1] as Term;
      if (!isPattern(last)) for (const x of evaluable(last, bound, outer).need) need.add(x);
    }
    return need;
  }
  return evaluable(v, bound, outer).need;
}

/** Arity of every user function by dotted path under data (`pkg.f`), set by `collect` before ordering. */
const FUNCTION_ARITY = new Map<string, number>();

function isAssign(lit: Expr): boolean {
  return lit.value.type === 'Call' && callName(lit.value) === 'assign';
}

/** Vars a literal binds once it ran. */
function binds(lit: Expr): Set<string> {
  if (lit.negated) return new Set();
  const v = lit.value;
  if (v.type === 'SomeDecl') return new Set();
  if (v.type === 'Every') return new Set();
  return exprVarsShallow(lit);
}

// -------------------------------------------------------------------- entry

/** CHECK stage. Throws RegoCompileErrors listing every problem. */
export function checkModules(modules: readonly Module[]): Program {
  const checker = new Checker();
  const program = checker.collect(modules);
  checker.checkCalls(program);
  if (checker.errors.length > 0) {
    const sorted = [...checker.errors].sort(
      (a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column,
    );
    throw new RegoCompileErrors(sorted);
  }
  return program;
}
