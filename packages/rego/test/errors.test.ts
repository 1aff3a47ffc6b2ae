import { RegoSyntaxError, parseModule } from '../src/index';

function err(src: string): RegoSyntaxError {
  try {
    parseModule(src, 'policy.rego');
  } catch (e) {
    if (e instanceof RegoSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for:\n${src}`);
}

describe('syntax errors', () => {
  const cases: [string, string, string][] = [
    ['garbage after rule head', 'package p\n\np := 1 [x]\n', 'policy.rego:3:8: expected "if" or "{" after rule head, found "["'],
    [
      'v0 body without if',
      'package p\n\np {\n  true\n}\n',
      'policy.rego:3:3: expected "if" before rule body, found "{" (Rego v1 requires `if` before a rule body)',
    ],
    ['two expressions on one line', 'package p\n\np if {\n  x := 1 y := 2\n}\n', 'policy.rego:4:10: expected newline, ";" or "}" after expression, found "y"'],
    ['unterminated array', 'package p\n\np if {\n  x := [1, 2\n}\n', 'policy.rego:5:1: expected "," or "]", found "}"'],
    ['missing package', 'p := 1\n', 'policy.rego:1:1: expected "package" at start of module, found "p"'],
    ['unterminated string', 'package p\n\nx := "abc\n', 'policy.rego:3:6: non-terminated string: expected closing "\\"" before end of line'],
    ['empty body', 'package p\np if {\n}\n', 'policy.rego:3:1: expected expression (empty body), found "}"'],
    ['object missing colon', 'package p\np := {"a" 1}\n', 'policy.rego:2:11: expected ",", ":" or "}" in set or object, found number 1'],
    ['every without body', 'package p\np if { every x in xs }\n', 'policy.rego:2:22: expected "{" after "every" domain, found "}"'],
    ['some with non-var', 'package p\np if { some 1 }\n', 'policy.rego:2:13: expected variable after "some", found number 1'],
    ['unexpected end of file', 'package p\np := f(1,\n', 'policy.rego:3:1: expected term, found end of file'],
    ['if without body', 'package p\np if\n', 'policy.rego:3:1: expected rule body after "if", found end of file'],
    [
      'unary minus on a var',
      'package p\np := -x\n',
      'policy.rego:2:7: expected number after unary "-" (Rego has no unary minus on non-numbers; write 0 - x), found "x"',
    ],
    ['leading zero', 'package p\np := 007\n', 'policy.rego:2:6: invalid number 007: expected number without leading zero'],
    ['bad escape', 'package p\np := "a\\qb"\n', 'policy.rego:2:6: illegal escape sequence "\\q"'],
    ['bang', 'package p\np if { x = ! }\n', 'policy.rego:2:12: illegal "!" character (did you mean "!=" or "not"?)'],
    ['with target', 'package p\np if { input.x with 1 as 2 }\n', 'policy.rego:2:21: expected identifier after "with", found number 1'],
    ['with missing as', 'package p\np if { input.x with input.y 2 }\n', 'policy.rego:2:29: expected "as" after "with" target, found number 2'],
    ['else on multi-value rule', 'package p\np contains x if { x := 1 } else := 2\n', 'policy.rego:2:28: else keyword cannot be used on multi-value rules'],
    ['else without preceding body', 'package p\np := 1 else := 2\n', 'policy.rego:2:8: expected "if" or "{" after rule head, found "else"'],
    [
      'partial set without contains',
      'package p\n\np[x]\n',
      'policy.rego:3:1: rule "p" has neither a value nor a body: expected ":=", "=", "contains" or "if" after rule head (Rego v1 requires `contains` for partial set rules)',
    ],
    ['default with var', 'package p\ndefault p := x\n', 'policy.rego:2:14: illegal default rule: value cannot contain var'],
    ['default with body', 'package p\ndefault p := 1 if { true }\n', 'policy.rego:2:16: illegal default rule: default rules cannot have a body'],
    ['second package', 'package p\np := 1\npackage q\n', 'policy.rego:3:1: unexpected "package": a module has exactly one package declaration'],
    [
      'bad import root',
      'package p\n\nimport foo.bar\n',
      'policy.rego:3:8: unexpected import path, must begin with one of: data, input, future, rego; got: foo',
    ],
    [
      'unknown future keyword',
      'package p\nimport future.keywords.foo\n',
      'policy.rego:2:24: invalid import: unknown future keyword "foo" (expected one of: in, every, contains, if, not)',
    ],
    ['negated some', 'package p\np if { not some x in y }\n', 'policy.rego:2:12: illegal negation of "some"'],
    ['empty comprehension body', 'package p\np := [x | ]\n', 'policy.rego:2:11: expected expression (empty body), found "]"'],
    ['statement that is not a rule', 'package p\n\n{"a": 1}\n', 'policy.rego:3:1: expected "import", "default" or rule name, found "{"'],
    ['unclosed paren', 'package p\np := (1 + 2\nq := 1\n', 'policy.rego:3:1: expected ")" to close parenthesized expression, found "q"'],
    ['dot without identifier', 'package p\np := input. a\n', 'policy.rego:2:13: expected identifier after ".", found "a"'],
    [
      'call on a computed ref',
      'package p\np := x[0](1)\n',
      'policy.rego:2:10: illegal call: the function must be a name (e.g. f(x), object.get(o, k, d), data.lib.f(x))',
    ],
    ['illegal character', 'package p\np := 1 ^ 2\n', 'policy.rego:2:8: illegal character "^"'],
    ['template string', 'package p\np := $"x{1}"\n', 'policy.rego:2:6: template strings ($"...") are not supported'],
    ['unterminated raw string', 'package p\np := `abc\n', 'policy.rego:2:6: non-terminated raw string: expected closing "`"'],
    ['bad exponent', 'package p\np := 1e\n', 'policy.rego:2:6: expected exponent digits in number'],
  ];

  it.each(cases)('%s', (_name, src, message) => {
    const e = err(src);
    expect(e).toBeInstanceOf(RegoSyntaxError);
    expect(e.message).toBe(message);
  });

  it('exposes file, line, column, expected and found', () => {
    const e = err('package p\n\np := 1 [x]\n');
    expect(e).toMatchObject({ file: 'policy.rego', line: 3, column: 8, expected: ['"if"', '"{"'], found: '"["', name: 'RegoSyntaxError' });
    expect(e.detail).toBe('expected "if" or "{" after rule head, found "["');
  });

  it('counts columns in code points, tabs as one column', () => {
    expect(err('package p\np := "😀é" +\t@\n').message).toBe('policy.rego:2:13: illegal character "@"');
  });

  it('reports deep nesting as a syntax error instead of overflowing the stack', () => {
    const e = err(`package p\np := ${'['.repeat(5000)}`);
    expect(e.detail).toMatch(/maximum nesting depth/);
  });
});
