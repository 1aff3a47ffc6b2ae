/**
 * OPA's conformance cases (../shared/corpora/opa-conformance) through this compiler and the
 * official SDK (@open-policy-agent/opa-wasm). A case's query becomes a rule of a synthetic
 * package whose value is the set of its bindings; its result set is compared with want_result.
 */
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compilePolicy, parseModule, RegoCompileErrors, RegoSyntaxError } from '../../src';
import { termVars } from '../../src/check/check';
import type { ConformanceCase } from './cases';

export type Outcome = { status: 'pass' } | { status: 'unsupported'; detail: string } | { status: 'wrong'; detail: string };

/** Variables of a query, in order of appearance (the binding names). */
function queryVars(query: string): string[] {
  const m = parseModule(`package __q\n\n__q if {\n${query}\n}\n`, 'query.rego');
  const vars = new Set<string>();
  for (const lit of m.rules[0]?.body ?? []) {
    const v = lit.value;
    if (v.type === 'SomeDecl' || v.type === 'Every') continue;
    if (v.type === 'SomeIn') {
      termVars(v.collection, vars);
      termVars(v.value, vars);
      if (v.key) termVars(v.key, vars);
    } else termVars(v, vars);
  }
  return [...vars].filter((v) => v !== '_' && !v.startsWith('$'));
}

/** JSON text with object keys sorted (and, when `sortArrays`, arrays sorted by that text). */
function canonical(v: unknown, sortArrays: boolean): string {
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x, sortArrays));
    if (sortArrays) items.sort();
    return `[${items.join(',')}]`;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x, sortArrays)}`).join(',')}}`;
  }
  // numbers: 1 and 1.0 are the same value
  return JSON.stringify(v);
}

const QUERY_PACKAGE = '__conformance_query__';

export async function runCase(c: ConformanceCase): Promise<Outcome> {
  let input: unknown = c.input;
  if (c.input_term !== undefined) {
    try {
      input = JSON.parse(c.input_term);
    } catch {
      return { status: 'unsupported', detail: `input_term ${c.input_term} is not JSON` };
    }
  }
  const vars = queryVars(c.query);
  const bindings = `{${vars.map((v) => `${JSON.stringify(v)}: ${v}`).join(', ')}}`;
  const queryModule = `package ${QUERY_PACKAGE}\n\nresults contains ${bindings} if {\n${c.query}\n}\n`;
  const sources = [...(c.modules ?? []).map((text, i) => ({ path: `module${i}.rego`, text })), { path: 'query.rego', text: queryModule }];
  let result: unknown;
  try {
    const compiled = await compilePolicy(sources, { entrypoints: [`${QUERY_PACKAGE}/results`], strictBuiltinErrors: c.strict_error === true });
    const policy = await loadPolicy(compiled.wasm, undefined, {
      'time.now_ns': () => Date.now() * 1e6,
    });
    if (c.data !== undefined) policy.setData(c.data as object);
    const rs = policy.evaluate(input) as { result: unknown }[];
    result = rs[0]?.result;
  } catch (error) {
    if (error instanceof RegoCompileErrors && error.unsupportedOnly) return { status: 'unsupported', detail: error.message };
    const message = error instanceof Error ? error.message : String(error);
    if (c.want_error_code !== undefined) {
      if (message.includes(c.want_error_code)) return { status: 'pass' };
      return { status: 'wrong', detail: `want error ${c.want_error_code}, got: ${message}` };
    }
    if (error instanceof RegoSyntaxError || error instanceof RegoCompileErrors) return { status: 'wrong', detail: `compile error: ${message}` };
    return { status: 'wrong', detail: `error: ${message}` };
  }
  if (c.want_error_code !== undefined) return { status: 'wrong', detail: `want error ${c.want_error_code}, got result ${JSON.stringify(result)}` };
  const got = Array.isArray(result) ? result : [];
  const want = c.want_result ?? [];
  const sortArrays = c.sort_bindings === true;
  const a = got.map((g) => canonical(g, sortArrays)).sort();
  const b = want.map((w) => canonical(w, sortArrays)).sort();
  if (a.length === b.length && a.every((x, i) => x === b[i])) return { status: 'pass' };
  return { status: 'wrong', detail: `want ${b.join(' ')}\n got ${a.join(' ')}` };
}
