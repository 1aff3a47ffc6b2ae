/** CHECK stage: grouping, name resolution, safety ordering and the errors it reports. */
import type { Expr } from '../src/ast';
import { checkModules } from '../src/check/check';
import { RegoCompileErrors } from '../src/check/errors';
import type { Program } from '../src/check/program';
import { parseModule } from '../src/parser';

function check(...sources: string[]): Program {
  return checkModules(sources.map((s, i) => parseModule(s, `m${i}.rego`)));
}

function errorsOf(...sources: string[]): string[] {
  try {
    check(...sources);
  } catch (error) {
    if (error instanceof RegoCompileErrors) return error.errors.map((e) => e.message);
    throw error;
  }
  throw new Error('expected compile errors');
}

/** The body literals of the first definition of `name`, as source-ish text of their first token. */
function order(program: Program, name: string): string[] {
  const body = program.groups.get(name)?.definitions[0]?.body ?? [];
  return body.map((lit: Expr) => `${lit.location.line}`);
}

test('rules are grouped by their data path; ref heads and partial rules get the OPA entrypoint names', () => {
  const p = check(`package a.b
allow if true
allow if false
x.y.z := 1
s contains 1
o[k] := 1 if some k in ["p"]
f(x) := x
`);
  expect([...p.groups.keys()]).toEqual(['a/b/allow', 'a/b/x/y/z', 'a/b/s', 'a/b/o', 'a/b/f']);
  expect(p.groups.get('a/b/allow')?.definitions).toHaveLength(2);
  expect(p.groups.get('a/b/o')?.kind).toBe('partialObject');
  expect(p.groups.get('a/b/f')?.arity).toBe(1);
});

test('body literals are reordered so every variable is bound before use', () => {
  const p = check(`package t
p if {
  x > 1
  y := x + 1
  x := input.x
}
`);
  // line 5 (x := input.x) first, then line 3 (x > 1), then line 4
  expect(order(p, 't/p')).toEqual(['5', '3', '4']);
});

test('unsafe variables are reported with their position', () => {
  expect(errorsOf('package t\np if {\n  x > 1\n}\n')).toEqual(['m0.rego:3:3: rego_unsafe_var_error: var x is unsafe']);
  expect(errorsOf('package t\np contains x if {\n  input.a == 1\n}\n')[0]).toMatch(/^m0\.rego:2:12: rego_unsafe_var_error: var x is unsafe$/);
  // a negated literal cannot bind
  expect(errorsOf('package t\np if {\n  not input.a[x]\n  x == 1\n}\n')[0]).toMatch(/var x is unsafe/);
});

test('a variable only used inside a negation is local to it', () => {
  expect(() => check('package t\np if {\n  not input.a[x] == 2\n}\n')).not.toThrow();
});

test('recursion through rules and functions is an error naming the cycle', () => {
  const [message] = errorsOf('package t\np if q\nq if r\nr if p\n');
  expect(message).toMatch(/rego_recursion_error: rule data\.t\.\w+ is recursive: (\w+ -> ){3}\w+/);
  expect(errorsOf('package t\nf(x) := y if y := f(x)\n')[0]).toMatch(/recursive: f -> f/);
});

test('unknown functions, unsupported built-ins and wrong arities are reported', () => {
  expect(errorsOf('package t\np if nope(1)\n')).toEqual(['m0.rego:2:6: rego_type_error: undefined function nope']);
  expect(errorsOf('package t\np if count(1, 2, 3)\n')[0]).toMatch(/count: arity mismatch: expected 1 arguments, got 3/);
  const unsupported = (() => {
    try {
      check('package t\np if crypto.sha256("x")\n');
    } catch (error) {
      return error as RegoCompileErrors;
    }
    return undefined;
  })();
  expect(unsupported?.unsupportedOnly).toBe(true);
  expect(unsupported?.message).toBe('m0.rego:2:6: unsupported: unsupported built-in crypto.sha256');
});

test('the output form of a built-in or function binds its last argument', () => {
  expect(() => check('package t\np := n if count([1, 2], n)\n')).not.toThrow();
  expect(() => check('package t\nf(x) := x\np := y if f(1, y)\n')).not.toThrow();
});

test('rule names resolve to data refs; locals and imports shadow or alias them', () => {
  const p = check(
    `package t
import data.lib.helpers as h
q := 1
p := x if {
  x := q
}
r := q if {
  q := 2
}
s := h.v
`,
    'package lib.helpers\nv := 3\n',
  );
  const lit = p.groups.get('t/p')?.definitions[0]?.body[0];
  expect(lit?.value.type === 'Call' && lit.value.args[1]?.type).toBe('Ref');
  const shadowed = p.groups.get('t/r')?.definitions[0]?.body[0];
  expect(shadowed?.value.type === 'Call' && shadowed.value.args[1]?.type).toBe('Number');
  const aliased = p.groups.get('t/s')?.definitions[0]?.head.value;
  expect(aliased?.type === 'Ref' && aliased.path.map((t) => (t.type === 'String' ? t.value : '?'))).toEqual(['lib', 'helpers', 'v']);
});

test('conflicting kinds for one path and repeated defaults are errors', () => {
  expect(errorsOf('package t\np := 1\np contains 2\n')[0]).toMatch(/conflicting rules data\.t\.p found/);
  expect(errorsOf('package t\ndefault p := 1\ndefault p := 2\n')[0]).toMatch(/multiple default rules data\.t\.p found/);
});
