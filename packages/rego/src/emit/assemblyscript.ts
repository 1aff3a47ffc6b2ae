/**
 * EMIT (first half): Plan -> the AssemblyScript source of one policy (`policy.ts`), compiled
 * together with the runtime written once (packages/rego/runtime) into an OPA-ABI module.
 *
 * Statement lists become nested code: a statement that can fail guards the rest of its list
 * (`if (l3 !== null) { ...rest }`), Scan is a loop around its body, Not is a flag set at the end
 * of its body. Every value local is `Value | null` (null = undefined); functions take the
 * evaluation context first. Pure function of the plan: same plan, same text.
 */
import { BUILTINS } from '../check/builtins';
import type { ConstValue, Func, Operand, Plan, Stmt } from '../plan/ir';

const RUNTIME_IMPORTS = [
  'Value',
  'Arr',
  'Obj',
  'SetV',
  'mkNull',
  'mkBool',
  'mkNum',
  'mkStr',
  'mkArr',
  'mkObj',
  'mkSet',
  'dot',
  'len',
  'keyAt',
  'valAt',
  'equal',
  'BOOL',
  'ARRAY',
  'OBJECT',
  'Bool',
];

/** AssemblyScript identifier of a built-in's native implementation (runtime/builtins.ts). */
export function builtinIdentifier(name: string): string {
  return `bi_${name.replace(/\./g, '_')}`;
}

/** With coverage on, this extra entrypoint answers the Cover ids hit so far (Plan.coverage indexes them). */
export const COVERAGE_ENTRYPOINT = '$coverage';

/** Built-ins implemented in the generated support code rather than the runtime. */
const SUPPORT_BUILTINS = new Set(['internal.member_2', 'internal.member_3']);

const SUPPORT = `
class Ctx {
  input: Value | null;
  data: Value;
  /**
   * Values computed once per context: rules without arguments (slots 0 .. FUNCS-1), then constant
   * paths into input and data (slots FUNCS ..). null: not computed yet; UNDEF: undefined.
   */
  memo: StaticArray<Value | null>;
  /** Data paths replaced by \`with\` (function ids that answer from data), or null. */
  overridden: Array<bool> | null;
  constructor(input: Value | null, data: Value, overridden: Array<bool> | null) {
    this.input = input;
    this.data = data;
    this.memo = new StaticArray<Value | null>(MEMO_SLOTS);
    this.overridden = overridden;
  }
}

/** Marks an undefined value in Ctx.memo (an object never handed out, compared by identity). */
const UNDEF: Value = mkArr();

/** Ctx.memo slot i: null when not computed yet, else the value (null for undefined, as v). */
// @ts-ignore: decorator
@inline function memoGet(x: Ctx, i: i32): Value | null {
  return unchecked(x.memo[i]);
}

/** Stores v (null: undefined) in Ctx.memo slot i; returns v. */
// @ts-ignore: decorator
@inline function memoSet(x: Ctx, i: i32, v: Value | null): Value | null {
  unchecked((x.memo[i] = v === null ? UNDEF : v));
  return v;
}

function coveredIds(): Value {
  const out = mkArr();
  for (let i = 0; i < COVERED.length; i++) if (COVERED[i]) out.push(mkNum(<f64>i));
  return out;
}

function kindIn(v: Value, mask: i32): bool {
  return ((1 << v.kind) & mask) != 0;
}

function truthy(v: Value): bool {
  return v.kind != BOOL || changetype<Bool>(v).value;
}

function bi_internal_member_2(x: Value, c: Value): Value | null {
  const n = len(c);
  for (let i = 0; i < n; i++) if (equal(valAt(c, i), x)) return mkBool(true);
  return mkBool(false);
}

function bi_internal_member_3(k: Value, v: Value, c: Value): Value | null {
  const n = len(c);
  for (let i = 0; i < n; i++) if (equal(keyAt(c, i), k) && equal(valAt(c, i), v)) return mkBool(true);
  return mkBool(false);
}

/** doc with path[i..] set to v: objects along the path are copied, missing ones created. */
function upsert(doc: Value | null, path: Array<string>, i: i32, v: Value): Value {
  if (i == path.length) return v;
  const out = mkObj();
  let child: Value | null = null;
  const key = mkStr(path[i]);
  if (doc !== null && doc.kind == OBJECT) {
    const n = len(doc);
    for (let j = 0; j < n; j++) out.set(keyAt(doc, j), valAt(doc, j));
    child = dot(doc, key);
  }
  out.set(key, upsert(child, path, i + 1, v));
  return out;
}

function lookup(doc: Value, path: Array<string>): Value | null {
  let cur: Value | null = doc;
  for (let i = 0; i < path.length && cur !== null; i++) cur = dot(cur!, mkStr(path[i]));
  return cur;
}

function withInput(base: Ctx, path: Array<string>, v: Value): Ctx {
  return new Ctx(upsert(base.input, path, 0, v), base.data, base.overridden);
}

function withData(base: Ctx, path: Array<string>, v: Value, covered: Array<i32>): Ctx {
  let overridden = new Array<bool>(FUNCS);
  const prev = base.overridden;
  if (prev !== null) for (let i = 0; i < FUNCS; i++) overridden[i] = prev[i];
  for (let i = 0; i < covered.length; i++) overridden[covered[i]] = true;
  return new Ctx(base.input, upsert(base.data, path, 0, v), overridden);
}
`;

type DotStmt = Extract<Stmt, { op: 'Dot' }>;

/** The locals a statement assigns or mutates in place. */
function writtenLocals(s: Stmt): number[] {
  switch (s.op) {
    case 'Assign':
    case 'Input':
    case 'Data':
    case 'Dot':
    case 'CallBuiltin':
    case 'CallFunc':
    case 'MakeArray':
    case 'MakeObject':
    case 'MakeSet':
    case 'SetOnce':
      return [s.dst];
    case 'Scan':
      return [s.key, s.value];
    case 'ArrayAppend':
      return [s.array];
    case 'SetAdd':
      return [s.set];
    case 'ObjectInsert':
    case 'ObjectInsertOnce':
      return [s.object];
    default:
      return [];
  }
}

/**
 * Constant paths into input or data (`input.intent.instrument.symbol`). Rule bodies read the same
 * paths over and over; each one becomes a generated function `q<id>(ctx)` that looks it up once
 * per evaluation context (Ctx.memo slot FUNCS + id) instead of repeating the object lookups.
 *
 * A Dot qualifies when its key is a constant and its source local is assigned exactly once in the
 * function, by Input or Data of the caller's context x0 or by a qualifying Dot. x0 is never
 * reassigned (`with` makes new context locals) and nothing writes into input or data, so the
 * memoized value is the one the Dot would compute.
 */
class ConstPaths {
  private readonly ids = new Map<string, number>();
  /** Rego text of each path, by id (for comments). */
  private readonly texts: string[] = [];
  /** Generated q<id> functions. */
  readonly decls: string[] = [];
  /** Locals of the current function written by exactly one statement: that statement. */
  private defs = new Map<number, Stmt>();
  private x0Reassigned = false;

  constructor(private readonly constants: readonly ConstValue[]) {}

  get size(): number {
    return this.ids.size;
  }

  /** Starts a function: records which locals have a single definition. */
  enter(f: Func): void {
    const count = new Map<number, number>();
    const defs = new Map<number, Stmt>();
    this.x0Reassigned = false;
    for (const p of f.params) count.set(p, 1);
    const visit = (stmts: readonly Stmt[]): void => {
      for (const s of stmts) {
        for (const l of writtenLocals(s)) {
          count.set(l, (count.get(l) ?? 0) + 1);
          defs.set(l, s);
        }
        if (s.op === 'WithContext' && s.dst === 0) this.x0Reassigned = true;
        if (s.op === 'Scan' || s.op === 'Block' || s.op === 'Not') visit(s.body);
      }
    };
    visit(f.body);
    this.defs = new Map([...defs].filter(([l]) => count.get(l) === 1));
  }

  /** The memoizing call computing Dot s (`q3(x0)`), or undefined when s is not a constant path. */
  call(s: DotStmt): string | undefined {
    const id = this.pathId(s);
    return id === undefined ? undefined : `q${id}(x0)`;
  }

  /** Path id of Dot s (registering its function), or undefined. */
  private pathId(s: DotStmt): number | undefined {
    if (!('const' in s.key) || !('local' in s.src)) return undefined;
    const src = this.defs.get(s.src.local);
    if (!src || this.x0Reassigned) return undefined;
    let parent: { key: string; expr: string; text: string };
    if ((src.op === 'Input' || src.op === 'Data') && src.ctx === 0) {
      const root = src.op === 'Input' ? 'input' : 'data';
      parent = { key: root, expr: `x.${root}`, text: root };
    } else if (src.op === 'Dot') {
      const id = this.pathId(src);
      if (id === undefined) return undefined;
      parent = { key: `${id}`, expr: `q${id}(x)`, text: this.texts[id] ?? '' };
    } else {
      return undefined;
    }
    const key = `${parent.key}/${s.key.const}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      const c = this.constants[s.key.const];
      const text = parent.text + (c?.t === 'str' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.v) ? `.${c.v}` : `[K${s.key.const}]`);
      this.texts.push(text);
      // the memo check is inlined at each use, the lookup is not
      this.decls.push(
        `// ${text}`,
        `// @ts-ignore: decorator`,
        `@inline function q${id}(x: Ctx): Value | null {`,
        `  const m = memoGet(x, FUNCS + ${id});`,
        `  return m !== null ? (m === UNDEF ? null : m) : q${id}_lookup(x);`,
        `}`,
        `function q${id}_lookup(x: Ctx): Value | null {`,
        `  const p: Value | null = ${parent.expr};`,
        `  return memoSet(x, FUNCS + ${id}, p === null ? null : dot(p!, K${s.key.const}));`,
        `}`,
        '',
      );
    }
    return id;
  }
}

class Emitter {
  private readonly out: string[] = [];
  private readonly funcIndex = new Map<string, number>();
  private readonly pathConsts = new Map<string, string>();
  private readonly paths: ConstPaths;
  private uid = 0;

  constructor(
    private readonly plan: Plan,
    private readonly options: EmitOptions,
  ) {
    plan.funcs.forEach((f, i) => this.funcIndex.set(f.name, i));
    this.paths = new ConstPaths(plan.constants);
  }

  private line(indent: number, text: string): void {
    this.out.push('  '.repeat(indent) + text);
  }

  private fn(name: string): string {
    const i = this.funcIndex.get(name);
    if (i === undefined) throw new Error(`emit: no function ${name}`);
    return `f${i}`;
  }

  /** A module-level Array<string> constant for a path (shared by identical paths). */
  private pathConst(path: readonly string[]): string {
    const key = JSON.stringify(path);
    let name = this.pathConsts.get(key);
    if (!name) {
      name = `P${this.pathConsts.size}`;
      this.pathConsts.set(key, name);
    }
    return name;
  }

  private operand(op: Operand): string {
    return 'local' in op ? `l${op.local}!` : `K${op.const}`;
  }

  emit(): string {
    const { plan } = this;
    plan.funcs.forEach((f) => this.func(f));
    const head = [
      '// Generated by @dynamic-capital/contracts-rego from Rego sources: do not edit.',
      `import { ${RUNTIME_IMPORTS.join(', ')} } from './value';`,
      `import { ${[...new Set(this.nativeBuiltins())].map(builtinIdentifier).join(', ') || 'bi_count'} } from './builtins';`,
      `import { internStrings } from './json';`,
      `import { abortWith, ${plan.hostBuiltins.length > 0 ? 'callHost0, callHost1, callHost2, callHost3, callHost4' : 'callHost0'} } from './abi';`,
      '',
      `export const ENTRYPOINTS_JSON: string = ${JSON.stringify(JSON.stringify(Object.fromEntries([...plan.entrypoints.map((e, i): [string, number] => [e.name, i]), ...(plan.coverage ? [[COVERAGE_ENTRYPOINT, plan.entrypoints.length] as [string, number]] : [])])))};`,
      `export const BUILTINS_JSON: string = ${JSON.stringify(JSON.stringify(Object.fromEntries(plan.hostBuiltins.map((b, i) => [b, i]))))};`,
      `const FUNCS: i32 = ${plan.funcs.length};`,
      `/** Ctx.memo slots: one per rule function, one per constant input/data path. */`,
      `const MEMO_SLOTS: i32 = ${plan.funcs.length + this.paths.size};`,
      `/** Coverage: definitions that produced a value since instantiation (kept across evaluations). */`,
      `const COVERED = new Array<bool>(${plan.coverage?.length ?? 0});`,
      SUPPORT,
    ];
    // constants, in dependency order (composites refer to earlier ones)
    const consts: string[] = [];
    plan.constants.forEach((c, i) => consts.push(...this.constant(c, `K${i}`)));
    // parsed JSON (input, data) shares these Str values: no allocation, lookups by identity
    if (this.internable.length > 0) consts.push(`internStrings([${this.internable.join(', ')}]);`);
    const pathDecls = [...this.pathConsts].map(
      ([json, name]) => `const ${name}: Array<string> = [${(JSON.parse(json) as string[]).map((s) => JSON.stringify(s)).join(', ')}];`,
    );
    const entry = [
      'export function evalEntrypoint(entrypoint: i32, input: Value | null, data: Value): Value {',
      '  const ctx = new Ctx(input, data, null);',
      '  let r: Value | null = null;',
      '  switch (entrypoint) {',
      ...plan.entrypoints.map((e, i) => `    case ${i}: r = ${this.fn(e.func)}(ctx); break;`),
      ...(plan.coverage ? [`    case ${plan.entrypoints.length}: r = coveredIds(); break;`] : []),
      '    default: abortWith("internal_error: unknown entrypoint");',
      '  }',
      '  const out = mkArr();',
      '  if (r !== null) {',
      '    const o = mkObj();',
      '    o.set(mkStr("result"), r!);',
      '    out.push(o);',
      '  }',
      '  return out;',
      '}',
    ];
    return [...head, ...consts, ...pathDecls, ...this.coverDecls, ...this.paths.decls, ...this.out, ...entry, ''].join('\n');
  }

  private nativeBuiltins(): string[] {
    const names: string[] = [];
    const visit = (stmts: readonly Stmt[]): void => {
      for (const s of stmts) {
        if (s.op === 'CallBuiltin' && !this.plan.hostBuiltins.includes(s.name) && !SUPPORT_BUILTINS.has(s.name)) names.push(s.name);
        if (s.op === 'Scan' || s.op === 'Block' || s.op === 'Not') visit(s.body);
      }
    };
    for (const f of this.plan.funcs) visit(f.body);
    return names.sort();
  }

  private constant(c: ConstValue, name: string): string[] {
    switch (c.t) {
      case 'null':
        return [`const ${name}: Value = mkNull();`];
      case 'bool':
        return [`const ${name}: Value = mkBool(${c.v});`];
      case 'num':
        return [`const ${name}: Value = mkNum(${numberLiteral(c.v)});`];
      case 'str':
        if (internable(c.v)) this.internable.push(name);
        return [`const ${name}: Value = mkStr(${stringLiteral(c.v)});`];
      case 'array':
      case 'set': {
        const lines = [`const ${name}: Value = ${c.t === 'array' ? 'mkArr()' : 'mkSet()'};`];
        c.items.forEach((item, i) => {
          const sub = `${name}_${i}`;
          lines.push(...this.constant(item, sub));
          lines.push(c.t === 'array' ? `changetype<Arr>(${name}).push(${sub});` : `changetype<SetV>(${name}).add(${sub});`);
        });
        return lines;
      }
      case 'object': {
        const lines = [`const ${name}: Value = mkObj();`];
        c.entries.forEach(([k, v], i) => {
          lines.push(...this.constant(k, `${name}_k${i}`), ...this.constant(v, `${name}_v${i}`));
          lines.push(`changetype<Obj>(${name}).set(${name}_k${i}, ${name}_v${i});`);
        });
        return lines;
      }
    }
  }

  /** String constants the JSON parser may share (internStrings). */
  private readonly internable: string[] = [];
  private readonly coverDecls: string[] = [];
  private readonly covers = new Map<string, string>();

  /** Function ids whose data path lies at or below `path` (they answer from the replaced data). */
  private coverConst(path: readonly string[]): string {
    const key = JSON.stringify(path);
    let name = this.covers.get(key);
    if (!name) {
      name = `COVER${this.covers.size}`;
      this.covers.set(key, name);
      const ids: number[] = [];
      this.plan.funcs.forEach((f, i) => {
        if (f.memoize && f.path && path.every((seg, j) => f.path?.[j] === seg) && f.path.length >= path.length) ids.push(i);
      });
      this.coverDecls.push(`const ${name}: Array<i32> = [${ids.join(', ')}];`);
    }
    return name;
  }

  private func(f: Func): void {
    const id = this.fn(f.name);
    const params = f.params.map((p) => `l${p}: Value | null`);
    this.line(0, `// ${f.name}`);
    this.line(0, `function ${id}(x0: Ctx${params.map((p) => ', ' + p).join('')}): Value | null {`);
    const index = this.funcIndex.get(f.name) as number;
    if (f.memoize) {
      this.line(1, `const m = memoGet(x0, ${index});`);
      this.line(1, `if (m !== null) return m === UNDEF ? null : m;`);
      if (f.path) {
        this.line(1, `const ov = x0.overridden;`);
        this.line(1, `if (ov !== null && ov[${index}]) return memoSet(x0, ${index}, lookup(x0.data, ${this.pathConst(f.path)}));`);
      }
    }
    for (let i = 0; i < f.locals; i++) if (!f.params.includes(i)) this.line(1, `let l${i}: Value | null = null;`);
    for (let i = 1; i < f.contexts; i++) this.line(1, `let x${i}: Ctx = x0;`);
    this.paths.enter(f);
    this.list(f.body, 0, 1, '');
    this.line(1, f.memoize ? `return memoSet(x0, ${index}, l${f.result});` : `return l${f.result};`);
    this.line(0, '}');
    this.line(0, '');
  }

  /** Emits stmts[i..]; `tail` runs when the list completes. */
  private list(stmts: readonly Stmt[], i: number, indent: number, tail: string): void {
    const s = stmts[i];
    if (!s) {
      if (tail) this.line(indent, tail);
      return;
    }
    const rest = (extra = 0): void => this.list(stmts, i + 1, indent + extra, tail);
    const guarded = (cond: string): void => {
      this.line(indent, `if (${cond}) {`);
      rest(1);
      this.line(indent, '}');
    };
    const o = (op: Operand): string => this.operand(op);
    switch (s.op) {
      case 'Assign':
        this.line(indent, `l${s.dst} = ${o(s.src)};`);
        return rest();
      case 'Input':
        this.line(indent, `l${s.dst} = x${s.ctx}.input;`);
        return guarded(`l${s.dst} !== null`);
      case 'Data':
        this.line(indent, `l${s.dst} = x${s.ctx}.data;`);
        return rest();
      case 'Dot': {
        // a constant path into input or data is looked up once per context
        this.line(indent, `l${s.dst} = ${this.paths.call(s) ?? `dot(${o(s.src)}, ${o(s.key)})`};`);
        return guarded(`l${s.dst} !== null`);
      }
      case 'Scan': {
        const n = this.uid++;
        this.line(indent, '{');
        this.line(indent + 1, `const s${n} = ${o(s.src)};`);
        this.line(indent + 1, `const n${n} = len(s${n});`);
        this.line(indent + 1, `for (let i${n} = 0; i${n} < n${n}; i${n}++) {`);
        this.line(indent + 2, `l${s.key} = keyAt(s${n}, i${n});`);
        this.line(indent + 2, `l${s.value} = valAt(s${n}, i${n});`);
        // a Scan ends its list: the list's tail runs at the end of each iteration that gets there
        if (i !== stmts.length - 1) throw new Error('emit: a Scan must be the last statement of its list');
        this.list(s.body, 0, indent + 2, tail);
        this.line(indent + 1, '}');
        this.line(indent, '}');
        return;
      }
      case 'Block':
        this.line(indent, '{');
        this.list(s.body, 0, indent + 1, '');
        this.line(indent, '}');
        return rest();
      case 'Not': {
        const n = this.uid++;
        this.line(indent, `let found${n} = false;`);
        this.line(indent, '{');
        this.list(s.body, 0, indent + 1, `found${n} = true;`);
        this.line(indent, '}');
        return guarded(`!found${n}`);
      }
      case 'Equal':
        return guarded(`equal(${o(s.a)}, ${o(s.b)})`);
      case 'NotEqual':
        return guarded(`!equal(${o(s.a)}, ${o(s.b)})`);
      case 'NotFalse':
        return guarded(`truthy(${o(s.src)})`);
      case 'IsUndefined':
        return guarded(`l${s.src} === null`);
      case 'IsDefined':
        return guarded(`l${s.src} !== null`);
      case 'IsArray':
        return guarded(`${o(s.src)}.kind == ARRAY`);
      case 'IsObject':
        return guarded(`${o(s.src)}.kind == OBJECT`);
      case 'LenEqual':
        return guarded(`len(${o(s.src)}) == ${s.n}`);
      case 'CallBuiltin': {
        const host = this.plan.hostBuiltins.indexOf(s.name);
        const args = s.args.map(o);
        const call = host >= 0 ? `callHost${args.length}(${[String(host), ...args].join(', ')})` : `${builtinIdentifier(s.name)}(${args.join(', ')})`;
        this.line(indent, `l${s.dst} = ${call};`);
        if (this.options.strictBuiltinErrors && !SUPPORT_BUILTINS.has(s.name)) {
          const operands = BUILTINS.get(s.name)?.operands;
          let typeOk = operands ? s.args.map((a, i) => `kindIn(${o(a)}, ${kindMask(operands[i] ?? 'any')})`).join(' && ') : 'true';
          // number - number or set - set: the second operand must have the first one's type
          if (s.name === 'minus' && s.args.length === 2) typeOk += ` && ${o(s.args[0] as Operand)}.kind == ${o(s.args[1] as Operand)}.kind`;
          this.line(
            indent,
            `if (l${s.dst} === null) abortWith(${typeOk} ? ${stringLiteral(`eval_builtin_error: ${s.name}`)} : ${stringLiteral(`eval_type_error: ${s.name}: operand type`)});`,
          );
        }
        return guarded(`l${s.dst} !== null`);
      }
      case 'CallFunc':
        this.line(indent, `l${s.dst} = ${this.fn(s.func)}(${[`x${s.ctx}`, ...s.args.map(o)].join(', ')});`);
        return guarded(`l${s.dst} !== null`);
      case 'MakeArray':
        this.line(indent, `l${s.dst} = mkArr();`);
        return rest();
      case 'MakeObject':
        this.line(indent, `l${s.dst} = mkObj();`);
        return rest();
      case 'MakeSet':
        this.line(indent, `l${s.dst} = mkSet();`);
        return rest();
      case 'ArrayAppend':
        this.line(indent, `changetype<Arr>(l${s.array}).push(${o(s.value)});`);
        return rest();
      case 'SetAdd':
        this.line(indent, `changetype<SetV>(l${s.set}).add(${o(s.value)});`);
        return rest();
      case 'ObjectInsert':
        this.line(indent, `changetype<Obj>(l${s.object}).set(${o(s.key)}, ${o(s.value)});`);
        return rest();
      case 'ObjectInsertOnce':
        this.line(indent, `if (!changetype<Obj>(l${s.object}).insert(${o(s.key)}, ${o(s.value)})) abortWith(${stringLiteral(s.conflict)});`);
        return rest();
      case 'SetOnce':
        this.line(indent, `if (l${s.dst} === null) l${s.dst} = ${o(s.value)};`);
        this.line(indent, `else if (!equal(l${s.dst}!, ${o(s.value)})) abortWith(${stringLiteral(s.conflict)});`);
        return rest();
      case 'Cover':
        this.line(indent, `COVERED[${s.id}] = true;`);
        return rest();
      case 'WithContext': {
        const path = this.pathConst(s.path);
        if (s.target === 'input') this.line(indent, `x${s.dst} = withInput(x${s.base}, ${path}, ${o(s.value)});`);
        else this.line(indent, `x${s.dst} = withData(x${s.base}, ${path}, ${o(s.value)}, ${this.coverConst(s.path)});`);
        return rest();
      }
    }
  }
}

const KIND_BITS: Record<string, number> = { null: 1, boolean: 2, number: 4, string: 8, array: 16, object: 32, set: 64 };

/** Bit mask of the kinds in `number|set` (runtime kinds: null 0, boolean 1, ... set 6); `any` is all. */
function kindMask(types: string): number {
  if (types === 'any') return 127;
  return types.split('|').reduce((m, t) => m | (KIND_BITS[t] ?? 0), 0);
}

/** Whether runtime/json.ts interns s: 1 to 64 printable ASCII characters without `"` or `\`. */
function internable(s: string): boolean {
  return s.length > 0 && s.length <= 64 && /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/.test(s);
}

function numberLiteral(v: number): string {
  if (Object.is(v, -0)) return '-0.0';
  const text = String(v);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

/** An AssemblyScript string literal (JSON escapes are valid there; U+2028/9 escaped too). */
function stringLiteral(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface EmitOptions {
  /** A built-in error aborts evaluation (OPA's strict-builtin-errors) instead of making the expression undefined. */
  readonly strictBuiltinErrors?: boolean;
}

/** EMIT: the AssemblyScript source (`policy.ts`) of a plan. */
export function emitAssemblyScript(plan: Plan, options: EmitOptions = {}): string {
  return new Emitter(plan, options).emit();
}
