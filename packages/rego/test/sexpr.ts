/** Compact s-expression rendering of AST nodes, used to assert parse shapes in tests. */
import type { Body, Expr, Rule, Term } from '../src/ast';

export function term(t: Term): string {
  switch (t.type) {
    case 'Null':
      return 'null';
    case 'Boolean':
      return String(t.value);
    case 'Number':
      return t.value;
    case 'String':
      return JSON.stringify(t.value);
    case 'Var':
      return t.name;
    case 'Ref':
      return `${term(t.head)}${t.path.map((p) => (p.type === 'String' && /^[A-Za-z_]\w*$/.test(p.value) ? `.${p.value}` : `[${term(p)}]`)).join('')}`;
    case 'Array':
      return `[${t.items.map(term).join(', ')}]`;
    case 'Set':
      return t.items.length === 0 ? 'set()' : `{${t.items.map(term).join(', ')}}`;
    case 'Object':
      return `{${t.entries.map((e) => `${term(e.key)}: ${term(e.value)}`).join(', ')}}`;
    case 'ArrayComprehension':
      return `[${term(t.term)} | ${body(t.body)}]`;
    case 'SetComprehension':
      return `{${term(t.term)} | ${body(t.body)}}`;
    case 'ObjectComprehension':
      return `{${term(t.key)}: ${term(t.value)} | ${body(t.body)}}`;
    case 'Call':
      return `(${term(t.operator)} ${t.args.map(term).join(' ')})`;
  }
}

export function expr(e: Expr): string {
  let s: string;
  const v = e.value;
  switch (v.type) {
    case 'SomeDecl':
      s = `some ${v.vars.map(term).join(', ')}`;
      break;
    case 'SomeIn':
      s = `some ${v.key ? `${term(v.key)}, ` : ''}${term(v.value)} in ${term(v.collection)}`;
      break;
    case 'Every':
      s = `every ${v.key ? `${term(v.key)}, ` : ''}${term(v.value)} in ${term(v.domain)} { ${body(v.body)} }`;
      break;
    default:
      s = term(v);
  }
  if (e.negated) s = `not ${s}`;
  for (const w of e.with) s += ` with ${term(w.target)} as ${term(w.value)}`;
  return s;
}

export function body(b: Body): string {
  return b.map(expr).join('; ');
}

export function rule(r: Rule): string {
  const h = r.head;
  let s = `${r.default ? 'default ' : ''}${h.kind} ${term(h.ref)}`;
  if (h.args) s += `(${h.args.map(term).join(', ')})`;
  if (h.kind === 'partialSet' && h.key) s += ` contains ${term(h.key)}`;
  if (h.value && !h.generatedValue) s += ` ${h.assign ? ':=' : '='} ${term(h.value)}`;
  if (r.body.length > 0) s += ` if { ${body(r.body)} }`;
  if (r.else) s += ` else${rule(r.else).replace(/^\w+ \S+/, '')}`;
  return s;
}
