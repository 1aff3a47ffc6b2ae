/**
 * PARSE stage: Rego v1 source -> typed AST (src/ast.ts).
 *
 * Recursive descent with the same grammar and operator precedence as OPA's
 * parser (v1/ast/parser.go), loosest binding first:
 *
 *   literal   := ["not"] expr {with} | "some" ... | "every" ...
 *   expr      := termIn [(":=" | "=") termIn]
 *   termIn    := relation ["," relation] "in" relation {"in" relation}   (key/value form only where allowed)
 *   relation  := or {("==" | "!=" | "<" | "<=" | ">" | ">=") or}
 *   or        := and {"|" and}
 *   and       := arith {"&" arith}
 *   arith     := factor {("+" | "-") factor}
 *   factor    := term {("*" | "/" | "%") term}
 *   term      := primary {"." ident | "[" termIn "]" | "(" args ")"}   (postfix only without whitespace before it)
 *
 * All binary operators are left-associative. Like OPA, unary minus only exists
 * as part of number literals (`-1`, `-2.5e3`), and comprehension heads
 * (`[x | ...]`) are plain terms, which is how `{a | b}` is told apart from a set
 * containing `a | b`. Newlines and `;` separate body literals; an expression may
 * continue over a newline when an operator requires more input.
 *
 * Module level (as OPA 1.x, i.e. v1 syntax): one `package`, then imports and
 * rules. Rule bodies need `if` (a `{` body without `if` is reported as in OPA v1),
 * partial set rules need `contains`.
 */

import type {
  Body,
  BooleanTerm,
  CallTerm,
  Every,
  Expr,
  Import,
  InfixOperator,
  Location,
  Module,
  ObjectEntry,
  Package,
  RefTerm,
  Rule,
  RuleHead,
  RuleKind,
  SomeDecl,
  SomeIn,
  StringTerm,
  Term,
  VarTerm,
  With,
} from './ast';
import { RegoSyntaxError, formatAlternatives } from './errors';
import { KEYWORDS, tokenize, type Token, type TokenKind } from './lexer';

const MAX_DEPTH = 400;

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

/** Builtin names of infix operators (as in OPA). */
const OPERATOR_NAMES: Record<Exclude<InfixOperator, 'in'>, string> = {
  ':=': 'assign',
  '=': 'eq',
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '|': 'or',
  '&': 'and',
};

const RELATION_OPS: readonly TokenKind[] = ['==', '!=', '<', '<=', '>', '>='];

/** Keywords importable from `future.keywords` (OPA 1.x accepts them as no-ops). */
const FUTURE_KEYWORDS: ReadonlySet<string> = new Set(['in', 'every', 'contains', 'if', 'not']);

const IMPORT_ROOTS: readonly string[] = ['data', 'input', 'future', 'rego'];

/**
 * Parses one Rego module (v1 syntax). Throws `RegoSyntaxError` on the first
 * syntax error; any other exception would be a bug in the parser.
 */
export function parseModule(text: string, file: string): Module {
  return new Parser(text, file).parseModule();
}

export type ParseResult = { ok: true; module: Module } | { ok: false; error: RegoSyntaxError };

/** Like `parseModule`, but returns the syntax error instead of throwing it. */
export function tryParseModule(text: string, file: string): ParseResult {
  try {
    return { ok: true, module: parseModule(text, file) };
  } catch (e) {
    if (e instanceof RegoSyntaxError) return { ok: false, error: e };
    throw e;
  }
}

/** A term without variables, refs or calls (comprehensions are never ground). */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case 'Null':
    case 'Boolean':
    case 'Number':
    case 'String':
      return true;
    case 'Array':
    case 'Set':
      return t.items.every(isGround);
    case 'Object':
      return t.entries.every((e) => isGround(e.key) && isGround(e.value));
    default:
      return false;
  }
}

function describe(tok: Token): string {
  switch (tok.kind) {
    case 'eof':
      return 'end of file';
    case 'string':
      return `string ${tok.text.length > 24 ? `${tok.text.slice(0, 21)}...` : tok.text}`;
    case 'number':
      return `number ${tok.text}`;
    default:
      return `"${tok.text}"`;
  }
}

class Parser {
  private readonly tokens: Token[];
  private readonly comments: Module['comments'];
  private i = 0;
  private depth = 0;

  constructor(
    text: string,
    private readonly file: string,
  ) {
    const lexed = tokenize(text, file);
    this.tokens = lexed.tokens;
    this.comments = lexed.comments;
  }

  // -------------------------------------------------------------------------
  // token helpers

  private get tok(): Token {
    // The token list always ends with `eof`, and `next()` never moves past it.
    return this.tokens[this.i] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.tok;
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private is(kind: TokenKind): boolean {
    return this.tok.kind === kind;
  }

  private loc(t: Token): Location {
    return { file: this.file, line: t.line, column: t.column };
  }

  /** Throws `expected <alternatives> [context], found <tok>` (or the lexical error of an illegal token). */
  private fail(expected: readonly string[], context = '', at: Token = this.tok): never {
    if (at.kind === 'illegal') throw new RegoSyntaxError(this.file, at.line, at.column, at.value, expected, at.text);
    const found = describe(at);
    const ctx = context ? ` ${context}` : '';
    throw new RegoSyntaxError(this.file, at.line, at.column, `expected ${formatAlternatives(expected)}${ctx}, found ${found}`, expected, found);
  }

  private failAt(loc: Location | Token, detail: string): never {
    throw new RegoSyntaxError(this.file, loc.line, loc.column, detail);
  }

  private expect(kind: TokenKind, context = ''): Token {
    if (this.tok.kind !== kind) this.fail([`"${kind}"`], context);
    return this.next();
  }

  /** Runs `fn`; on a syntax error restores the position and returns undefined. */
  private attempt<T>(fn: () => T): T | undefined {
    const saved = this.i;
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof RegoSyntaxError)) throw e;
      this.i = saved;
      return undefined;
    }
  }

  private enter(at: Token): void {
    if (++this.depth > MAX_DEPTH) this.failAt(at, `maximum nesting depth (${MAX_DEPTH}) exceeded`);
  }

  private leave(): void {
    this.depth--;
  }

  /** A statement must end at a newline (or end of file). */
  private endStatement(expected: readonly string[], context: string): void {
    if (this.is('eof') || this.tok.nlBefore) return;
    this.fail(expected, context);
  }

  // -------------------------------------------------------------------------
  // term constructors

  private varTerm(t: Token): VarTerm {
    return { type: 'Var', name: t.text, location: this.loc(t) };
  }

  private stringTerm(value: string, loc: Location, raw = false): StringTerm {
    return { type: 'String', value, raw, location: loc };
  }

  private trueTerm(loc: Location): BooleanTerm {
    return { type: 'Boolean', value: true, location: loc };
  }

  /** Operator ref for a builtin name such as `plus` or `internal.member_2`. */
  private operatorRef(name: string, loc: Location): RefTerm {
    const [head = name, ...rest] = name.split('.');
    return {
      type: 'Ref',
      head: { type: 'Var', name: head, location: loc },
      path: rest.map((s) => this.stringTerm(s, loc)),
      location: loc,
    };
  }

  private infixCall(op: InfixOperator, opTok: Token, args: Term[], name?: string): CallTerm {
    const first = args[0];
    return {
      type: 'Call',
      operator: this.operatorRef(name ?? OPERATOR_NAMES[op as Exclude<InfixOperator, 'in'>], this.loc(opTok)),
      args,
      infix: op,
      location: first ? first.location : this.loc(opTok),
    };
  }

  // -------------------------------------------------------------------------
  // module

  parseModule(): Module {
    if (!this.is('package')) this.fail(['"package"'], 'at start of module');
    const pkg = this.parsePackage();
    const imports: Import[] = [];
    const rules: Rule[] = [];
    while (!this.is('eof')) {
      if (this.is('import')) {
        imports.push(this.parseImport());
      } else if (this.is('package')) {
        this.failAt(this.tok, 'unexpected "package": a module has exactly one package declaration');
      } else {
        rules.push(this.parseRule());
      }
    }
    return { type: 'Module', file: this.file, package: pkg, imports, rules, comments: this.comments, location: pkg.location };
  }

  /** `ident {"." ident | "[" string "]"}` without whitespace inside; used by package and import. */
  private parseStaticPath(what: string): { head: VarTerm; path: StringTerm[] } {
    if (!this.is('ident')) this.fail(['identifier'], `in ${what} path`);
    const head = this.varTerm(this.next());
    const path: StringTerm[] = [];
    while (!this.tok.spaceBefore && (this.is('.') || this.is('['))) {
      if (this.is('.')) {
        this.next();
        const t = this.tok;
        if (t.spaceBefore || !(t.kind === 'ident' || KEYWORD_SET.has(t.kind))) this.fail(['identifier'], `after "." in ${what} path`);
        this.next();
        path.push(this.stringTerm(t.text, this.loc(t)));
      } else {
        this.next();
        const t = this.tok;
        if (t.kind !== 'string') this.fail(['string'], `in ${what} path`);
        this.next();
        path.push(this.stringTerm(t.value, this.loc(t), t.raw));
        this.expect(']', `in ${what} path`);
      }
    }
    return { head, path };
  }

  private parsePackage(): Package {
    const kw = this.next();
    const { head, path } = this.parseStaticPath('package');
    const loc = this.loc(kw);
    const ref: RefTerm = {
      type: 'Ref',
      head: { type: 'Var', name: 'data', location: head.location },
      path: [this.stringTerm(head.name, head.location), ...path],
      location: head.location,
    };
    this.endStatement(['newline'], 'after package declaration');
    return { type: 'Package', path: ref, location: loc };
  }

  private parseImport(): Import {
    const kw = this.next();
    const { head, path } = this.parseStaticPath('import');
    if (!IMPORT_ROOTS.includes(head.name)) {
      this.failAt(head.location, `unexpected import path, must begin with one of: data, input, future, rego; got: ${head.name}`);
    }
    const ref: RefTerm = { type: 'Ref', head, path, location: head.location };
    const segs = path.map((p) => p.value);
    if (head.name === 'rego' && !(segs.length === 1 && segs[0] === 'v1')) {
      this.failAt(head.location, 'invalid import: the only "rego" import is "rego.v1"');
    }
    if (head.name === 'future') {
      const kwName = segs[1];
      if (segs[0] !== 'keywords' || segs.length > 2) this.failAt(head.location, 'invalid import: expected "future.keywords" or "future.keywords.<keyword>"');
      if (kwName !== undefined && !FUTURE_KEYWORDS.has(kwName)) {
        this.failAt(
          path[1]?.location ?? head.location,
          `invalid import: unknown future keyword "${kwName}" (expected one of: ${[...FUTURE_KEYWORDS].join(', ')})`,
        );
      }
    }
    let alias: string | null = null;
    if (this.is('as')) {
      const asTok = this.next();
      if (head.name === 'future' || head.name === 'rego') this.failAt(asTok, `invalid import: ${head.name} imports cannot be aliased`);
      if (!this.is('ident')) this.fail(['identifier'], 'after "as"');
      alias = this.next().text;
    }
    this.endStatement(['"as"', 'newline'], 'after import path');
    return { type: 'Import', path: ref, alias, location: this.loc(kw) };
  }

  // -------------------------------------------------------------------------
  // rules

  private parseRule(): Rule {
    const start = this.tok;
    const isDefault = this.is('default');
    if (isDefault) this.next();
    if (!this.is('ident')) {
      this.fail(isDefault ? ['rule name'] : ['"import"', '"default"', 'rule name']);
    }
    const nameTok = this.tok;
    const { ref, args } = this.parseHeadRef();
    const headLoc = this.loc(nameTok);

    let key: Term | null = null;
    let value: Term | null = null;
    let assign = false;
    let usesContains = false;
    if (this.is('contains')) {
      const t = this.next();
      if (args) this.failAt(t, `the contains keyword can only be used with multi-value rule definitions (e.g., p contains <VALUE> if { ... })`);
      if (isDefault) this.failAt(t, 'illegal default rule: must have a value (default p := <VALUE>)');
      usesContains = true;
      key = this.parseTermIn(true);
    } else if (this.is(':=') || this.is('=')) {
      assign = this.next().kind === ':=';
      value = this.parseTermIn(true);
    }

    const generatedValue = value === null && !usesContains;
    let kind: RuleKind;
    if (usesContains) kind = 'partialSet';
    else if (args) kind = 'function';
    else {
      const last = ref.path[ref.path.length - 1];
      if (last !== undefined && !isGround(last)) {
        kind = 'partialObject';
        key = last;
      } else kind = 'complete';
    }

    const head: RuleHead = {
      type: 'RuleHead',
      kind,
      name: nameTok.text,
      ref,
      args,
      key,
      value: generatedValue ? this.trueTerm(headLoc) : value,
      assign,
      generatedValue,
      location: headLoc,
    };
    const rule: Rule = { type: 'Rule', default: isDefault, head, body: [], else: null, location: this.loc(start) };

    if (isDefault) {
      if (value === null) this.fail(['":="', '"="'], 'in default rule');
      this.validateDefault(value, args);
      if (this.is('if') || this.is('{')) this.failAt(this.tok, 'illegal default rule: default rules cannot have a body');
      this.endStatement(['newline'], 'after default rule');
      return rule;
    }

    if (this.is('if')) {
      this.next();
      rule.body = this.parseIfBody();
    } else if (this.is('{')) {
      this.failAt(this.tok, 'expected "if" before rule body, found "{" (Rego v1 requires `if` before a rule body)');
    } else {
      if (value === null && !usesContains) {
        if (!(this.tok.nlBefore || this.is('eof'))) this.fail(['":="', '"="', '"contains"', '"if"'], 'after rule head');
        const hint = ref.path.length === 1 && !args ? ' (Rego v1 requires `contains` for partial set rules)' : '';
        this.failAt(nameTok, `rule "${nameTok.text}" has neither a value nor a body: expected ":=", "=", "contains" or "if" after rule head${hint}`);
      }
      this.endStatement(['"if"', '"{"'], 'after rule head');
      return rule;
    }

    if (this.is('else')) {
      if (usesContains) this.failAt(this.tok, 'else keyword cannot be used on multi-value rules');
      if (ref.path.some((p) => !isGround(p))) this.failAt(this.tok, 'else keyword cannot be used on rules with variables in head');
      rule.else = this.parseElse(head);
    }
    this.endStatement(['newline'], 'after rule');
    return rule;
  }

  /** Rule head ref: `name`, `a.b.c`, `p[x]`, `f(x, y)`, `a.b.f(x)`, `foo["bar"](x)`. */
  private parseHeadRef(): { ref: RefTerm; args: Term[] | null } {
    const nameTok = this.next();
    const head = this.varTerm(nameTok);
    const path: Term[] = [];
    let args: Term[] | null = null;
    let first = true;
    for (;;) {
      const t = this.tok;
      // OPA tolerates spaces (not newlines) before the first `[`/`(` of a head.
      const adjacent = !t.spaceBefore || (first && !t.nlBefore && t.kind !== '.');
      if (!adjacent) break;
      if (t.kind === '.') {
        this.next();
        const id = this.tok;
        if (id.spaceBefore || !(id.kind === 'ident' || KEYWORD_SET.has(id.kind))) this.fail(['identifier'], 'after "." in rule head');
        this.next();
        path.push(this.stringTerm(id.text, this.loc(id)));
      } else if (t.kind === '[') {
        this.next();
        path.push(this.parseTermIn(true));
        this.expect(']', 'in rule head');
      } else if (t.kind === '(') {
        this.next();
        if (this.is(')')) this.failAt(this.tok, 'function definitions need at least one argument');
        args = this.parseTermList(')', []);
        break;
      } else break;
      first = false;
    }
    return { ref: { type: 'Ref', head, path, location: head.location }, args };
  }

  private validateDefault(value: Term, args: Term[] | null): void {
    const bad = findNonConstant(value);
    if (bad) this.failAt(bad.location, `illegal default rule: value cannot contain ${bad.type === 'Var' ? 'var' : bad.type === 'Ref' ? 'ref' : 'call'}`);
    if (args) {
      const seen = new Set<string>();
      for (const a of args) {
        if (a.type !== 'Var') this.failAt(a.location, 'illegal default rule: arguments must be variables');
        if (a.name !== '_' && seen.has(a.name)) this.failAt(a.location, `illegal default rule: argument "${a.name}" repeated`);
        seen.add(a.name);
      }
    }
  }

  /**
   * After `if`: either `{ body }` or a single literal. As in OPA, a literal is
   * tried first, and a `{...}` that parses as a plain set literal is re-read as
   * a braced body (`p if { true }`).
   */
  private parseIfBody(): Body {
    if (this.is('{')) {
      const saved = this.i;
      const lit = this.attempt(() => this.parseLiteral());
      const plain = lit !== undefined && !lit.negated && lit.with.length === 0;
      // `{ x }` is a body, not a set literal; `{}` is an empty body, not an empty object.
      const isBraceBody = plain && (lit.value.type === 'Set' || (lit.value.type === 'Object' && lit.value.entries.length === 0));
      if (lit && !isBraceBody) return [lit];
      this.i = saved;
      return this.parseBraceBody();
    }
    if (this.is('eof')) this.fail(['rule body'], 'after "if"');
    return [this.parseLiteral()];
  }

  private parseBraceBody(): Body {
    this.expect('{');
    const body = this.parseQuery('}');
    this.expect('}', 'to close rule body');
    return body;
  }

  private parseElse(head: RuleHead): Rule {
    const elseTok = this.next();
    const loc = this.loc(elseTok);
    let value: Term | null = null;
    let assign = false;
    if (this.is(':=') || this.is('=')) {
      assign = this.next().kind === ':=';
      value = this.parseTermIn(true);
    } else if (!this.is('if') && !this.is('{')) {
      this.fail(['":="', '"="', '"if"'], 'after "else"');
    }
    const elseHead: RuleHead = {
      ...head,
      value: value ?? this.trueTerm(loc),
      assign,
      generatedValue: value === null,
      location: loc,
    };
    const rule: Rule = { type: 'Rule', default: false, head: elseHead, body: [], else: null, location: loc };
    if (this.is('if')) {
      this.next();
      if (this.is('{')) rule.body = this.parseBraceBody();
      else if (this.is('eof')) this.fail(['rule body'], 'after "if"');
      else rule.body = [this.parseLiteral()];
    } else if (this.is('{')) {
      this.failAt(this.tok, 'expected "if" before else body, found "{" (Rego v1 requires `if` before a rule body)');
    }
    if (this.is('else')) rule.else = this.parseElse(head);
    return rule;
  }

  // -------------------------------------------------------------------------
  // bodies and literals

  /** Literals separated by `;` or newlines, up to (not including) `end`. */
  private parseQuery(end: '}' | ']'): Body {
    if (this.is(end)) this.fail(['expression'], '(empty body)');
    this.enter(this.tok);
    const body: Body = [];
    for (;;) {
      body.push(this.parseLiteral());
      if (this.is(';')) {
        this.next();
        continue;
      }
      if (this.is(end)) break;
      if (!this.tok.nlBefore) this.fail(['newline', '";"', `"${end}"`], 'after expression');
    }
    this.leave();
    return body;
  }

  private parseLiteral(): Expr {
    const start = this.tok;
    let negated = false;
    if (this.is('not')) {
      this.next();
      negated = true;
      if (this.is('some') || this.is('every')) this.failAt(this.tok, `illegal negation of "${this.tok.kind}"`);
    }
    let value: Expr['value'];
    if (this.is('some')) value = this.parseSome();
    else if (this.is('every')) value = this.parseEvery();
    else value = this.parseExprValue();
    const withs = this.parseWiths();
    return { type: 'Expr', negated, value, with: withs, location: this.loc(start) };
  }

  private parseExprValue(): Term {
    const lhs = this.parseTermIn(true);
    if (this.is(':=') || this.is('=')) {
      const opTok = this.next();
      const rhs = this.parseTermIn(true);
      return this.infixCall(opTok.kind as ':=' | '=', opTok, [lhs, rhs]);
    }
    return lhs;
  }

  private parseWiths(): With[] {
    const withs: With[] = [];
    while (this.is('with')) {
      const w = this.next();
      if (!this.is('ident')) this.fail(['identifier'], 'after "with"');
      const target = this.parseTerm();
      if (target.type !== 'Var' && target.type !== 'Ref') this.failAt(target.location, 'expected "with" target path (input..., data... or a function name)');
      this.expect('as', 'after "with" target');
      const value = this.parseTermIn(true);
      withs.push({ type: 'With', target, value, location: this.loc(w) });
    }
    return withs;
  }

  private parseSome(): SomeDecl | SomeIn {
    const someTok = this.next();
    const loc = this.loc(someTok);
    const saved = this.i;
    const term = this.attempt(() => this.parseTermIn(true));
    if (term && term.type === 'Call') {
      if (term.infix !== 'in') this.failAt(term.location, 'expected "x in xs" or "k, v in xs" after "some"');
      const [a, b, c] = term.args;
      if (term.args.length === 2 && a && b) return { type: 'SomeIn', key: null, value: a, collection: b, location: loc };
      if (a && b && c) return { type: 'SomeIn', key: a, value: b, collection: c, location: loc };
    }
    this.i = saved;
    const vars: VarTerm[] = [];
    for (;;) {
      if (!this.is('ident')) this.fail(['variable'], 'after "some"');
      vars.push(this.varTerm(this.next()));
      if (!this.is(',')) break;
      this.next();
    }
    return { type: 'SomeDecl', vars, location: loc };
  }

  private parseEvery(): Every {
    const everyTok = this.next();
    const domainStart = this.tok;
    const term = this.parseTermIn(true);
    if (term.type !== 'Call' || term.infix !== 'in') this.failAt(domainStart, 'expected "x in xs" or "k, v in xs" after "every"');
    const [a, b, c] = term.args;
    let key: Term | null = null;
    let value: Term;
    let domain: Term;
    if (term.args.length === 2 && a && b) {
      value = a;
      domain = b;
    } else if (a && b && c) {
      key = a;
      value = b;
      domain = c;
    } else this.failAt(domainStart, 'expected "x in xs" or "k, v in xs" after "every"');
    if (key && key.type !== 'Var') this.failAt(key.location, 'expected key of "every" to be a variable');
    if (value.type !== 'Var') this.failAt(value.location, 'expected value of "every" to be a variable');
    if (!this.is('{')) this.fail(['"{"'], 'after "every" domain');
    this.next();
    const body = this.parseQuery('}');
    this.expect('}', 'to close "every" body');
    return { type: 'Every', key: key as VarTerm | null, value, domain, body, location: this.loc(everyTok) };
  }

  // -------------------------------------------------------------------------
  // operator precedence

  /**
   * `a in b`, and where `keyVal` is set (expression level, brackets, parens)
   * also `k, v in b`. Argument/element lists use keyVal=false, so `[1, 2 in xs]`
   * is a two-element array.
   */
  private parseTermIn(keyVal: boolean): Term {
    let lhs = this.parseRelation();
    if (keyVal && this.is(',')) {
      const saved = this.i;
      const call = this.attempt(() => {
        this.next();
        const mhs = this.parseRelation();
        if (!this.is('in')) this.fail(['"in"']);
        const opTok = this.next();
        const rhs = this.parseRelation();
        return this.infixCall('in', opTok, [lhs, mhs, rhs], 'internal.member_3');
      });
      if (call) lhs = call;
      else this.i = saved;
    }
    while (this.is('in')) {
      const opTok = this.next();
      const rhs = this.parseRelation();
      lhs = this.infixCall('in', opTok, [lhs, rhs], 'internal.member_2');
    }
    return lhs;
  }

  private parseRelation(): Term {
    let lhs = this.parseOr();
    while (RELATION_OPS.includes(this.tok.kind)) {
      const opTok = this.next();
      lhs = this.infixCall(opTok.kind as InfixOperator, opTok, [lhs, this.parseOr()]);
    }
    return lhs;
  }

  private parseOr(): Term {
    let lhs = this.parseAnd();
    while (this.is('|')) {
      const opTok = this.next();
      lhs = this.infixCall('|', opTok, [lhs, this.parseAnd()]);
    }
    return lhs;
  }

  private parseAnd(): Term {
    let lhs = this.parseArith();
    while (this.is('&')) {
      const opTok = this.next();
      lhs = this.infixCall('&', opTok, [lhs, this.parseArith()]);
    }
    return lhs;
  }

  private parseArith(): Term {
    let lhs = this.parseFactor();
    while (this.is('+') || this.is('-')) {
      const opTok = this.next();
      lhs = this.infixCall(opTok.kind as '+' | '-', opTok, [lhs, this.parseFactor()]);
    }
    return lhs;
  }

  private parseFactor(): Term {
    let lhs = this.parseTerm();
    while (this.is('*') || this.is('/') || this.is('%')) {
      const opTok = this.next();
      lhs = this.infixCall(opTok.kind as '*' | '/' | '%', opTok, [lhs, this.parseTerm()]);
    }
    return lhs;
  }

  // -------------------------------------------------------------------------
  // terms

  private parseTerm(): Term {
    const t = this.tok;
    this.enter(t);
    let term: Term;
    switch (t.kind) {
      case 'null':
        this.next();
        term = { type: 'Null', location: this.loc(t) };
        break;
      case 'true':
      case 'false':
        this.next();
        term = { type: 'Boolean', value: t.kind === 'true', location: this.loc(t) };
        break;
      case 'number':
      case '-':
      case '.':
        term = this.parseNumber();
        break;
      case 'string':
        this.next();
        term = this.stringTerm(t.value, this.loc(t), t.raw);
        break;
      case 'ident':
      case 'contains': // `contains(...)` is a builtin; the keyword only matters in rule heads
        this.next();
        term = this.varTerm(t);
        break;
      case '[':
        term = this.parseArray();
        break;
      case '{':
        term = this.parseSetOrObject();
        break;
      case '(': {
        this.next();
        term = this.parseTermIn(true);
        if (!this.is(')')) this.fail(['")"'], 'to close parenthesized expression');
        this.next();
        break;
      }
      default:
        this.fail(['term']);
    }
    term = this.parsePostfix(term);
    this.leave();
    return term;
  }

  private parseNumber(): Term {
    const start = this.tok;
    let prefix = '';
    if (this.is('-')) {
      this.next();
      prefix = '-';
      if (!this.is('number') && !this.is('.')) this.fail(['number'], 'after unary "-" (Rego has no unary minus on non-numbers; write 0 - x)');
    }
    if (this.is('.')) {
      this.next();
      prefix += '.';
      if (!this.is('number') || this.tok.spaceBefore) this.fail(['number'], 'after "."');
    }
    const t = this.next();
    const lit = t.text;
    if (!prefix.endsWith('.') && lit.length > 1 && lit[0] === '0') {
      const isFraction = lit[1] === '.';
      const isExponent = lit.length > 2 && (lit[1] === 'e' || lit[1] === 'E');
      if (!isFraction && !isExponent) this.failAt(t, `invalid number ${lit}: expected number without leading zero`);
    }
    const exp = /[eE]([+-]?\d+)$/.exec(lit);
    const intDigits = lit.split(/[.eE]/)[0]?.length ?? 0;
    if ((exp && Math.abs(Number(exp[1])) > 30000) || intDigits > 30000) this.failAt(t, `number too big: ${lit.slice(0, 20)}`);
    return { type: 'Number', value: prefix + lit, location: this.loc(start) };
  }

  /** `.field`, `[index]` and `(args)` directly (no whitespace) after a term. */
  private parsePostfix(head: Term): Term {
    let current = head;
    let path: Term[] = [];
    const finishRef = (): Term => (path.length > 0 ? { type: 'Ref', head: current, path, location: current.location } : current);
    while (!this.tok.spaceBefore && (this.is('.') || this.is('[') || this.is('('))) {
      if (path.length === 0) {
        switch (current.type) {
          case 'Null':
          case 'Boolean':
          case 'Number':
          case 'String':
          case 'Ref':
            this.failAt(this.tok, `illegal ref: a ${current.type === 'Ref' ? 'parenthesized ref' : current.type.toLowerCase()} cannot be indexed or called`);
        }
      }
      const t = this.next();
      if (t.kind === '.') {
        const id = this.tok;
        if (id.spaceBefore || !(id.kind === 'ident' || KEYWORD_SET.has(id.kind))) this.fail(['identifier'], 'after "."');
        this.next();
        path.push(this.stringTerm(id.text, this.loc(id)));
      } else if (t.kind === '[') {
        path.push(this.parseTermIn(true));
        if (!this.is(']')) this.fail(['"]"'], 'to close ref index');
        this.next();
      } else {
        // call: the operator must be a plain name (`f`, `object.get`, `data.lib.f`)
        if (current.type !== 'Var' || !path.every((p) => p.type === 'String')) {
          this.failAt(t, 'illegal call: the function must be a name (e.g. f(x), object.get(o, k, d), data.lib.f(x))');
        }
        const operator: RefTerm = { type: 'Ref', head: current, path, location: current.location };
        if (this.is(')')) {
          this.next();
          if (current.name === 'set' && path.length === 0) {
            current = { type: 'Set', items: [], location: current.location };
          } else {
            current = { type: 'Call', operator, args: [], location: current.location };
          }
        } else {
          const args = this.parseTermList(')', []);
          current = { type: 'Call', operator, args, location: current.location };
        }
        path = [];
      }
    }
    const result = finishRef();
    if (result.type === 'Var' && (result.name === 'input' || result.name === 'data')) {
      return { type: 'Ref', head: result, path: [], location: result.location };
    }
    return result;
  }

  /** Comma-separated `parseTermIn(false)` up to and including `end`; trailing comma allowed. */
  private parseTermList(end: ')' | ']' | '}', items: Term[]): Term[] {
    for (;;) {
      if (this.is(end) && items.length > 0) {
        this.next();
        return items;
      }
      items.push(this.parseTermIn(false));
      if (this.is(end)) {
        this.next();
        return items;
      }
      if (!this.is(',')) this.fail(['","', `"${end}"`]);
      this.next();
    }
  }

  private parsePairList(entries: ObjectEntry[]): ObjectEntry[] {
    for (;;) {
      if (this.is('}') && entries.length > 0) {
        this.next();
        return entries;
      }
      const key = this.parseTermIn(false);
      if (!this.is(':')) this.fail(['":"'], 'after object key');
      this.next();
      const value = this.parseTermIn(false);
      entries.push({ key, value });
      if (this.is('}')) {
        this.next();
        return entries;
      }
      if (!this.is(',')) this.fail(['","', '"}"'], 'in object');
      this.next();
    }
  }

  private parseComprehensionBody(end: '}' | ']'): Body {
    this.next(); // `|`
    const body = this.parseQuery(end);
    this.expect(end, 'to close comprehension');
    return body;
  }

  private parseArray(): Term {
    const lb = this.next();
    const loc = this.loc(lb);
    if (this.is(']')) {
      this.next();
      return { type: 'Array', items: [], location: loc };
    }
    let potentialComprehension = true;
    if (this.is(',')) {
      // OPA accepts a leading comma (`[, 1]`) for backwards compatibility
      potentialComprehension = false;
      this.next();
    }
    const saved = this.i;
    // The comprehension head is a plain term, so `[a | b]` is a comprehension.
    const head = this.parseTerm();
    if (this.is(']')) {
      this.next();
      return { type: 'Array', items: [head], location: loc };
    }
    if (this.is(',')) {
      this.next();
      return { type: 'Array', items: this.parseTermList(']', [head]), location: loc };
    }
    if (this.is('|') && potentialComprehension) {
      const afterHead = this.i;
      try {
        const body = this.parseComprehensionBody(']');
        return { type: 'ArrayComprehension', term: head, body, location: loc };
      } catch (e) {
        if (!(e instanceof RegoSyntaxError)) throw e;
        // fall back to an array containing `head | ...` (as OPA does)
        this.i = saved;
        const items = this.attempt(() => this.parseTermList(']', []));
        if (items) return { type: 'Array', items, location: loc };
        this.i = afterHead;
        throw e;
      }
    }
    this.i = saved;
    return { type: 'Array', items: this.parseTermList(']', []), location: loc };
  }

  private parseSetOrObject(): Term {
    const lb = this.next();
    const loc = this.loc(lb);
    if (this.is('}')) {
      this.next();
      return { type: 'Object', entries: [], location: loc };
    }
    let potentialComprehension = true;
    if (this.is(',')) {
      potentialComprehension = false;
      this.next();
    }
    const saved = this.i;
    // A plain term first: gives `{a | b}` (set comprehension) priority over a set containing `a | b`.
    let head = this.parseTerm();
    if (this.is('|') && potentialComprehension) {
      try {
        const body = this.parseComprehensionBody('}');
        return { type: 'SetComprehension', term: head, body, location: loc };
      } catch (e) {
        if (!(e instanceof RegoSyntaxError)) throw e;
        this.i = saved;
        const items = this.attempt(() => this.parseTermList('}', []));
        if (items) return { type: 'Set', items, location: loc };
        throw e;
      }
    }
    if (!this.is('}') && !this.is(',') && !this.is(':')) {
      this.i = saved;
      head = this.parseTermIn(false);
    }
    if (this.is('}')) {
      this.next();
      return { type: 'Set', items: [head], location: loc };
    }
    if (this.is(',')) {
      this.next();
      return { type: 'Set', items: this.parseTermList('}', [head]), location: loc };
    }
    if (this.is(':')) return this.parseObjectRest(head, potentialComprehension, loc);
    this.fail(['","', '":"', '"}"'], 'in set or object');
  }

  /** After the first key of an object (current token `:`). */
  private parseObjectRest(key: Term, potentialComprehension: boolean, loc: Location): Term {
    this.next(); // `:`
    const saved = this.i;
    if (potentialComprehension) {
      const value = this.parseTerm();
      if (this.is('}')) {
        this.next();
        return { type: 'Object', entries: [{ key, value }], location: loc };
      }
      if (this.is(',')) {
        this.next();
        return { type: 'Object', entries: this.parsePairList([{ key, value }]), location: loc };
      }
      if (this.is('|')) {
        try {
          const body = this.parseComprehensionBody('}');
          return { type: 'ObjectComprehension', key, value, body, location: loc };
        } catch (e) {
          if (!(e instanceof RegoSyntaxError)) throw e;
          // fall back to an object whose value is `value | ...` (as OPA does)
          this.i = saved;
          const obj = this.attempt(() => this.parseObjectValueRest(key, loc));
          if (obj) return obj;
          throw e;
        }
      }
      this.i = saved;
    }
    return this.parseObjectValueRest(key, loc);
  }

  private parseObjectValueRest(key: Term, loc: Location): Term {
    const value = this.parseTermIn(false);
    if (this.is('}')) {
      this.next();
      return { type: 'Object', entries: [{ key, value }], location: loc };
    }
    if (this.is(',')) {
      this.next();
      return { type: 'Object', entries: this.parsePairList([{ key, value }]), location: loc };
    }
    this.fail(['","', '"}"'], 'in object');
  }
}

/** First var/ref/call in a default rule value, skipping comprehensions (as OPA does). */
function findNonConstant(t: Term): Term | null {
  switch (t.type) {
    case 'Var':
    case 'Ref':
    case 'Call':
      return t;
    case 'Array':
    case 'Set':
      for (const x of t.items) {
        const r = findNonConstant(x);
        if (r) return r;
      }
      return null;
    case 'Object':
      for (const e of t.entries) {
        const r = findNonConstant(e.key) ?? findNonConstant(e.value);
        if (r) return r;
      }
      return null;
    default:
      return null;
  }
}
