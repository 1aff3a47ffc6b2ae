// Built-in functions compiled into policy modules (AssemblyScript).
//
// Each is `bi_<OPA name with dots as underscores>(args: Value...): Value | null`, where null
// means undefined: OPA makes an expression undefined when a built-in fails (wrong operand
// types, division by zero, ...) unless strict built-in errors are on (the generated code
// handles that). Semantics follow OPA's Go implementation (v1/topdown/*.go); differences
// come from numbers being doubles (see value.ts) and are noted where they matter.

import {
  Value, Bool, Num, Str, Arr, Obj, SetV, StrBuf,
  NULL, BOOL, NUMBER, STRING, ARRAY, OBJECT, SET,
  mkNull, mkBool, mkNum, mkNumOrNull, mkStr, mkArr, mkObj, mkSet,
  compare, equal, strCmp, strEq, sortValues, setFromArray,
  cpLen, cpAt, cpUnits, codePoints, isAscii,
} from "./value";
import { fmtNum, goFormatFloat, parseFloatBytes, u64ToString, isSafeInt } from "./num";
import { Regex, compileRegex, regexMatch, lowerCp, upperCp } from "./regex";

// ---------------------------------------------------------------------------------------
// Per-evaluation caches (heap objects: dropped whenever the host rewinds the heap)

let cachedPattern: string | null = null;
let cachedRegex: Regex | null = null;

export function resetBuiltinCaches(): void {
  cachedPattern = null;
  cachedRegex = null;
}

// ---------------------------------------------------------------------------------------
// Helpers

// @ts-ignore: decorator
@inline function numv(v: Value): f64 {
  return changetype<Num>(v).value;
}

// @ts-ignore: decorator
@inline function strv(v: Value): string {
  return changetype<Str>(v).value;
}

function isInt(x: f64): bool {
  return isFinite(x) && Math.floor(x) == x;
}

/** OPA's IntOperand: an integral number that fits an int. */
function intOperand(v: Value): bool {
  if (v.kind != NUMBER) return false;
  let x = numv(v);
  return isInt(x) && Math.abs(x) < 9.2e18;
}

function items(v: Value): Array<Value> {
  return v.kind == ARRAY ? changetype<Arr>(v).items : changetype<SetV>(v).items;
}

function isColl(v: Value): bool {
  return v.kind == ARRAY || v.kind == SET;
}

function mkSetOf(a: Array<Value>): SetV {
  // a already sorted and without duplicates
  return new SetV(a);
}

// ---------------------------------------------------------------------------------------
// Arithmetic

export function bi_plus(a: Value, b: Value): Value | null {
  if (a.kind != NUMBER || b.kind != NUMBER) return null;
  return mkNumOrNull(numv(a) + numv(b));
}

export function bi_minus(a: Value, b: Value): Value | null {
  if (a.kind == NUMBER && b.kind == NUMBER) return mkNumOrNull(numv(a) - numv(b));
  if (a.kind == SET && b.kind == SET) {
    let out = new Array<Value>();
    let xs = changetype<SetV>(a).items;
    let other = changetype<SetV>(b);
    for (let i = 0; i < xs.length; i++) {
      let x = unchecked(xs[i]);
      if (!other.has(x)) out.push(x);
    }
    return mkSetOf(out);
  }
  return null;
}

export function bi_mul(a: Value, b: Value): Value | null {
  if (a.kind != NUMBER || b.kind != NUMBER) return null;
  return mkNumOrNull(numv(a) * numv(b));
}

export function bi_div(a: Value, b: Value): Value | null {
  if (a.kind != NUMBER || b.kind != NUMBER) return null;
  let y = numv(b);
  if (y == 0) return null; // divide by zero
  return mkNumOrNull(numv(a) / y);
}

export function bi_rem(a: Value, b: Value): Value | null {
  if (a.kind != NUMBER || b.kind != NUMBER) return null;
  let x = numv(a);
  let y = numv(b);
  if (!isInt(x) || !isInt(y)) return null; // modulo on floating-point number
  if (y == 0) return null; // modulo by zero
  let r = x % y; // sign of the dividend, as Go's %
  return mkNum(r == 0 ? 0 : r);
}

export function bi_abs(a: Value): Value | null {
  if (a.kind != NUMBER) return null;
  return mkNum(Math.abs(numv(a)));
}

/** Rounds half away from zero. */
export function bi_round(a: Value): Value | null {
  if (a.kind != NUMBER) return null;
  let x = numv(a);
  let t = Math.trunc(x);
  let f = x - t; // exact
  if (f >= 0.5) t += 1;
  else if (f <= -0.5) t -= 1;
  return mkNum(t == 0 ? 0 : t);
}

export function bi_ceil(a: Value): Value | null {
  if (a.kind != NUMBER) return null;
  let r = Math.ceil(numv(a));
  return mkNum(r == 0 ? 0 : r);
}

export function bi_floor(a: Value): Value | null {
  if (a.kind != NUMBER) return null;
  let r = Math.floor(numv(a));
  return mkNum(r == 0 ? 0 : r);
}

/** numbers.range(a, b): the integers from a to b inclusive, descending when a > b. */
export function bi_numbers_range(a: Value, b: Value): Value | null {
  if (!intOperand(a) || !intOperand(b)) return null;
  let x = numv(a);
  let y = numv(b);
  let n = Math.abs(y - x) + 1;
  if (n > 100000000) return null; // would exhaust memory
  let out = new Arr();
  if (x <= y) for (let v = x; v <= y; v++) out.items.push(mkNum(v));
  else for (let v = x; v >= y; v--) out.items.push(mkNum(v));
  return out;
}

// ---------------------------------------------------------------------------------------
// Comparison

export function bi_equal(a: Value, b: Value): Value | null {
  return mkBool(equal(a, b));
}

export function bi_neq(a: Value, b: Value): Value | null {
  return mkBool(!equal(a, b));
}

export function bi_lt(a: Value, b: Value): Value | null {
  return mkBool(compare(a, b) < 0);
}

export function bi_lte(a: Value, b: Value): Value | null {
  return mkBool(compare(a, b) <= 0);
}

export function bi_gt(a: Value, b: Value): Value | null {
  return mkBool(compare(a, b) > 0);
}

export function bi_gte(a: Value, b: Value): Value | null {
  return mkBool(compare(a, b) >= 0);
}

// ---------------------------------------------------------------------------------------
// Sets

/** a & b: intersection of two sets. */
export function bi_and(a: Value, b: Value): Value | null {
  if (a.kind != SET || b.kind != SET) return null;
  let out = new Array<Value>();
  let xs = changetype<SetV>(a).items;
  let other = changetype<SetV>(b);
  for (let i = 0; i < xs.length; i++) {
    let x = unchecked(xs[i]);
    if (other.has(x)) out.push(x);
  }
  return mkSetOf(out);
}

function mergeSorted(xs: Array<Value>, ys: Array<Value>): Array<Value> {
  let out = new Array<Value>();
  let i = 0;
  let j = 0;
  while (i < xs.length && j < ys.length) {
    let c = compare(unchecked(xs[i]), unchecked(ys[j]));
    if (c < 0) out.push(unchecked(xs[i++]));
    else if (c > 0) out.push(unchecked(ys[j++]));
    else {
      out.push(unchecked(xs[i++]));
      j++;
    }
  }
  while (i < xs.length) out.push(unchecked(xs[i++]));
  while (j < ys.length) out.push(unchecked(ys[j++]));
  return out;
}

/** a | b: union of two sets. */
export function bi_or(a: Value, b: Value): Value | null {
  if (a.kind != SET || b.kind != SET) return null;
  return mkSetOf(mergeSorted(changetype<SetV>(a).items, changetype<SetV>(b).items));
}

/** union(set of sets). */
export function bi_union(a: Value): Value | null {
  if (a.kind != SET) return null;
  let xs = changetype<SetV>(a).items;
  let acc = new Array<Value>();
  for (let i = 0; i < xs.length; i++) {
    let s = unchecked(xs[i]);
    if (s.kind != SET) return null;
    acc = mergeSorted(acc, changetype<SetV>(s).items);
  }
  return mkSetOf(acc);
}

/** intersection(set of sets); the empty set for an empty input. */
export function bi_intersection(a: Value): Value | null {
  if (a.kind != SET) return null;
  let xs = changetype<SetV>(a).items;
  if (xs.length == 0) return mkSet();
  for (let i = 0; i < xs.length; i++) if (unchecked(xs[i]).kind != SET) return null;
  let acc: Value = unchecked(xs[0]);
  for (let i = 1; i < xs.length; i++) {
    let r = bi_and(acc, unchecked(xs[i]));
    acc = r!;
  }
  return acc;
}

// ---------------------------------------------------------------------------------------
// Aggregates

export function bi_count(a: Value): Value | null {
  switch (a.kind) {
    case ARRAY:
      return mkNum(<f64>changetype<Arr>(a).items.length);
    case OBJECT:
      return mkNum(<f64>changetype<Obj>(a).keys.length);
    case SET:
      return mkNum(<f64>changetype<SetV>(a).items.length);
    case STRING:
      return mkNum(<f64>cpLen(strv(a)));
  }
  return null;
}

export function bi_sum(a: Value): Value | null {
  if (!isColl(a)) return null;
  let xs = items(a);
  let s: f64 = 0;
  for (let i = 0; i < xs.length; i++) {
    let x = unchecked(xs[i]);
    if (x.kind != NUMBER) return null;
    s += numv(x);
  }
  return mkNumOrNull(s);
}

export function bi_product(a: Value): Value | null {
  if (!isColl(a)) return null;
  let xs = items(a);
  let p: f64 = 1;
  for (let i = 0; i < xs.length; i++) {
    let x = unchecked(xs[i]);
    if (x.kind != NUMBER) return null;
    p *= numv(x);
  }
  return mkNumOrNull(p);
}

export function bi_max(a: Value): Value | null {
  if (!isColl(a)) return null;
  let xs = items(a);
  if (xs.length == 0) return null;
  if (a.kind == SET) return unchecked(xs[xs.length - 1]);
  let m = unchecked(xs[0]);
  for (let i = 1; i < xs.length; i++) if (compare(m, unchecked(xs[i])) <= 0) m = unchecked(xs[i]);
  return m;
}

export function bi_min(a: Value): Value | null {
  if (!isColl(a)) return null;
  let xs = items(a);
  if (xs.length == 0) return null;
  if (a.kind == SET) return unchecked(xs[0]);
  let m = unchecked(xs[0]);
  for (let i = 1; i < xs.length; i++) if (compare(m, unchecked(xs[i])) >= 0) m = unchecked(xs[i]);
  return m;
}

export function bi_sort(a: Value): Value | null {
  if (!isColl(a)) return null;
  let copy = items(a).slice(0);
  if (a.kind == ARRAY) sortValues(copy);
  return new Arr(copy);
}

// ---------------------------------------------------------------------------------------
// Strings

export function bi_concat(delim: Value, coll: Value): Value | null {
  if (delim.kind != STRING || !isColl(coll)) return null;
  let xs = items(coll);
  let sep = strv(delim);
  let sb = new StrBuf();
  for (let i = 0; i < xs.length; i++) {
    let x = unchecked(xs[i]);
    if (x.kind != STRING) return null;
    if (i > 0) sb.str(sep);
    sb.str(strv(x));
  }
  return mkStr(sb.toString());
}

/** Unit offset of t in s from unit offset from, or -1 (exact UTF-16 match = code point match). */
function indexOfStr(s: string, t: string, from: i32): i32 {
  let n = s.length;
  let m = t.length;
  if (m == 0) return from <= n ? from : -1;
  let ps = changetype<usize>(s);
  let pt = changetype<usize>(t);
  let first = load<u16>(pt);
  for (let i = from; i + m <= n; i++) {
    if (load<u16>(ps + (<usize>i << 1)) == first && memory.compare(ps + (<usize>i << 1), pt, <usize>m << 1) == 0) return i;
  }
  return -1;
}

export function bi_contains(s: Value, sub: Value): Value | null {
  if (s.kind != STRING || sub.kind != STRING) return null;
  return mkBool(indexOfStr(strv(s), strv(sub), 0) >= 0);
}

export function bi_startswith(s: Value, p: Value): Value | null {
  if (s.kind != STRING || p.kind != STRING) return null;
  let a = strv(s);
  let b = strv(p);
  return mkBool(b.length <= a.length && memory.compare(changetype<usize>(a), changetype<usize>(b), <usize>b.length << 1) == 0);
}

export function bi_endswith(s: Value, p: Value): Value | null {
  if (s.kind != STRING || p.kind != STRING) return null;
  let a = strv(s);
  let b = strv(p);
  let off = a.length - b.length;
  return mkBool(off >= 0 && memory.compare(changetype<usize>(a) + (<usize>off << 1), changetype<usize>(b), <usize>b.length << 1) == 0);
}

function mapCase(s: string, upper: bool): string {
  let n = s.length;
  let sb = new StrBuf(n + 4);
  let i = 0;
  while (i < n) {
    let c = cpAt(s, i);
    i += cpUnits(c);
    let m: u32;
    if (upper) m = upperCp(c);
    else m = c == 0x130 ? 0x69 : lowerCp(c); // Go: simple mapping, U+0130 -> i
    sb.code(m);
  }
  return sb.toString();
}

export function bi_lower(s: Value): Value | null {
  if (s.kind != STRING) return null;
  return mkStr(mapCase(strv(s), false));
}

export function bi_upper(s: Value): Value | null {
  if (s.kind != STRING) return null;
  return mkStr(mapCase(strv(s), true));
}

function inCutset(cut: string, c: u32): bool {
  let n = cut.length;
  let i = 0;
  while (i < n) {
    let d = cpAt(cut, i);
    if (d == c) return true;
    i += cpUnits(d);
  }
  return false;
}

/** Code point before unit offset end (end > 0). */
function cpBefore(s: string, end: i32): u32 {
  let u = <u32>s.charCodeAt(end - 1);
  if (u >= 0xdc00 && u < 0xe000 && end >= 2) {
    let h = <u32>s.charCodeAt(end - 2);
    if (h >= 0xd800 && h < 0xdc00) return 0x10000 + ((h - 0xd800) << 10) + (u - 0xdc00);
  }
  return u;
}

function trimWith(s: string, cut: string, left: bool, right: bool): string {
  let start = 0;
  let end = s.length;
  if (left) {
    while (start < end) {
      let c = cpAt(s, start);
      if (!inCutset(cut, c)) break;
      start += cpUnits(c);
    }
  }
  if (right) {
    while (end > start) {
      let c = cpBefore(s, end);
      if (!inCutset(cut, c)) break;
      end -= cpUnits(c);
    }
  }
  return start == 0 && end == s.length ? s : s.substring(start, end);
}

export function bi_trim(s: Value, cut: Value): Value | null {
  if (s.kind != STRING || cut.kind != STRING) return null;
  return mkStr(trimWith(strv(s), strv(cut), true, true));
}

export function bi_trim_left(s: Value, cut: Value): Value | null {
  if (s.kind != STRING || cut.kind != STRING) return null;
  return mkStr(trimWith(strv(s), strv(cut), true, false));
}

export function bi_trim_right(s: Value, cut: Value): Value | null {
  if (s.kind != STRING || cut.kind != STRING) return null;
  return mkStr(trimWith(strv(s), strv(cut), false, true));
}

export function bi_trim_prefix(s: Value, p: Value): Value | null {
  if (s.kind != STRING || p.kind != STRING) return null;
  let a = strv(s);
  let b = strv(p);
  if (b.length <= a.length && memory.compare(changetype<usize>(a), changetype<usize>(b), <usize>b.length << 1) == 0) return mkStr(a.substring(b.length));
  return s;
}

export function bi_trim_suffix(s: Value, p: Value): Value | null {
  if (s.kind != STRING || p.kind != STRING) return null;
  let a = strv(s);
  let b = strv(p);
  let off = a.length - b.length;
  if (off >= 0 && memory.compare(changetype<usize>(a) + (<usize>off << 1), changetype<usize>(b), <usize>b.length << 1) == 0) return mkStr(a.substring(0, off));
  return s;
}

/** Go's unicode.IsSpace. */
function isGoSpace(c: u32): bool {
  if (c <= 0xff) return c == 32 || (c >= 9 && c <= 13) || c == 0x85 || c == 0xa0;
  return c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

export function bi_trim_space(s: Value): Value | null {
  if (s.kind != STRING) return null;
  let a = strv(s);
  let start = 0;
  let end = a.length;
  while (start < end) {
    let c = cpAt(a, start);
    if (!isGoSpace(c)) break;
    start += cpUnits(c);
  }
  while (end > start) {
    let c = cpBefore(a, end);
    if (!isGoSpace(c)) break;
    end -= cpUnits(c);
  }
  return start == 0 && end == a.length ? s : mkStr(a.substring(start, end));
}

/** split(s, delim) as Go's strings.Split: "" splits into code points. */
export function bi_split(s: Value, d: Value): Value | null {
  if (s.kind != STRING || d.kind != STRING) return null;
  let a = strv(s);
  let delim = strv(d);
  let out = new Arr();
  if (delim.length == 0) {
    let i = 0;
    let n = a.length;
    while (i < n) {
      let c = cpAt(a, i);
      let w = cpUnits(c);
      out.items.push(mkStr(a.substring(i, i + w)));
      i += w;
    }
    return out;
  }
  let start = 0;
  while (true) {
    let j = indexOfStr(a, delim, start);
    if (j < 0) break;
    out.items.push(mkStr(a.substring(start, j)));
    start = j + delim.length;
  }
  out.items.push(start == 0 ? s : mkStr(a.substring(start)));
  return out;
}

/** replace(s, old, new): every non-overlapping old, left to right ("" matches between code points). */
export function bi_replace(s: Value, o: Value, nw: Value): Value | null {
  if (s.kind != STRING || o.kind != STRING || nw.kind != STRING) return null;
  let a = strv(s);
  let old = strv(o);
  let rep = strv(nw);
  let sb = new StrBuf(a.length + 8);
  if (old.length == 0) {
    let i = 0;
    let n = a.length;
    sb.str(rep);
    while (i < n) {
      let w = cpUnits(cpAt(a, i));
      sb.slice(a, i, i + w);
      sb.str(rep);
      i += w;
    }
    return mkStr(sb.toString());
  }
  let start = 0;
  let found = false;
  while (true) {
    let j = indexOfStr(a, old, start);
    if (j < 0) break;
    found = true;
    sb.slice(a, start, j);
    sb.str(rep);
    start = j + old.length;
  }
  if (!found) return s;
  sb.slice(a, start, a.length);
  return mkStr(sb.toString());
}

/** Unit offset of code point index k (clamped to the end). */
function unitOffset(s: string, k: i32): i32 {
  let i = 0;
  let n = s.length;
  while (k > 0 && i < n) {
    i += cpUnits(cpAt(s, i));
    k--;
  }
  return i;
}

/** substring(s, start, length) in code points; negative length: to the end. */
export function bi_substring(s: Value, st: Value, ln: Value): Value | null {
  if (s.kind != STRING || !intOperand(st) || !intOperand(ln)) return null;
  let start = numv(st);
  let length = numv(ln);
  if (start < 0) return null; // negative offset
  let a = strv(s);
  if (start >= <f64>a.length && start >= <f64>cpLen(a)) return mkStr("");
  let from = unitOffset(a, <i32>start);
  if (length < 0) return mkStr(a.substring(from));
  let lim = length > <f64>a.length ? a.length : <i32>length;
  let to = from;
  let n = a.length;
  while (lim > 0 && to < n) {
    to += cpUnits(cpAt(a, to));
    lim--;
  }
  return mkStr(a.substring(from, to));
}

/** indexof(s, sub): code point index of the first sub, or -1. */
export function bi_indexof(s: Value, sub: Value): Value | null {
  if (s.kind != STRING || sub.kind != STRING) return null;
  let a = strv(s);
  let b = strv(sub);
  if (b.length == 0) return null; // empty search character
  let j = indexOfStr(a, b, 0);
  if (j < 0) return mkNum(-1);
  // units -> code points
  let k = 0;
  let i = 0;
  while (i < j) {
    i += cpUnits(cpAt(a, i));
    k++;
  }
  return mkNum(<f64>k);
}

// ---------------------------------------------------------------------------------------
// Number formatting

const HEXL = "0123456789abcdef";

/** Digits of |x| (an integer-valued double) in base 2, 8, 10 or 16. */
function intDigits(x: f64, base: i32): string {
  let a = Math.abs(x);
  if (a < 18446744073709551616.0) {
    let v = <u64>a;
    if (base == 10) return u64ToString(v);
    if (v == 0) return "0";
    let sb = new StrBuf(24);
    let tmp = new Array<u32>();
    let b = <u64>base;
    while (v > 0) {
      tmp.push(<u32>(v % b));
      v /= b;
    }
    for (let i = tmp.length - 1; i >= 0; i--) sb.unit(<u32>HEXL.charCodeAt(tmp[i]));
    return sb.toString();
  }
  if (base == 10) {
    // exact digits of a large integer-valued double
    return goFormatFloat(a, 102, 0);
  }
  // powers of two: mantissa bits followed by zeros
  let bits = reinterpret<u64>(a);
  let e = <i32>((bits >> 52) & 0x7ff) - 1075;
  let mant = (bits & ((<u64>1 << 52) - 1)) | (<u64>1 << 52);
  let bin = new StrBuf(1100);
  for (let i = 52; i >= 0; i--) bin.unit(((mant >> <u64>i) & 1) != 0 ? 49 : 48);
  for (let i = 0; i < e; i++) bin.unit(48);
  let bs = bin.toString();
  if (base == 2) return bs;
  let group = base == 8 ? 3 : 4;
  let sb = new StrBuf(400);
  let n = bs.length;
  let first = n % group;
  if (first == 0) first = group;
  let i = 0;
  let width = first;
  while (i < n) {
    let d = 0;
    for (let k = 0; k < width; k++) d = (d << 1) | (bs.charCodeAt(i + k) - 48);
    sb.unit(<u32>HEXL.charCodeAt(d));
    i += width;
    width = group;
  }
  return sb.toString();
}

/** format_int(x, base): x truncated toward zero, in base 2, 8, 10 or 16. */
export function bi_format_int(x: Value, base: Value): Value | null {
  if (x.kind != NUMBER || base.kind != NUMBER) return null;
  let b = numv(base);
  if (b != 2 && b != 8 && b != 10 && b != 16) return null;
  let t = Math.trunc(numv(x));
  let digits = intDigits(t, <i32>b);
  return mkStr(t < 0 ? "-" + digits : digits);
}

// ---------------------------------------------------------------------------------------
// Rego text of values (sprintf of non-numbers/strings: Go's Term.String())

/** Go's strconv.Quote (printability approximated: see isGoPrint). */
export function goQuote(s: string): string {
  let sb = new StrBuf(s.length + 2);
  sb.unit(34);
  let n = s.length;
  let i = 0;
  while (i < n) {
    let c = cpAt(s, i);
    i += cpUnits(c);
    if (c == 34 || c == 92) {
      sb.unit(92);
      sb.unit(c);
    } else if (c >= 32 && c < 127) {
      sb.unit(c);
    } else if (c < 32 || c == 127) {
      sb.unit(92);
      switch (c) {
        case 7: sb.unit(97); break;
        case 8: sb.unit(98); break;
        case 12: sb.unit(102); break;
        case 10: sb.unit(110); break;
        case 13: sb.unit(114); break;
        case 9: sb.unit(116); break;
        case 11: sb.unit(118); break;
        default:
          sb.unit(120);
          sb.unit(<u32>HEXL.charCodeAt(<i32>(c >> 4)));
          sb.unit(<u32>HEXL.charCodeAt(<i32>(c & 15)));
      }
    } else if (c >= 0xd800 && c < 0xe000) {
      sb.str("\\ufffd");
    } else if (isGoPrint(c)) {
      sb.code(c);
    } else if (c < 0x10000) {
      sb.str("\\u");
      for (let k = 12; k >= 0; k -= 4) sb.unit(<u32>HEXL.charCodeAt(<i32>((c >> <u32>k) & 15)));
    } else {
      sb.str("\\U");
      for (let k = 28; k >= 0; k -= 4) sb.unit(<u32>HEXL.charCodeAt(<i32>((c >> <u32>k) & 15)));
    }
  }
  sb.unit(34);
  return sb.toString();
}

/** Approximation of Go's unicode.IsPrint for non-ASCII code points. */
function isGoPrint(c: u32): bool {
  if (c >= 0x80 && c <= 0xa0) return false; // C1 controls, NBSP
  if (c == 0xad) return false; // soft hyphen (Cf)
  if (c >= 0x2000 && c <= 0x200f) return false; // spaces, zero-width, marks
  if (c >= 0x2028 && c <= 0x202f) return false;
  if (c >= 0x205f && c <= 0x206f) return false;
  if (c == 0x3000 || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb)) return false;
  if (c == 0x1680) return false;
  if (c >= 0xe000 && c <= 0xf8ff) return false; // private use
  if (c >= 0xf0000) return false;
  if ((c & 0xfffe) == 0xfffe) return false; // noncharacters
  return true;
}

function writeRego(sb: StrBuf, v: Value): void {
  switch (v.kind) {
    case NULL:
      sb.str("null");
      return;
    case BOOL:
      sb.str(changetype<Bool>(v).value ? "true" : "false");
      return;
    case NUMBER:
      sb.str(fmtNum(numv(v)));
      return;
    case STRING:
      sb.str(goQuote(strv(v)));
      return;
    case ARRAY: {
      let xs = changetype<Arr>(v).items;
      sb.unit(91);
      for (let i = 0; i < xs.length; i++) {
        if (i > 0) sb.str(", ");
        writeRego(sb, unchecked(xs[i]));
      }
      sb.unit(93);
      return;
    }
    case OBJECT: {
      let o = changetype<Obj>(v);
      sb.unit(123);
      for (let i = 0; i < o.keys.length; i++) {
        if (i > 0) sb.str(", ");
        writeRego(sb, unchecked(o.keys[i]));
        sb.str(": ");
        writeRego(sb, unchecked(o.vals[i]));
      }
      sb.unit(125);
      return;
    }
    case SET: {
      let xs = changetype<SetV>(v).items;
      if (xs.length == 0) {
        sb.str("set()");
        return;
      }
      sb.unit(123);
      for (let i = 0; i < xs.length; i++) {
        if (i > 0) sb.str(", ");
        writeRego(sb, unchecked(xs[i]));
      }
      sb.unit(125);
      return;
    }
  }
}

/** The Rego (OPA Term.String) text of v. */
export function regoString(v: Value): string {
  let sb = new StrBuf();
  writeRego(sb, v);
  return sb.toString();
}

// ---------------------------------------------------------------------------------------
// sprintf: Go's fmt.Sprintf with OPA's argument conversion (integral numbers -> int,
// other numbers -> float64, strings -> string, any other value -> its Rego text as string)

// @ts-ignore: decorator
@inline const T_INT: i32 = 0;
// @ts-ignore: decorator
@inline const T_FLOAT: i32 = 1;
// @ts-ignore: decorator
@inline const T_STR: i32 = 2;
// @ts-ignore: decorator
@inline const T_BIGINT: i32 = 3; // integral beyond int64: Go's *big.Int

class FmtArg {
  t: i32;
  f: f64 = 0;
  s: string = "";
  constructor(t: i32) {
    this.t = t;
  }
}

function toArg(v: Value): FmtArg {
  if (v.kind == NUMBER) {
    let x = numv(v);
    let a = new FmtArg(isInt(x) ? (Math.abs(x) < 9223372036854775808.0 ? T_INT : T_BIGINT) : T_FLOAT);
    a.f = x;
    return a;
  }
  let a = new FmtArg(T_STR);
  a.s = v.kind == STRING ? strv(v) : regoString(v);
  return a;
}

class Spec {
  plus: bool = false;
  minus: bool = false;
  sharp: bool = false;
  space: bool = false;
  zero: bool = false;
  width: i32 = -1;
  prec: i32 = -1;
}

function pad(sb: StrBuf, body: string, sp: Spec, numeric: bool): void {
  let n = cpLen(body);
  let w = sp.width;
  if (w <= n) {
    sb.str(body);
    return;
  }
  if (sp.minus) {
    sb.str(body);
    sb.repeat(32, w - n);
  } else if (sp.zero && numeric) {
    // zeros go after the sign
    let i = 0;
    if (body.length > 0 && (body.charCodeAt(0) == 45 || body.charCodeAt(0) == 43 || body.charCodeAt(0) == 32)) {
      sb.unit(<u32>body.charCodeAt(0));
      i = 1;
    }
    sb.repeat(48, w - n);
    sb.slice(body, i, body.length);
  } else {
    sb.repeat(32, w - n);
    sb.str(body);
  }
}

function goTypeName(a: FmtArg): string {
  return a.t == T_INT ? "int" : a.t == T_FLOAT ? "float64" : a.t == T_BIGINT ? "big.Int" : "string";
}

function floatV(x: f64): string {
  return goFormatFloat(x, 103, -1);
}

/** Go's %v text of an argument. */
function argV(a: FmtArg): string {
  if (a.t == T_INT || a.t == T_BIGINT) return a.f < 0 ? "-" + intDigits(a.f, 10) : intDigits(a.f, 10);
  if (a.t == T_FLOAT) return floatV(a.f);
  return a.s;
}

function badVerb(sb: StrBuf, verb: u32, a: FmtArg): void {
  sb.str("%!");
  sb.code(verb);
  sb.unit(40);
  sb.str(goTypeName(a));
  sb.unit(61);
  sb.str(argV(a));
  sb.unit(41);
}

function signed(body: string, neg: bool, sp: Spec): string {
  if (neg) return "-" + body;
  if (sp.plus) return "+" + body;
  if (sp.space) return " " + body;
  return body;
}

function fmtIntArg(sb: StrBuf, verb: u32, a: FmtArg, sp: Spec): void {
  let neg = a.f < 0;
  let digits: string;
  let prefix = "";
  switch (verb) {
    case 115: // s: only *big.Int formats it (as %d)
      if (a.t != T_BIGINT) {
        badVerb(sb, verb, a);
        return;
      }
      digits = intDigits(a.f, 10);
      break;
    case 100: // d
    case 118: // v
      digits = intDigits(a.f, 10);
      break;
    case 98: // b
      digits = intDigits(a.f, 2);
      if (sp.sharp) prefix = "0b";
      break;
    case 111: // o
      digits = intDigits(a.f, 8);
      if (sp.sharp) prefix = "0";
      break;
    case 79: // O
      digits = intDigits(a.f, 8);
      prefix = "0o";
      break;
    case 120: // x
      digits = intDigits(a.f, 16);
      if (sp.sharp) prefix = "0x";
      break;
    case 88: // X
      digits = intDigits(a.f, 16).toUpperCase();
      if (sp.sharp) prefix = "0X";
      break;
    case 99: {
      // c
      let cp = a.f >= 0 && a.f <= 0x10ffff && !(a.f >= 0xd800 && a.f < 0xe000) ? <u32>a.f : 0xfffd;
      let t = new StrBuf(2);
      t.code(cp);
      pad(sb, t.toString(), sp, false);
      return;
    }
    case 113: {
      // q: quoted character
      let cp = a.f >= 0 && a.f <= 0x10ffff && !(a.f >= 0xd800 && a.f < 0xe000) ? <u32>a.f : 0xfffd;
      let t = new StrBuf(2);
      t.code(cp);
      let q = goQuote(t.toString());
      q = q.substring(1, q.length - 1);
      if (q == "'") q = "\\'";
      else if (q == '\\"') q = '"';
      pad(sb, "'" + q + "'", sp, false);
      return;
    }
    case 85: {
      // U
      let h = intDigits(a.f, 16).toUpperCase();
      while (h.length < 4) h = "0" + h;
      pad(sb, (neg ? "-" : "") + "U+" + h, sp, false);
      return;
    }
    default:
      badVerb(sb, verb, a);
      return;
  }
  if (sp.prec >= 0) {
    if (sp.prec == 0 && a.f == 0) digits = "";
    while (digits.length < sp.prec) digits = "0" + digits;
  }
  let sp2 = sp;
  if (sp.prec >= 0) {
    sp2 = new Spec();
    sp2.minus = sp.minus;
    sp2.width = sp.width;
  }
  pad(sb, signed(prefix + digits, neg, sp), sp2, true);
}

function fmtFloatArg(sb: StrBuf, verb: u32, a: FmtArg, sp: Spec): void {
  let x = a.f;
  let body: string;
  switch (verb) {
    case 118: // v
    case 103: // g
    case 71: // G
      body = goFormatFloat(x, verb == 71 ? 71 : 103, sp.prec);
      break;
    case 101: // e
    case 69: // E
      body = goFormatFloat(x, verb, sp.prec < 0 ? 6 : sp.prec);
      break;
    case 102: // f
    case 70: // F
      body = goFormatFloat(x, 102, sp.prec < 0 ? 6 : sp.prec);
      break;
    default:
      badVerb(sb, verb, a);
      return;
  }
  if (body.charCodeAt(0) != 45) {
    if (sp.plus) body = "+" + body;
    else if (sp.space) body = " " + body;
  }
  pad(sb, body, sp, true);
}

function fmtStrArg(sb: StrBuf, verb: u32, a: FmtArg, sp: Spec): void {
  let s = a.s;
  switch (verb) {
    case 118: // v
    case 115: {
      // s
      if (sp.prec >= 0) s = s.substring(0, unitOffset(s, sp.prec));
      pad(sb, s, sp, false);
      return;
    }
    case 113: // q
      pad(sb, goQuote(s), sp, false);
      return;
    case 120: // x
    case 88: {
      // X: hex of the UTF-8 bytes
      let bytes = String.UTF8.encode(s, false);
      let p = changetype<usize>(bytes);
      let t = new StrBuf(bytes.byteLength * 2 + 2);
      for (let i = 0; i < bytes.byteLength; i++) {
        if (i > 0 && sp.space) t.unit(32);
        if (sp.sharp && (i == 0 || sp.space)) t.str(verb == 88 ? "0X" : "0x");
        let b = <i32>load<u8>(p + <usize>i);
        let h1 = HEXL.charCodeAt(b >> 4);
        let h2 = HEXL.charCodeAt(b & 15);
        if (verb == 88) {
          if (h1 >= 97) h1 -= 32;
          if (h2 >= 97) h2 -= 32;
        }
        t.unit(<u32>h1);
        t.unit(<u32>h2);
      }
      pad(sb, t.toString(), sp, false);
      return;
    }
  }
  badVerb(sb, verb, a);
}

function isDigitU(c: i32): bool {
  return c >= 48 && c <= 57;
}

export function bi_sprintf(f: Value, args: Value): Value | null {
  if (f.kind != STRING || args.kind != ARRAY) return null;
  let format = strv(f);
  let xs = changetype<Arr>(args).items;
  let fargs = new Array<FmtArg>();
  for (let i = 0; i < xs.length; i++) fargs.push(toArg(unchecked(xs[i])));
  let sb = new StrBuf(format.length + 16);
  let argi = 0;
  let n = format.length;
  let i = 0;
  while (i < n) {
    let c = format.charCodeAt(i);
    if (c != 37) {
      let j = i;
      while (j < n && format.charCodeAt(j) != 37) j++;
      sb.slice(format, i, j);
      i = j;
      continue;
    }
    i++; // %
    let sp = new Spec();
    // flags
    while (i < n) {
      let d = format.charCodeAt(i);
      if (d == 43) sp.plus = true;
      else if (d == 45) sp.minus = true;
      else if (d == 35) sp.sharp = true;
      else if (d == 32) sp.space = true;
      else if (d == 48) sp.zero = !sp.minus;
      else break;
      i++;
    }
    // width
    if (i < n && format.charCodeAt(i) == 42) {
      i++;
      if (argi < fargs.length && fargs[argi].t == T_INT) {
        let w = <i32>fargs[argi].f;
        argi++;
        if (w < 0) {
          sp.minus = true;
          w = -w;
        }
        sp.width = w;
      } else {
        if (argi < fargs.length) argi++;
        sb.str("%!(BADWIDTH)");
      }
    } else {
      while (i < n && isDigitU(format.charCodeAt(i))) {
        sp.width = (sp.width < 0 ? 0 : sp.width) * 10 + (format.charCodeAt(i) - 48);
        if (sp.width > 1000000) return null;
        i++;
      }
    }
    // precision
    if (i < n && format.charCodeAt(i) == 46) {
      i++;
      sp.prec = 0;
      if (i < n && format.charCodeAt(i) == 42) {
        i++;
        if (argi < fargs.length && fargs[argi].t == T_INT) {
          sp.prec = <i32>fargs[argi].f;
          argi++;
          if (sp.prec < 0) sp.prec = -1;
        } else {
          if (argi < fargs.length) argi++;
          sb.str("%!(BADPREC)");
        }
      } else {
        while (i < n && isDigitU(format.charCodeAt(i))) {
          sp.prec = sp.prec * 10 + (format.charCodeAt(i) - 48);
          if (sp.prec > 1000000) return null;
          i++;
        }
      }
    }
    if (i >= n) {
      sb.str("%!(NOVERB)");
      break;
    }
    let verb = cpAt(format, i);
    i += cpUnits(verb);
    if (verb == 37) {
      sb.unit(37);
      continue;
    }
    if (argi >= fargs.length) {
      sb.str("%!");
      sb.code(verb);
      sb.str("(MISSING)");
      continue;
    }
    let a = fargs[argi++];
    if (a.t == T_BIGINT && (verb == 99 || verb == 113 || verb == 85)) {
      badVerb(sb, verb, a);
    } else if (a.t == T_INT || a.t == T_BIGINT) {
      if (verb == 101 || verb == 69 || verb == 102 || verb == 70 || verb == 103 || verb == 71) {
        // Go: %f of an int is a bad verb (OPA passes integral numbers as int)
        badVerb(sb, verb, a);
      } else {
        fmtIntArg(sb, verb, a, sp);
      }
    } else if (a.t == T_FLOAT) {
      if (verb == 120 || verb == 88 || verb == 98 || verb == 112) return null; // %x %X %b %p of floats: not implemented
      fmtFloatArg(sb, verb, a, sp);
    } else {
      fmtStrArg(sb, verb, a, sp);
    }
  }
  if (argi < fargs.length) {
    sb.str("%!(EXTRA ");
    for (let k = argi; k < fargs.length; k++) {
      if (k > argi) sb.str(", ");
      sb.str(goTypeName(fargs[k]));
      sb.unit(61);
      sb.str(argV(fargs[k]));
    }
    sb.unit(41);
  }
  return mkStr(sb.toString());
}

// ---------------------------------------------------------------------------------------
// Objects

function pathFind(v: Value, path: Array<Value>): Value | null {
  let cur = v;
  for (let i = 0; i < path.length; i++) {
    let k = unchecked(path[i]);
    switch (cur.kind) {
      case OBJECT: {
        let r = changetype<Obj>(cur).get(k);
        if (r === null) return null;
        cur = r;
        break;
      }
      case ARRAY: {
        if (k.kind != NUMBER) return null;
        let f = numv(k);
        let xs = changetype<Arr>(cur).items;
        if (!isInt(f) || f < 0 || f >= <f64>xs.length) return null;
        cur = xs[<i32>f];
        break;
      }
      case SET: {
        let s = changetype<SetV>(cur);
        let j = s.find(k);
        if (j < 0) return null;
        cur = s.items[j];
        break;
      }
      default:
        return null;
    }
  }
  return cur;
}

/** object.get(obj, key, default): key may be an array path into nested values. */
export function bi_object_get(o: Value, key: Value, dflt: Value): Value | null {
  if (o.kind != OBJECT) return null;
  if (key.kind == ARRAY) {
    let path = changetype<Arr>(key).items;
    if (path.length == 0) return o;
    let r = pathFind(o, path);
    return r !== null ? r : dflt;
  }
  let r = changetype<Obj>(o).get(key);
  return r !== null ? r : dflt;
}

export function bi_object_keys(o: Value): Value | null {
  if (o.kind != OBJECT) return null;
  return mkSetOf(changetype<Obj>(o).keys.slice(0));
}

function unionObj(a: Obj, b: Obj): Obj {
  let out = new Obj();
  // both key lists are sorted: merge
  let ka = a.keys;
  let kb = b.keys;
  let i = 0;
  let j = 0;
  while (i < ka.length || j < kb.length) {
    let c = i >= ka.length ? 1 : j >= kb.length ? -1 : compare(unchecked(ka[i]), unchecked(kb[j]));
    if (c < 0) {
      out.keys.push(unchecked(ka[i]));
      out.vals.push(unchecked(a.vals[i]));
      i++;
    } else if (c > 0) {
      out.keys.push(unchecked(kb[j]));
      out.vals.push(unchecked(b.vals[j]));
      j++;
    } else {
      let va = unchecked(a.vals[i]);
      let vb = unchecked(b.vals[j]);
      out.keys.push(unchecked(ka[i]));
      out.vals.push(va.kind == OBJECT && vb.kind == OBJECT ? unionObj(changetype<Obj>(va), changetype<Obj>(vb)) : vb);
      i++;
      j++;
    }
  }
  return out;
}

/** object.union(a, b): b's keys win; values that are objects on both sides are merged. */
export function bi_object_union(a: Value, b: Value): Value | null {
  if (a.kind != OBJECT || b.kind != OBJECT) return null;
  return unionObj(changetype<Obj>(a), changetype<Obj>(b));
}

/** object.union_n(array of objects): object.union folded left to right. */
export function bi_object_union_n(a: Value): Value | null {
  if (a.kind != ARRAY) return null;
  let xs = changetype<Arr>(a).items;
  let acc = new Obj();
  for (let i = 0; i < xs.length; i++) {
    let o = unchecked(xs[i]);
    if (o.kind != OBJECT) return null;
    acc = unionObj(acc, changetype<Obj>(o));
  }
  return acc;
}

/** Keys given as an array, set or object (its keys), as a set; null otherwise. */
function keySet(v: Value): SetV | null {
  switch (v.kind) {
    case ARRAY:
      return setFromArray(changetype<Arr>(v).items.slice(0));
    case SET:
      return changetype<SetV>(v);
    case OBJECT:
      return mkSetOf(changetype<Obj>(v).keys);
  }
  return null;
}

export function bi_object_remove(o: Value, keys: Value): Value | null {
  if (o.kind != OBJECT) return null;
  let ks = keySet(keys);
  if (ks === null) return null;
  let src = changetype<Obj>(o);
  let out = new Obj();
  for (let i = 0; i < src.keys.length; i++) {
    let k = unchecked(src.keys[i]);
    if (!ks.has(k)) {
      out.keys.push(k);
      out.vals.push(unchecked(src.vals[i]));
    }
  }
  return out;
}

export function bi_object_filter(o: Value, keys: Value): Value | null {
  if (o.kind != OBJECT) return null;
  let ks = keySet(keys);
  if (ks === null) return null;
  let src = changetype<Obj>(o);
  let out = new Obj();
  for (let i = 0; i < src.keys.length; i++) {
    let k = unchecked(src.keys[i]);
    if (ks.has(k)) {
      out.keys.push(k);
      out.vals.push(unchecked(src.vals[i]));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Arrays

export function bi_array_concat(a: Value, b: Value): Value | null {
  if (a.kind != ARRAY || b.kind != ARRAY) return null;
  return new Arr(changetype<Arr>(a).items.concat(changetype<Arr>(b).items));
}

/** array.slice(arr, start, stop): indices clamped to the array, stop exclusive. */
export function bi_array_slice(a: Value, st: Value, sp: Value): Value | null {
  if (a.kind != ARRAY || !intOperand(st) || !intOperand(sp)) return null;
  let xs = changetype<Arr>(a).items;
  let n = <f64>xs.length;
  let stop = numv(sp);
  let start = numv(st);
  if (stop < 0) stop = 0;
  else if (stop > n) stop = n;
  if (start < 0) start = 0;
  else if (start > stop) start = stop;
  return new Arr(xs.slice(<i32>start, <i32>stop));
}

export function bi_array_reverse(a: Value): Value | null {
  if (a.kind != ARRAY) return null;
  let xs = changetype<Arr>(a).items.slice(0);
  xs.reverse();
  return new Arr(xs);
}

// ---------------------------------------------------------------------------------------
// Types

export function bi_is_number(a: Value): Value | null {
  return mkBool(a.kind == NUMBER);
}

export function bi_is_string(a: Value): Value | null {
  return mkBool(a.kind == STRING);
}

export function bi_is_boolean(a: Value): Value | null {
  return mkBool(a.kind == BOOL);
}

export function bi_is_array(a: Value): Value | null {
  return mkBool(a.kind == ARRAY);
}

export function bi_is_set(a: Value): Value | null {
  return mkBool(a.kind == SET);
}

export function bi_is_object(a: Value): Value | null {
  return mkBool(a.kind == OBJECT);
}

export function bi_is_null(a: Value): Value | null {
  return mkBool(a.kind == NULL);
}

export function bi_type_name(a: Value): Value | null {
  switch (a.kind) {
    case NULL:
      return mkStr("null");
    case BOOL:
      return mkStr("boolean");
    case NUMBER:
      return mkStr("number");
    case STRING:
      return mkStr("string");
    case ARRAY:
      return mkStr("array");
    case OBJECT:
      return mkStr("object");
  }
  return mkStr("set");
}

/**
 * to_number: null -> 0, booleans -> 0/1, numbers as they are, strings parsed as Go's
 * strconv.ParseFloat decimal syntax ([+-] digits [. digits] [e[+-]digits], also ".5" and
 * "5."; inf/nan and out-of-range values are errors). Hexadecimal and underscore forms,
 * which Go also accepts, are not supported (undefined).
 */
export function bi_to_number(a: Value): Value | null {
  switch (a.kind) {
    case NULL:
      return mkNum(0);
    case BOOL:
      return mkNum(changetype<Bool>(a).value ? 1 : 0);
    case NUMBER:
      return a;
    case STRING:
      break;
    default:
      return null;
  }
  let s = strv(a);
  let n = s.length;
  if (n == 0 || n > 4096) return null;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c == 43 || c == 45) i++;
  let digits = 0;
  while (i < n && isDigitU(s.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < n && s.charCodeAt(i) == 46) {
    i++;
    while (i < n && isDigitU(s.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits == 0) return null;
  if (i < n && (s.charCodeAt(i) | 32) == 101) {
    i++;
    if (i < n && (s.charCodeAt(i) == 43 || s.charCodeAt(i) == 45)) i++;
    let ed = 0;
    while (i < n && isDigitU(s.charCodeAt(i))) {
      i++;
      ed++;
    }
    if (ed == 0) return null;
  }
  if (i != n) return null;
  let buf = __alloc(<usize>n);
  for (let k = 0; k < n; k++) store<u8>(buf + <usize>k, <u8>s.charCodeAt(k));
  let f = parseFloatBytes(buf, n);
  if (!isFinite(f)) return null; // value out of range
  return mkNum(f);
}

// ---------------------------------------------------------------------------------------
// Time

function daysIn(m: i32, y: i32): i32 {
  if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function daysFromCivil(y: i64, m: i64, d: i64): i64 {
  y -= m <= 2 ? 1 : 0;
  let era = (y >= 0 ? y : y - 399) / 400;
  let yoe = y - era * 400;
  let mp = (m + 9) % 12;
  let doy = (153 * mp + 2) / 5 + d - 1;
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

function num2(s: string, i: i32): i32 {
  let a = s.charCodeAt(i) - 48;
  let b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/**
 * time.parse_rfc3339_ns: Go's time.Parse(time.RFC3339, s) (YYYY-MM-DDTHH:MM:SS, optional
 * fraction of up to 9 digits (more are ignored), Z or +hh:mm/-hh:mm) in ns since the epoch;
 * instants beyond int64 nanoseconds (1677-09-21..2262-04-11) are an error (as OPA). The result is a double: exact to the
 * nanosecond up to 2^53 ns (1970 +/- 104 days), rounded beyond (microsecond-level).
 */
export function bi_time_parse_rfc3339_ns(v: Value): Value | null {
  if (v.kind != STRING) return null;
  let s = strv(v);
  let n = s.length;
  if (n < 20) return null;
  for (let k = 0; k < 4; k++) if (!isDigitU(s.charCodeAt(k))) return null;
  let year = <i32>parseInt(s.substring(0, 4));
  let month = num2(s, 5);
  let day = num2(s, 8);
  let hour = num2(s, 11);
  let min = num2(s, 14);
  let sec = num2(s, 17);
  if (s.charCodeAt(4) != 45 || s.charCodeAt(7) != 45 || s.charCodeAt(10) != 84 || s.charCodeAt(13) != 58 || s.charCodeAt(16) != 58) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 59) return null;
  let i = 19;
  let nsec: i64 = 0;
  if (i + 1 < n && (s.charCodeAt(i) == 46 || s.charCodeAt(i) == 44) && isDigitU(s.charCodeAt(i + 1))) {
    i++;
    let digits = 0;
    while (i < n && isDigitU(s.charCodeAt(i))) {
      if (digits < 9) {
        nsec = nsec * 10 + <i64>(s.charCodeAt(i) - 48);
        digits++;
      }
      i++;
    }
    while (digits < 9) {
      nsec *= 10;
      digits++;
    }
  }
  let offset: i64 = 0;
  let rest = n - i;
  if (rest == 1 && s.charCodeAt(i) == 90) {
    // Z
  } else if (rest == 6) {
    let sign = s.charCodeAt(i);
    let oh = num2(s, i + 1);
    let om = num2(s, i + 4);
    if ((sign != 43 && sign != 45) || s.charCodeAt(i + 3) != 58 || oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offset = <i64>(oh * 60 + om) * 60;
    if (sign == 45) offset = -offset;
  } else {
    return null;
  }
  let secs = daysFromCivil(year, month, day) * 86400 + <i64>(hour * 3600 + min * 60 + sec) - offset;
  // time outside of valid range: the instant must fit int64 nanoseconds (OPA)
  // (-2^63 = -9223372037 s + 145224192 ns, 2^63 - 1 = 9223372036 s + 854775807 ns)
  if (secs < -9223372037 || (secs == -9223372037 && nsec < 145224192)) return null;
  if (secs > 9223372036 || (secs == 9223372036 && nsec > 854775807)) return null;
  let ns = secs * 1000000000 + nsec;
  return mkNum(<f64>ns);
}

// ---------------------------------------------------------------------------------------
// Regex

/** regex.match(pattern, value); undefined for unsupported or invalid patterns (see regex.ts). */
export function bi_regex_match(p: Value, v: Value): Value | null {
  if (p.kind != STRING || v.kind != STRING) return null;
  let pattern = strv(p);
  let re: Regex | null;
  let cp = cachedPattern;
  if (cp !== null && strEq(cp, pattern)) {
    re = cachedRegex;
  } else {
    re = compileRegex(pattern);
    cachedPattern = pattern;
    cachedRegex = re;
  }
  if (re === null) return null;
  return mkBool(regexMatch(re, strv(v)));
}
