import { parseModule, type Expr, type Module, type Rule, type Term } from '../src/index';
import { body, expr, rule, term } from './sexpr';

const FILE = 'test.rego';

function mod(src: string): Module {
  return parseModule(`package test\n\n${src}\n`, FILE);
}

function rules(src: string): string[] {
  return mod(src).rules.map(rule);
}

function onlyRule(src: string): Rule {
  const m = mod(src);
  expect(m.rules).toHaveLength(1);
  return m.rules[0] as Rule;
}

/** The value of `x := <src>` as an s-expression. */
function t(src: string): string {
  const r = onlyRule(`x := ${src}`);
  if (!r.head.value) throw new Error('no value');
  return term(r.head.value);
}

function valueTerm(src: string): Term {
  const v = onlyRule(`x := ${src}`).head.value;
  if (!v) throw new Error('no value');
  return v;
}

/** Body literals of `p if { <src> }`. */
function lits(src: string): Expr[] {
  return onlyRule(`p if {\n${src}\n}`).body;
}

function b(src: string): string {
  return body(lits(src));
}

describe('package and imports', () => {
  it('parses dotted and bracketed package paths', () => {
    const m = parseModule('package a.b["c-d"].e', FILE);
    expect(term(m.package.path)).toBe('data.a.b["c-d"].e');
    expect(m.package.location).toEqual({ file: FILE, line: 1, column: 1 });
    expect(m.package.path.path[0]).toMatchObject({ type: 'String', value: 'a', location: { line: 1, column: 9 } });
  });

  it('parses all import forms', () => {
    const m = parseModule(
      [
        'package p',
        'import rego.v1',
        'import future.keywords',
        'import future.keywords.in',
        'import future.keywords.every',
        'import future.keywords.contains',
        'import future.keywords.if',
        'import future.keywords.not',
        'import data.x.y as z',
        'import data.lib["my-lib"]',
        'import input.request',
        'import input',
      ].join('\n'),
      FILE,
    );
    expect(m.imports.map((i) => `${term(i.path)}${i.alias ? ` as ${i.alias}` : ''}`)).toEqual([
      'rego.v1',
      'future.keywords',
      'future.keywords.in',
      'future.keywords.every',
      'future.keywords.contains',
      'future.keywords.if',
      'future.keywords.not',
      'data.x.y as z',
      'data.lib["my-lib"]',
      'input.request',
      'input',
    ]);
    expect(m.imports[7]).toMatchObject({ type: 'Import', alias: 'z', location: { line: 9, column: 1 } });
  });

  it('allows imports after rules and collects comments', () => {
    const m = parseModule('# head\npackage p # trailing\np := 1\nimport data.q\n# end', FILE);
    expect(m.imports).toHaveLength(1);
    expect(m.comments.map((c) => [c.text, c.location.line, c.location.column])).toEqual([
      [' head', 1, 1],
      [' trailing', 2, 11],
      [' end', 5, 1],
    ]);
  });
});

describe('rules', () => {
  it('parses complete rules', () => {
    expect(rules('p := 1\nq = 2\nr if input.x\ns := x if { x := 1 }')).toEqual([
      'complete p := 1',
      'complete q = 2',
      'complete r if { input.x }',
      'complete s := x if { (assign x 1) }',
    ]);
    const r = onlyRule('p if true');
    expect(r.head).toMatchObject({ kind: 'complete', name: 'p', generatedValue: true, assign: false, value: { type: 'Boolean', value: true } });
    expect(r.location).toEqual({ file: FILE, line: 3, column: 1 });
  });

  it('parses default rules (no body)', () => {
    const r = onlyRule('default allow := false');
    expect(r).toMatchObject({ default: true, body: [], head: { kind: 'complete', name: 'allow', assign: true, value: { type: 'Boolean', value: false } } });
    expect(rules('default f(_) := 1\ndefault p.q.r := {"a": [1]}\ndefault g(x, y) = 2')).toEqual([
      'default function f(_) := 1',
      'default complete p.q.r := {"a": [1]}',
      'default function g(x, y) = 2',
    ]);
  });

  it('parses partial set rules', () => {
    const r = onlyRule('deny contains msg if {\n  msg := "x"\n}');
    expect(r.head).toMatchObject({ kind: 'partialSet', name: 'deny', value: null, key: { type: 'Var', name: 'msg' } });
    expect(rules('s contains "a"\ns contains x if some x in [1]\na.b contains 1 if true')).toEqual([
      'partialSet s contains "a"',
      'partialSet s contains x if { some x in [1] }',
      'partialSet a.b contains 1 if { true }',
    ]);
  });

  it('parses partial object rules and ref heads', () => {
    const r = onlyRule('p[k] := v if {\n  some k, v in input\n}');
    expect(r.head).toMatchObject({ kind: 'partialObject', name: 'p', assign: true, key: { type: 'Var', name: 'k' }, value: { type: 'Var', name: 'v' } });
    expect(term(r.head.ref)).toBe('p[k]');
    expect(rules('a.b.c[x] := 1 if x := 2\na.b.c := 1\np["k"] := 2\np[x] if x := 1\nq.r[x].s := 1 if x := 1')).toEqual([
      'partialObject a.b.c[x] := 1 if { (assign x 2) }',
      'complete a.b.c := 1',
      'complete p.k := 2',
      'partialObject p[x] if { (assign x 1) }',
      'complete q.r[x].s := 1 if { (assign x 1) }',
    ]);
  });

  it('parses functions, including several definitions and dotted names', () => {
    expect(rules('f(x, y) := z if {\n  z := x + y\n}\nf(1, y) := y\ng(x) if x > 1\np.q.f(x) := x\nfoo["bar"](x) := x + 1')).toEqual([
      'function f(x, y) := z if { (assign z (plus x y)) }',
      'function f(1, y) := y',
      'function g(x) if { (gt x 1) }',
      'function p.q.f(x) := x',
      'function foo.bar(x) := (plus x 1)',
    ]);
    expect(onlyRule('f([a, b], {"k": c}) := a').head.args?.map(term)).toEqual(['[a, b]', '{"k": c}']);
  });

  it('parses else chains', () => {
    const r = onlyRule('p := 1 if {\n  input.a\n} else := 2 if {\n  input.b\n} else = 3');
    expect(rule(r)).toBe('complete p := 1 if { input.a } else := 2 if { input.b } else = 3');
    expect(r.else?.head).toMatchObject({ kind: 'complete', name: 'p', value: { type: 'Number', value: '2' }, location: { line: 5, column: 3 } });
    expect(r.else?.else?.body).toEqual([]);
    expect(rule(onlyRule('f(x) := 1 if x > 1 else := 2'))).toBe('function f(x) := 1 if { (gt x 1) } else := 2');
    expect(rule(onlyRule('p if {\n  false\n}\nelse if {\n  true\n}'))).toBe('complete p if { false } else if { true }');
  });

  it('parses bodies with braces, single-expression if, ; and newlines', () => {
    expect(b('a; b\nc')).toBe('a; b; c');
    expect(rules('p if { true }\nq if {\n  a\n\n  # comment\n  b\n}\nr if not a')).toEqual([
      'complete p if { true }',
      'complete q if { a; b }',
      'complete r if { not a }',
    ]);
    // an expression may continue over a newline when an operator needs more input
    expect(b('x := 1 +\n  2')).toBe('(assign x (plus 1 2))');
    // `if` followed by a term in braces that is not a set is a single-literal body
    expect(rule(onlyRule('p if {"a": 1}["a"]'))).toBe('complete p if { {"a": 1}.a }');
  });

  it('gives every node a location', () => {
    const r = onlyRule('p if {\n  x := input.a[0]\n}');
    const e = r.body[0] as Expr;
    expect(e.location).toEqual({ file: FILE, line: 4, column: 3 });
    const call = e.value;
    if (call.type !== 'Call') throw new Error('expected call');
    expect(call.operator.location).toEqual({ file: FILE, line: 4, column: 5 });
    expect(call.args[0]?.location).toEqual({ file: FILE, line: 4, column: 3 });
    const ref = call.args[1];
    if (ref?.type !== 'Ref') throw new Error('expected ref');
    expect(ref.location).toMatchObject({ line: 4, column: 8 });
    expect(ref.path.map((p) => p.location.column)).toEqual([14, 16]);
  });
});

describe('statements', () => {
  it('parses some declarations', () => {
    expect(lits('some x')[0]?.value).toMatchObject({ type: 'SomeDecl', vars: [{ name: 'x' }] });
    expect(b('some x, y, _')).toBe('some x, y, _');
    expect(lits('some x in xs')[0]?.value).toMatchObject({ type: 'SomeIn', key: null, value: { name: 'x' }, collection: { name: 'xs' } });
    expect(lits('some k, v in obj')[0]?.value).toMatchObject({ type: 'SomeIn', key: { name: 'k' }, value: { name: 'v' }, collection: { name: 'obj' } });
    expect(b('some {"a": x} in input.xs')).toBe('some {"a": x} in input.xs');
    expect(b('some k, v in input with input.foo as "bar"')).toBe('some k, v in input with input.foo as "bar"');
  });

  it('parses every', () => {
    const e = lits('every x in xs {\n  x > 0\n  x < 9\n}')[0]?.value;
    expect(e).toMatchObject({ type: 'Every', key: null, value: { name: 'x' }, domain: { name: 'xs' } });
    expect(b('every k, v in {"a": 1} { k == "a"; v == 1 }')).toBe('every k, v in {"a": 1} { (equal k "a"); (equal v 1) }');
  });

  it('parses not and with', () => {
    const [e] = lits('not allow with input as {"a": 1} with data.x.y as y');
    expect(e).toMatchObject({ negated: true, value: { type: 'Var', name: 'allow' } });
    expect(e?.with.map((w) => [w.target.type, term(w.target), term(w.value)])).toEqual([
      ['Ref', 'input', '{"a": 1}'],
      ['Ref', 'data.x.y', 'y'],
    ]);
    expect(b('f(1) with f as g with time.now_ns as 1')).toBe('(f 1) with f as g with time.now_ns as 1');
    expect(expr(lits('not x == 1')[0] as Expr)).toBe('not (equal x 1)');
  });

  it('represents := and = as assign / eq calls', () => {
    const [e] = lits('x := 1');
    expect(e?.value).toMatchObject({ type: 'Call', infix: ':=', operator: { head: { name: 'assign' }, path: [] } });
    expect(b('[a, b] = [1, 2]')).toBe('(eq [a, b] [1, 2])');
  });
});

describe('expressions and precedence', () => {
  it('orders operators as OPA does', () => {
    expect(t('1 + 2 * 3')).toBe('(plus 1 (mul 2 3))');
    expect(t('1 - 2 - 3')).toBe('(minus (minus 1 2) 3)');
    expect(t('8 / 4 % 3 * 2')).toBe('(mul (rem (div 8 4) 3) 2)');
    expect(t('a | b & c')).toBe('(or a (and b c))');
    expect(t('a & b + c')).toBe('(and a (plus b c))');
    expect(t('a + 1 == b | c')).toBe('(equal (plus a 1) (or b c))');
    expect(t('a < b == c')).toBe('(equal (lt a b) c)');
    expect(t('a != b')).toBe('(neq a b)');
    expect(t('a <= b')).toBe('(lte a b)');
    expect(t('a >= b')).toBe('(gte a b)');
    expect(t('a > b')).toBe('(gt a b)');
    expect(t('(1 + 2) * 3')).toBe('(mul (plus 1 2) 3)');
    expect(t('x == 1 in xs')).toBe('(internal.member_2 (equal x 1) xs)');
  });

  it('parses membership', () => {
    expect(t('x in xs')).toBe('(internal.member_2 x xs)');
    expect(b('k, v in obj')).toBe('(internal.member_3 k v obj)');
    expect(t('1 in [1] in [true]')).toBe('(internal.member_2 (internal.member_2 1 [1]) [true])');
    // in lists, `,` separates elements; parentheses restore the key/value form
    expect(t('[1, 1 in [2]]')).toBe('[1, (internal.member_2 1 [2])]');
    expect(t('[(1, 1 in [2])]')).toBe('[(internal.member_3 1 1 [2])]');
    expect(t('f(1, 2 in xs)')).toBe('(f 1 (internal.member_2 2 xs))');
    const v = valueTerm('x in xs');
    expect(v).toMatchObject({ type: 'Call', infix: 'in', operator: { head: { name: 'internal' }, path: [{ value: 'member_2' }] } });
  });

  it('parses calls and refs', () => {
    expect(t('object.get(input, "a", 0)')).toBe('(object.get input "a" 0)');
    expect(t('time.now_ns()')).toBe('(time.now_ns )');
    expect(t('input.a[0].b[x]')).toBe('input.a[0].b[x]');
    expect(t('data.pkg["key"]')).toBe('data.pkg.key');
    expect(t('data.pkg["a-b"][_]')).toBe('data.pkg["a-b"][_]');
    expect(t('f(x)[0].y')).toBe('(f x)[0].y');
    expect(t('[1, 2][i]')).toBe('[1, 2][i]');
    expect(t('input.if.contains')).toBe('input.if.contains');
    expect(t('contains("abc", "b")')).toBe('(contains "abc" "b")');
    const ref = valueTerm('input.a[0]');
    expect(ref).toMatchObject({
      type: 'Ref',
      head: { type: 'Var', name: 'input' },
      path: [
        { type: 'String', value: 'a' },
        { type: 'Number', value: '0' },
      ],
    });
    expect(valueTerm('input')).toMatchObject({ type: 'Ref', head: { name: 'input' }, path: [] });
  });

  it('is whitespace sensitive for postfix ref/call syntax', () => {
    expect(() => mod('q := f (x)')).toThrow('test.rego:3:8: expected "if" or "{" after rule head, found "("');
    expect(() => t('input .a')).toThrow('expected "if" or "{" after rule head, found "."');
    expect(b('x := y\n[1, 2] == z')).toBe('(assign x y); (equal [1, 2] z)');
  });
});

describe('terms', () => {
  it('parses numbers', () => {
    expect(['0', '12', '3.25', '-1', '-0.5', '1e3', '1E+2', '2.5e-3', '-1e400', '1234567890123456789012'].map((n) => t(n))).toEqual([
      '0',
      '12',
      '3.25',
      '-1',
      '-0.5',
      '1e3',
      '1E+2',
      '2.5e-3',
      '-1e400',
      '1234567890123456789012',
    ]);
    expect(valueTerm('-2')).toMatchObject({ type: 'Number', value: '-2', location: { line: 3, column: 6 } });
    expect(t('1 - -2')).toBe('(minus 1 -2)');
    expect(t('1 -2')).toBe('(minus 1 2)');
  });

  it('parses strings', () => {
    expect(valueTerm('"a\\"b\\\\c\\n\\t\\u00e9\\/"')).toMatchObject({ type: 'String', value: 'a"b\\c\n\té/', raw: false });
    expect(valueTerm('`raw \\n\nstring`')).toMatchObject({ type: 'String', value: 'raw \\n\nstring', raw: true });
    expect(valueTerm('"\\ud83d\\ude00"')).toMatchObject({ value: '😀' });
  });

  it('parses scalars, arrays, objects and sets', () => {
    expect(t('[true, false, null]')).toBe('[true, false, null]');
    expect(t('[]')).toBe('[]');
    expect(t('{}')).toBe('{}');
    expect(valueTerm('{}').type).toBe('Object');
    expect(t('{"a": 1, "b": [2,], }')).toBe('{"a": 1, "b": [2]}');
    expect(t('{1, 2}')).toBe('{1, 2}');
    expect(t('{1}')).toBe('{1}');
    expect(valueTerm('set()')).toMatchObject({ type: 'Set', items: [] });
    expect(t('{a + 1: b}')).toBe('{(plus a 1): b}');
    expect(t('[\n  1,\n  2,\n]')).toBe('[1, 2]');
  });

  it('parses comprehensions', () => {
    expect(valueTerm('[x | some x in xs]')).toMatchObject({ type: 'ArrayComprehension', term: { name: 'x' }, body: [{ value: { type: 'SomeIn' } }] });
    expect(valueTerm('{x | x := 1}')).toMatchObject({ type: 'SetComprehension' });
    expect(valueTerm('{k: v | some k, v in o}')).toMatchObject({ type: 'ObjectComprehension', key: { name: 'k' }, value: { name: 'v' } });
    expect(t('[y | x = [1, 2][_]; y := f(x)]')).toBe('[y | (eq x [1, 2][_]); (assign y (f x))]');
    expect(t('{x: y | z = {i: q | i = data.b[q]}; x = z[y]}')).toBe('{x: y | (eq z {i: q | (eq i data.b[q])}); (eq x z[y])}');
    expect(t('[x |\n  some x in xs\n  x > 1\n]')).toBe('[x | some x in xs; (gt x 1)]');
    // a comprehension head is a plain term: `{a | b}` is a comprehension, `{a | b, c}` a set
    expect(t('{a | b}')).toBe('{a | b}');
    expect(t('{a | b, c}')).toBe('{(or a b), c}');
    expect(t('s1 | s2')).toBe('(or s1 s2)');
  });
});

describe('policy packs', () => {
  it('parses a representative v1 policy', () => {
    const m = parseModule(
      `package authz

import rego.v1

default allow := false

allow if count(reasons) == 0

decision := {
\t"allow": allow,
\t"reasons": sort([r | some r in reasons]),
}

reasons contains msg if {
\tnot input.agent in object.keys(tables)
\tmsg := sprintf("bad %s", [input.agent])
}

test_x if {
\tevery a in ["x", "y"] {
\t\tdecision.allow with input as {"agent": a}
\t}
}
`,
      'authz.rego',
    );
    expect(m.rules.map(rule)).toEqual([
      'default complete allow := false',
      'complete allow if { (equal (count reasons) 0) }',
      'complete decision := {"allow": allow, "reasons": (sort [r | some r in reasons])}',
      'partialSet reasons contains msg if { not (internal.member_2 input.agent (object.keys tables)); (assign msg (sprintf "bad %s" [input.agent])) }',
      'complete test_x if { every a in ["x", "y"] { decision.allow with input as {"agent": a} } }',
    ]);
  });
});
