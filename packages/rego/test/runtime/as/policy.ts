// Hand-written stand-in for a generated policy.ts (AssemblyScript), compiled with the
// runtime by the tests in ../runtime.test.ts. Entrypoints exercise the runtime API.
import {
  Value, Arr, Obj, SetV, mkNull, mkBool, mkNum, mkStr, mkArr, mkObj, mkSet, dot, len, keyAt, valAt, equal, compare,
  KIND_ARRAY, KIND_OBJECT, KIND_STRING, numOf, strOf,
} from "./value";
import { abortWith, callHost0, callHost2, printLine } from "./abi";
import {
  bi_abs,
  bi_object_union_n,
  bi_round,
  bi_ceil,
  bi_floor,
  bi_count,
  bi_sum,
  bi_product,
  bi_max,
  bi_min,
  bi_sort,
  bi_union,
  bi_intersection,
  bi_lower,
  bi_upper,
  bi_trim_space,
  bi_object_keys,
  bi_array_reverse,
  bi_is_number,
  bi_is_string,
  bi_is_boolean,
  bi_is_array,
  bi_is_set,
  bi_is_object,
  bi_is_null,
  bi_type_name,
  bi_to_number,
  bi_time_parse_rfc3339_ns,
  bi_plus,
  bi_minus,
  bi_mul,
  bi_div,
  bi_rem,
  bi_and,
  bi_or,
  bi_equal,
  bi_neq,
  bi_lt,
  bi_lte,
  bi_gt,
  bi_gte,
  bi_numbers_range,
  bi_concat,
  bi_contains,
  bi_startswith,
  bi_endswith,
  bi_trim,
  bi_trim_left,
  bi_trim_right,
  bi_trim_prefix,
  bi_trim_suffix,
  bi_split,
  bi_indexof,
  bi_sprintf,
  bi_format_int,
  bi_object_union,
  bi_object_remove,
  bi_object_filter,
  bi_array_concat,
  bi_regex_match,
  bi_replace,
  bi_substring,
  bi_object_get,
  bi_array_slice,
} from "./builtins";

export const ENTRYPOINTS_JSON: string =
  '{"t/input":0,"t/sum":1,"t/set":2,"t/object":3,"t/undef":4,"t/conflict":5,"t/host":6,"t/apply":7,"t/compare":8,"t/collections":9,"t/data":10,"t/as_abort":11,"t/print":12,"t/access":13}';
export const BUILTINS_JSON: string = '{"custom.add":0,"time.now_ns":1}';

function result(v: Value): Value {
  const rs = mkArr();
  const o = mkObj();
  o.set(mkStr("result"), v);
  rs.push(o);
  return rs;
}

function resultOrUndefined(v: Value | null): Value {
  return v === null ? mkArr() : result(v);
}

/** Test convenience: {"__set": [...]} in an input stands for a set (JSON has no sets). */
function decode(v: Value): Value {
  if (v.kind == KIND_ARRAY) {
    const out = mkArr();
    for (let i = 0; i < len(v); i++) out.push(decode(valAt(v, i)));
    return out;
  }
  if (v.kind == KIND_OBJECT) {
    const items = dot(v, mkStr("__set"));
    if (len(v) == 1 && items !== null && items.kind == KIND_ARRAY) {
      const s = mkSet();
      for (let i = 0; i < len(items); i++) s.add(decode(valAt(items, i)));
      return s;
    }
    const out = mkObj();
    for (let i = 0; i < len(v); i++) out.set(decode(keyAt(v, i)), decode(valAt(v, i)));
    return out;
  }
  return v;
}

function apply(f: string, raw: Array<Value>): Value | null {
  const a = new Array<Value>();
  for (let i = 0; i < raw.length; i++) a.push(decode(raw[i]));
  if (f == "object.union_n") return a.length == 1 ? bi_object_union_n(a[0]) : null;
  if (f == "abs") return a.length == 1 ? bi_abs(a[0]) : null;
  if (f == "round") return a.length == 1 ? bi_round(a[0]) : null;
  if (f == "ceil") return a.length == 1 ? bi_ceil(a[0]) : null;
  if (f == "floor") return a.length == 1 ? bi_floor(a[0]) : null;
  if (f == "count") return a.length == 1 ? bi_count(a[0]) : null;
  if (f == "sum") return a.length == 1 ? bi_sum(a[0]) : null;
  if (f == "product") return a.length == 1 ? bi_product(a[0]) : null;
  if (f == "max") return a.length == 1 ? bi_max(a[0]) : null;
  if (f == "min") return a.length == 1 ? bi_min(a[0]) : null;
  if (f == "sort") return a.length == 1 ? bi_sort(a[0]) : null;
  if (f == "union") return a.length == 1 ? bi_union(a[0]) : null;
  if (f == "intersection") return a.length == 1 ? bi_intersection(a[0]) : null;
  if (f == "lower") return a.length == 1 ? bi_lower(a[0]) : null;
  if (f == "upper") return a.length == 1 ? bi_upper(a[0]) : null;
  if (f == "trim_space") return a.length == 1 ? bi_trim_space(a[0]) : null;
  if (f == "object.keys") return a.length == 1 ? bi_object_keys(a[0]) : null;
  if (f == "array.reverse") return a.length == 1 ? bi_array_reverse(a[0]) : null;
  if (f == "is_number") return a.length == 1 ? bi_is_number(a[0]) : null;
  if (f == "is_string") return a.length == 1 ? bi_is_string(a[0]) : null;
  if (f == "is_boolean") return a.length == 1 ? bi_is_boolean(a[0]) : null;
  if (f == "is_array") return a.length == 1 ? bi_is_array(a[0]) : null;
  if (f == "is_set") return a.length == 1 ? bi_is_set(a[0]) : null;
  if (f == "is_object") return a.length == 1 ? bi_is_object(a[0]) : null;
  if (f == "is_null") return a.length == 1 ? bi_is_null(a[0]) : null;
  if (f == "type_name") return a.length == 1 ? bi_type_name(a[0]) : null;
  if (f == "to_number") return a.length == 1 ? bi_to_number(a[0]) : null;
  if (f == "time.parse_rfc3339_ns") return a.length == 1 ? bi_time_parse_rfc3339_ns(a[0]) : null;
  if (f == "plus") return a.length == 2 ? bi_plus(a[0], a[1]) : null;
  if (f == "minus") return a.length == 2 ? bi_minus(a[0], a[1]) : null;
  if (f == "mul") return a.length == 2 ? bi_mul(a[0], a[1]) : null;
  if (f == "div") return a.length == 2 ? bi_div(a[0], a[1]) : null;
  if (f == "rem") return a.length == 2 ? bi_rem(a[0], a[1]) : null;
  if (f == "and") return a.length == 2 ? bi_and(a[0], a[1]) : null;
  if (f == "or") return a.length == 2 ? bi_or(a[0], a[1]) : null;
  if (f == "equal") return a.length == 2 ? bi_equal(a[0], a[1]) : null;
  if (f == "neq") return a.length == 2 ? bi_neq(a[0], a[1]) : null;
  if (f == "lt") return a.length == 2 ? bi_lt(a[0], a[1]) : null;
  if (f == "lte") return a.length == 2 ? bi_lte(a[0], a[1]) : null;
  if (f == "gt") return a.length == 2 ? bi_gt(a[0], a[1]) : null;
  if (f == "gte") return a.length == 2 ? bi_gte(a[0], a[1]) : null;
  if (f == "numbers.range") return a.length == 2 ? bi_numbers_range(a[0], a[1]) : null;
  if (f == "concat") return a.length == 2 ? bi_concat(a[0], a[1]) : null;
  if (f == "contains") return a.length == 2 ? bi_contains(a[0], a[1]) : null;
  if (f == "startswith") return a.length == 2 ? bi_startswith(a[0], a[1]) : null;
  if (f == "endswith") return a.length == 2 ? bi_endswith(a[0], a[1]) : null;
  if (f == "trim") return a.length == 2 ? bi_trim(a[0], a[1]) : null;
  if (f == "trim_left") return a.length == 2 ? bi_trim_left(a[0], a[1]) : null;
  if (f == "trim_right") return a.length == 2 ? bi_trim_right(a[0], a[1]) : null;
  if (f == "trim_prefix") return a.length == 2 ? bi_trim_prefix(a[0], a[1]) : null;
  if (f == "trim_suffix") return a.length == 2 ? bi_trim_suffix(a[0], a[1]) : null;
  if (f == "split") return a.length == 2 ? bi_split(a[0], a[1]) : null;
  if (f == "indexof") return a.length == 2 ? bi_indexof(a[0], a[1]) : null;
  if (f == "sprintf") return a.length == 2 ? bi_sprintf(a[0], a[1]) : null;
  if (f == "format_int") return a.length == 2 ? bi_format_int(a[0], a[1]) : null;
  if (f == "object.union") return a.length == 2 ? bi_object_union(a[0], a[1]) : null;
  if (f == "object.remove") return a.length == 2 ? bi_object_remove(a[0], a[1]) : null;
  if (f == "object.filter") return a.length == 2 ? bi_object_filter(a[0], a[1]) : null;
  if (f == "array.concat") return a.length == 2 ? bi_array_concat(a[0], a[1]) : null;
  if (f == "regex.match") return a.length == 2 ? bi_regex_match(a[0], a[1]) : null;
  if (f == "replace") return a.length == 3 ? bi_replace(a[0], a[1], a[2]) : null;
  if (f == "substring") return a.length == 3 ? bi_substring(a[0], a[1], a[2]) : null;
  if (f == "object.get") return a.length == 3 ? bi_object_get(a[0], a[1], a[2]) : null;
  if (f == "array.slice") return a.length == 3 ? bi_array_slice(a[0], a[1], a[2]) : null;
  abortWith("unknown built-in " + f);
  return null;
}

export function evalEntrypoint(entrypoint: i32, input: Value | null, data: Value): Value {
  switch (entrypoint) {
    case 0:
      return input === null ? mkArr() : result(input);
    case 1: {
      if (input === null) return mkArr();
      const x = dot(input, mkStr("x"));
      const y = dot(data, mkStr("y"));
      if (x === null || y === null) return mkArr();
      return resultOrUndefined(bi_plus(x, y));
    }
    case 2: {
      const s = mkSet();
      s.add(mkNum(3));
      s.add(mkStr("a"));
      s.add(mkNum(1));
      const inner = mkArr();
      inner.push(mkNum(1));
      s.add(inner);
      s.add(mkNum(2));
      s.add(mkNum(1.0));
      s.add(mkBool(false));
      s.add(mkNull());
      return result(s);
    }
    case 3: {
      const o = mkObj();
      o.insert(mkStr("b"), mkNum(1));
      const arr = mkArr();
      arr.push(mkBool(true));
      arr.push(mkNull());
      o.insert(mkStr("a"), arr);
      o.insert(mkNum(2), mkStr("number key"));
      const k = mkArr();
      k.push(mkStr("k"));
      o.insert(k, mkNum(1));
      const ok1 = o.insert(mkStr("b"), mkNum(1)); // same value: fine
      const ok2 = o.insert(mkStr("b"), mkNum(2)); // conflict
      o.set(mkStr("c"), mkBool(ok1 && !ok2));
      o.set(mkStr("c"), mkBool(ok1 && !ok2 && o.get(mkStr("zz")) === null));
      return result(o);
    }
    case 4:
      return mkArr();
    case 5:
      abortWith("eval_conflict_error: complete rules must not produce multiple outputs");
      return mkArr();
    case 6: {
      if (input === null) return mkArr();
      const r = callHost2(0, dot(input, mkStr("a"))!, dot(input, mkStr("b"))!);
      const o = mkObj();
      o.set(mkStr("sum"), r === null ? mkStr("undefined") : r);
      const t = callHost0(1);
      o.set(mkStr("now"), t === null ? mkStr("undefined") : t);
      return result(o);
    }
    case 7: {
      if (input === null) return mkArr();
      const f = dot(input, mkStr("f"));
      const args = dot(input, mkStr("args"));
      if (f === null || args === null || f.kind != KIND_STRING || args.kind != KIND_ARRAY) abortWith("bad apply input");
      return resultOrUndefined(apply(strOf(f!), changetype<Arr>(args).items));
    }
    case 8: {
      if (input === null) return mkArr();
      const a = decode(dot(input, mkStr("a"))!);
      const b = decode(dot(input, mkStr("b"))!);
      const o = mkObj();
      o.set(mkStr("cmp"), mkNum(<f64>compare(a, b)));
      o.set(mkStr("eq"), mkBool(equal(a, b)));
      return result(o);
    }
    case 9: {
      // input array -> {set: set of the items, len, keys, vals} to exercise SetV/Obj building
      if (input === null) return mkArr();
      const s = mkSet();
      const o = mkObj();
      const n = len(input);
      const keys = mkArr();
      const vals = mkArr();
      for (let i = 0; i < n; i++) {
        s.add(valAt(input, i));
        o.set(valAt(input, i), keyAt(input, i));
        keys.push(keyAt(input, i));
        vals.push(valAt(input, i));
      }
      const out = mkObj();
      out.set(mkStr("set"), s);
      out.set(mkStr("obj"), o);
      out.set(mkStr("len"), mkNum(<f64>n));
      out.set(mkStr("keys"), keys);
      out.set(mkStr("vals"), vals);
      out.set(mkStr("has2"), mkBool(s.has(mkNum(2))));
      return result(out);
    }
    case 10:
      return result(data);
    case 11: {
      const a = new Array<i32>(1);
      const i = input === null ? 5 : <i32>numOf(input);
      return result(mkNum(<f64>a[i]));
    }
    case 12:
      printLine("hello from the policy");
      return result(mkBool(true));
    case 13: {
      // dot on every kind: input {"c": collection, "k": key}
      if (input === null) return mkArr();
      const r = dot(dot(input, mkStr("c"))!, dot(input, mkStr("k"))!);
      return resultOrUndefined(r);
    }
  }
  abortWith("internal_error: unknown entrypoint");
  return mkArr();
}
