/**
 * Built-in functions this compiler translates, by OPA name. `native`: compiled into the module
 * (runtime/builtins.ts); `host`: called through the SDK's opa_builtinN import (the host must
 * provide it, e.g. time.now_ns from the host clock). Anything else is a compile-time
 * "unsupported built-in" error, never a wrong answer.
 */
export interface BuiltinSpec {
  readonly arity: number;
  readonly impl: 'native' | 'host';
  /** True for relations whose result is a boolean (a false result fails the literal). */
  readonly relation?: boolean;
  /**
   * Operand types (`number|set`, `any`), for OPA's error code under strict built-in errors: an
   * operand of another type is eval_type_error, any other failure eval_builtin_error.
   */
  readonly operands?: readonly string[];
}

const native = (arity: number, relation = false, operands?: string): BuiltinSpec => ({
  arity,
  impl: 'native',
  relation,
  ...(operands ? { operands: operands.split(' ') } : {}),
});
const typed = (operands: string): BuiltinSpec => native(operands.split(' ').length, false, operands);

export const BUILTINS: ReadonlyMap<string, BuiltinSpec> = new Map<string, BuiltinSpec>([
  // operators
  ['plus', typed('number number')],
  ['minus', typed('number|set number|set')],
  ['mul', typed('number number')],
  ['div', typed('number number')],
  ['rem', typed('number number')],
  ['or', typed('set set')],
  ['and', typed('set set')],
  ['equal', native(2, true)],
  ['neq', native(2, true)],
  ['lt', native(2, true)],
  ['lte', native(2, true)],
  ['gt', native(2, true)],
  ['gte', native(2, true)],
  ['internal.member_2', native(2, true)],
  ['internal.member_3', native(3, true)],
  // aggregates and numbers
  ['count', typed('string|array|object|set')],
  ['sum', typed('array|set')],
  ['product', typed('array|set')],
  ['max', typed('array|set')],
  ['min', typed('array|set')],
  ['sort', typed('array|set')],
  ['abs', typed('number')],
  ['round', typed('number')],
  ['ceil', typed('number')],
  ['floor', typed('number')],
  ['numbers.range', typed('number number')],
  // strings
  ['concat', typed('string array|set')],
  ['contains', typed('string string')],
  ['startswith', typed('string string')],
  ['endswith', typed('string string')],
  ['lower', typed('string')],
  ['upper', typed('string')],
  ['trim', typed('string string')],
  ['trim_left', typed('string string')],
  ['trim_right', typed('string string')],
  ['trim_prefix', typed('string string')],
  ['trim_suffix', typed('string string')],
  ['trim_space', typed('string')],
  ['split', typed('string string')],
  ['replace', typed('string string string')],
  ['substring', typed('string number number')],
  ['indexof', typed('string string')],
  ['sprintf', typed('string array')],
  ['format_int', typed('number number')],
  // objects, arrays, sets
  ['object.get', typed('object any any')],
  ['object.keys', typed('object')],
  ['object.union', typed('object object')],
  ['object.remove', typed('object array|set|object')],
  ['array.concat', typed('array array')],
  ['array.slice', typed('array number number')],
  ['array.reverse', typed('array')],
  ['object.union_n', typed('array')],
  ['object.filter', typed('object array|set|object')],
  ['union', typed('set')],
  ['intersection', typed('set')],
  // types
  ['is_number', native(1)],
  ['is_string', native(1)],
  ['is_boolean', native(1)],
  ['is_array', native(1)],
  ['is_set', native(1)],
  ['is_object', native(1)],
  ['is_null', native(1)],
  ['type_name', native(1)],
  ['to_number', typed('null|boolean|number|string')],
  // time, regex
  ['time.parse_rfc3339_ns', typed('string')],
  ['time.now_ns', { arity: 0, impl: 'host' }],
  ['regex.match', typed('string string')],
]);
